"""The JSON API: the same views as the pages (format=json), described in OpenAPI 3.1.

tests/test_api.py checks that every route under /api/ is described here and that each
described GET answers with the documented top-level fields.
"""

from django.http import JsonResponse
from django.urls import reverse

from territoria import __version__


def _list_param(name: str, description: str, item: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": item}, "style": "form", "explode": True}


LANGUAGE = {"type": "string", "enum": ["en", "fr", "es"]}
DOC_TYPE = {"type": "string", "enum": ["workplan", "agenda", "news", "call", "report", "policy", "other"]}
FILTERS = [
    _list_param("language", "Document language", LANGUAGE),
    _list_param("type", "Document type", DOC_TYPE),
    _list_param("year", "Year of the document", {"type": "integer"}),
]
PAGE = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}

DOCUMENT = {
    "type": "object",
    "required": ["id", "path", "title", "language", "type", "sha256"],
    "properties": {
        "id": {"type": "integer"}, "path": {"type": "string"}, "title": {"type": "string"},
        "language": LANGUAGE, "type": DOC_TYPE, "year": {"type": ["integer", "null"]},
        "sha256": {"type": "string"}, "format": {"type": "string"}, "version": {"type": "integer"},
        "pages": {"type": ["integer", "null"]}, "size": {"type": "integer"},
        "visibility": {"type": "string", "enum": ["public", "members"]}, "updated_at": {"type": "string", "format": "date-time"},
    },
}
PASSAGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "order": {"type": "integer"}, "kind": {"type": "string", "enum": ["heading", "paragraph", "list_item", "table_row"]},
        "level": {"type": "integer"}, "number": {"type": "string"}, "section": {"type": "string"},
        "section_title": {"type": "string"}, "page": {"type": ["integer", "null"]}, "language": LANGUAGE, "text": {"type": "string"},
    },
}
HIT = {
    "type": "object",
    "required": ["document_id", "title", "path", "language", "section", "snippet", "score"],
    "properties": {
        "document_id": {"type": "integer"}, "title": {"type": "string"}, "path": {"type": "string"},
        "language": LANGUAGE, "section": {"type": "string"}, "snippet": {"type": "string"},
        "snippet_html": {"type": "string", "description": "escaped HTML with <mark> around matches"},
        "score": {"type": "number"}, "passage_id": {"type": "integer"}, "page": {"type": ["integer", "null"]},
    },
}
INGEST_RESULT = {
    "type": "object",
    "properties": {
        "path": {"type": "string"}, "id": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["created", "unchanged", "updated", "failed"]},
        "language": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"]}, "warnings": {"type": "array", "items": {"type": "string"}},
    },
}


SOURCE = {"type": "object", "required": ["document_id", "passage_id", "start", "end"],
          "properties": {k: {"type": "integer"} for k in ("document_id", "passage_id", "start", "end")}}
FACT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["action", "organisation", "person", "place", "event", "agenda_item"]},
    "state": {"type": "string", "enum": ["extracted", "confirmed", "corrected", "rejected"]},
    "merged_into": {"type": ["integer", "null"]}, "data": {"type": "object"}, "sources": {"type": "array", "items": SOURCE}}}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
STATUS = {"type": "string", "enum": ["planned", "in_progress", "done", "delayed", "dropped"]}
ACTION_FILTERS = ["status", "kind", "partnership", "funder", "partner", "sdg", "country", "section", "pillar", "late", "q"]
PARTNER = {"type": "object", "properties": {"organisation_id": {"type": "integer"}, "organisation_name": {"type": "string"},
                                            "role": {"type": "string", "enum": ["funding", "accountable", "extending", "implementing"]}}}
PLAN = {"type": "object", "required": ["id", "title", "iati_identifier", "progress"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "iati_identifier": {"type": "string"}, "visibility": {"type": "string"},
    "status": STATUS, "start": {"type": ["string", "null"], "format": "date"}, "end": {"type": ["string", "null"], "format": "date"},
    "currency": {"type": "string"}, "document_id": {"type": ["integer", "null"]}, "owner": {"type": ["string", "null"]},
    "progress": {"type": ["integer", "null"], "description": "weighted progress, %"}, "actions": {"type": "integer"}}}
ACTION = {"type": "object", "required": ["id", "text", "status", "progress", "partners", "plan_id"], "properties": {
    "id": {"type": "integer"}, "plan_id": {"type": "integer"}, "section": {"type": ["string", "null"]}, "text": {"type": "string"},
    "kind": {"type": "string", "enum": ["core", "reinforced", "reinforced_partnership", "other"]}, "partnership": {"type": ["string", "null"]},
    "status": STATUS, "progress": {"type": "integer"}, "overdue": {"type": "boolean"}, "partners": {"type": "array", "items": PARTNER},
    "budget": {"type": ["number", "null"]}, "currency": {"type": "string"}, "sdgs": {"type": "array", "items": {"type": "integer"}},
    "countries": {"type": "array", "items": {"type": "string"}}, "fact_id": {"type": ["integer", "null"]}}}
EVENT_KINDS = ["statutory", "annual", "webinar", "conference", "un_process", "donor", "deadline", "other"]
EVENT_SUMMARY = {"type": "object", "required": ["id", "name", "start_date", "end_date", "all_day"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "title": {"type": "string", "description": "the name in the reader's language"},
    "kind": {"type": "string", "enum": EVENT_KINDS}, "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "all_day": {"type": "boolean"}, "precision": {"type": "string", "enum": ["day", "month", "year"]}, "timezone": {"type": ["string", "null"]},
    "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
    "city": {"type": ["string", "null"]}, "country": {"type": ["string", "null"]}, "url": {"type": "string"},
    "times": {"type": "object", "description": "times as written (original) and in the viewer's time zone (viewer, null when the same)"}}}
EVENT_FILTERS = [_list_param("kind", "Kind of event", {"type": "string", "enum": EVENT_KINDS}),
                 _list_param("theme", "Theme code", {"type": "string"}), _list_param("sdg", "SDG goal", {"type": "integer"}),
                 _list_param("region", "World region", {"type": "string"}), _list_param("organiser", "Organisation id", {"type": "integer"}),
                 _list_param("series", "Series id", {"type": "integer"})]
EVENT_RECORD = {"type": "object", "required": ["id", "name", "start", "end", "sources"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "start": {"type": "string"}, "end": {"type": "string"},
    "year_inferred": {"type": "boolean"}, "timezone": {"type": ["string", "null"]}, "place": {"type": ["string", "null"]},
    "country_code": {"type": ["string", "null"]}, "organiser": {"type": ["string", "null"]}, "kind": {"type": "string", "enum": EVENT_KINDS},
    "organisers": {"type": "array", "items": {"type": "object"}}, "sources": {"type": "array", "items": SOURCE},
    "conflicts": {"type": "object", "description": "editors only: readings of the sources that disagree, by field"}}}


def _ok(schema: dict) -> dict:
    return {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}


ORGANISATION = {"type": "object", "required": ["id", "name", "acronym", "aliases", "kind", "country", "sources"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "acronym": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
    "names": {"type": "object"}, "kind": {"type": "string"}, "country": {"type": "string"}, "region": {"type": "string"},
    "email": {"type": "string", "description": "empty unless you are signed in"}, "phone": {"type": "string"},
    "languages": {"type": "array", "items": {"type": "string"}}, "sources": {"type": "array", "items": SOURCE}}}
CAPACITY = {"type": "object", "required": ["id", "direction", "kind", "title"], "properties": {
    "id": {"type": "integer"}, "direction": {"type": "string", "enum": ["need", "offer"]},
    "kind": {"type": "string", "enum": ["expertise", "training", "peer_exchange", "funding", "tools"]}, "title": {"type": "string"},
    "text": {"type": "string"}, "themes": {"type": "array", "items": {"type": "string"}}, "sdgs": {"type": "array", "items": {"type": "integer"}},
    "countries": {"type": "array", "items": {"type": "string"}}, "languages": {"type": "array", "items": {"type": "string"}},
    "organisation_id": {"type": ["integer", "null"]}, "person_id": {"type": ["integer", "null"]}}}
MATCH = {"allOf": [CAPACITY, {"type": "object", "required": ["score", "reasons"], "properties": {"score": {"type": "number"}, "reasons": {"type": "array", "items": {"type": "string"}}}}]}


def spec() -> dict:
    from territoria.directory.views import FILTERS as directory_filters  # the views' own list of filters

    return {
        "openapi": "3.1.0",
        "info": {"title": "Territoria API", "version": __version__,
                 "description": "Every page of Territoria has a JSON twin; these are they. "
                                "Signed-in sessions see members-only documents; writing needs an editor session and a CSRF token."},
        "paths": {
            "/api/documents/": {"get": {"summary": "The library: documents, filtered", "parameters": FILTERS + [PAGE, {"name": "title", "in": "query", "schema": {"type": "string"}}],
                                        "responses": _ok({"type": "object", "required": ["count", "documents"], "properties": {"count": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"}, "documents": {"type": "array", "items": DOCUMENT}}})}},
            "/api/documents/{id}/": {"get": {"summary": "One document with its outline, passages, versions, SDGs and themes",
                                             "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                                             "responses": {**_ok({"allOf": [DOCUMENT, {"type": "object", "required": ["passages", "outline", "versions", "sdgs", "themes"], "properties": {"passages": {"type": "array", "items": PASSAGE}, "outline": {"type": "array", "items": PASSAGE}, "versions": {"type": "array", "items": {"type": "object"}}, "sdgs": {"type": "array", "description": "the goals its passages address, most passages first", "items": {"type": "object", "properties": {"goal": {"type": "integer"}, "passages": {"type": "integer"}, "score": {"type": "number", "description": "the best passage score"}}}}, "themes": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}, "passages": {"type": "integer"}, "score": {"type": "number"}}}}}}]}), "404": {"description": "No such document, or not visible to you"}}}},
            "/api/search/": {"get": {"summary": "Search passages across French, English and Spanish",
                                     "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}] + FILTERS + [PAGE],
                                     "responses": _ok({"type": "object", "required": ["query", "total", "hits", "facets"], "properties": {"query": {"type": "string"}, "total": {"type": "integer"}, "total_exact": {"type": "boolean", "description": "false when more than `total` passages match; hits and facets then cover the first `total` the index yields"}, "concepts": {"type": "array", "items": {"type": "string"}}, "facets": {"type": "object"}, "hits": {"type": "array", "items": HIT}}})}},
            "/api/documents/{id}/facts/": {"get": {"summary": "Facts extracted from a document, with their sources and review states (editors)",
                                                   "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                                                   "responses": {**_ok({"type": "object", "properties": {"document_id": {"type": "integer"}, "facts": {"type": "array", "items": FACT}}}), "302": {"description": "Not signed in"}, "403": {"description": "Not an editor"}}}},
            "/api/export/{kind}/": {"get": {"summary": "Every record of a kind (documents for everyone; facts for members)",
                                            "parameters": [{"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": ["documents", "actions", "organisations", "people", "places", "events", "agenda"]}}],
                                            "responses": {**_ok({"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "sources": {"type": "array", "items": SOURCE}}}}), "403": {"description": "Facts need a member session"}}}},
            "/api/plans/": {"get": {"summary": "Work plans visible to you, with their progress",
                                    "responses": _ok({"type": "object", "required": ["plans"], "properties": {"plans": {"type": "array", "items": PLAN}}})}},
            "/api/plans/{id}/": {"get": {"summary": "A plan and its actions, filtered",
                                         "parameters": [ID] + [{"name": f, "in": "query", "required": False, "schema": {"type": "string"}} for f in ACTION_FILTERS],
                                         "responses": {**_ok({"allOf": [PLAN, {"type": "object", "required": ["items", "filters"], "properties": {"filters": {"type": "object"}, "items": {"type": "array", "items": ACTION}}}]}), "404": {"description": "No such plan, or not visible to you"}}}},
            "/api/plans/{id}/dashboard/": {"get": {"summary": "A plan's progress by pillar, section, funder, partner, SDG and country; late actions; changes since a date",
                                                   "parameters": [ID, {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}],
                                                   "responses": {**_ok({"type": "object", "required": ["plan", "groups", "late", "updates"], "properties": {"plan": PLAN, "since": {"type": "string", "format": "date"}, "groups": {"type": "object"}, "late": {"type": "array", "items": ACTION}, "updates": {"type": "array", "items": {"type": "object"}}, "changed": {"type": "array", "items": {"type": "integer"}}}}), "400": {"description": "since is not a date"}}}},
            "/api/actions/{id}/": {"get": {"summary": "An action with its partners, indicators and timeline",
                                           "parameters": [ID], "responses": {**_ok({"allOf": [ACTION, {"type": "object", "required": ["updates", "indicators"], "properties": {"updates": {"type": "array", "items": {"type": "object"}}, "indicators": {"type": "array", "items": {"type": "object"}}}}]}), "404": {"description": "No such action, or not visible to you"}}}},
            "/api/directory/": {"get": {"summary": "The directory: organisations, filtered (contact details for members only)",
                                        "parameters": [{"name": f, "in": "query", "required": False, "schema": {"type": "string"}} for f in directory_filters] + [PAGE],
                                        "responses": _ok({"type": "object", "required": ["count", "organisations"], "properties": {"count": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"}, "organisations": {"type": "array", "items": ORGANISATION}}})}},
            "/api/directory/map/": {"get": {"summary": "Organisations, needs and offers by country (ISO 3166-1 alpha-2), with the directory's filters",
                                            "parameters": [{"name": f, "in": "query", "required": False, "schema": {"type": "string"}} for f in directory_filters],
                                            "responses": _ok({"type": "object", "required": ["countries"], "properties": {"countries": {"type": "array", "items": {"type": "object", "required": ["code", "count"], "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "region": {"type": "string"}, "count": {"type": "integer"}, "needs": {"type": "integer"}, "offers": {"type": "integer"}}}}}})}},
            "/api/directory/find/": {"get": {"summary": "Offers ranked for a described need, each with its reasons",
                                             "parameters": [{"name": f, "in": "query", "required": False, "schema": {"type": "string"}} for f in ("text", "kind", "country")]
                                             + [_list_param("themes", "Theme codes", {"type": "string"}), _list_param("languages", "ISO 639-1 codes", {"type": "string"})],
                                             "responses": _ok({"type": "object", "required": ["matches"], "properties": {"matches": {"type": "array", "items": MATCH}}})}},
            "/api/directory/joint-requests/": {"get": {"summary": "Groups of members with one need in one region and the funding lines that fit",
                                                       "responses": _ok({"type": "object", "required": ["groups"], "properties": {"groups": {"type": "array", "items": {"type": "object", "properties": {"theme": {"type": "string"}, "region": {"type": "string"}, "organisations": {"type": "array", "items": {"type": "integer"}}, "needs": {"type": "array", "items": {"type": "integer"}}, "funding_lines": {"type": "array", "items": {"type": "integer"}}}}}}})}},
            "/api/organisations/{id}/": {"get": {"summary": "An organisation's profile: names, people, documents that mention it, needs and offers",
                                                 "parameters": [ID], "responses": {**_ok({"allOf": [ORGANISATION, {"type": "object", "required": ["mentions", "people", "capacities"], "properties": {"mentions": {"type": "array", "items": {"type": "object"}}, "people": {"type": "array", "items": {"type": "object"}}, "capacities": {"type": "array", "items": CAPACITY}}}]}), "404": {"description": "No such organisation"}}}},
            "/api/people/{id}/": {"get": {"summary": "A person: roles, organisation, documents that mention them",
                                          "parameters": [ID], "responses": {**_ok({"type": "object", "required": ["id", "name", "role", "sources"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}, "organisation": {"type": ["string", "null"]}, "sources": {"type": "array", "items": SOURCE}, "mentions": {"type": "array", "items": {"type": "object"}}}}), "404": {"description": "No such person"}}}},
            "/api/capacities/{id}/": {"get": {"summary": "A need or an offer with its ranked, explained matches (and for a need: peers and funding lines)",
                                              "parameters": [ID], "responses": {**_ok({"allOf": [CAPACITY, {"type": "object", "required": ["matches", "peers", "funding_lines"], "properties": {"matches": {"type": "array", "items": MATCH}, "peers": {"type": "array", "items": MATCH}, "funding_lines": {"type": "array", "items": {"type": "object"}}}}]}), "404": {"description": "No such need or offer"}}}},
            "/api/calendar/": {"get": {"summary": "The calendar: a month, a week or the upcoming/past list, filtered",
                                       "parameters": [{"name": "view", "in": "query", "schema": {"type": "string", "enum": ["month", "week", "list"]}},
                                                      {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}},
                                                      {"name": "when", "in": "query", "schema": {"type": "string", "enum": ["upcoming", "past"]}},
                                                      {"name": "tz", "in": "query", "description": "IANA time zone of the viewer", "schema": {"type": "string"}},
                                                      PAGE] + EVENT_FILTERS,
                                       "responses": {**_ok({"type": "object", "required": ["view", "date", "timezone", "filters", "events"], "properties": {"view": {"type": "string"}, "date": {"type": "string", "format": "date"}, "timezone": {"type": "string"}, "filters": {"type": "object"}, "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}, "events": {"type": "array", "items": EVENT_SUMMARY}}}), "400": {"description": "date is not a date"}}}},
            "/api/calendar/events/{id}/": {"get": {"summary": "An event with its agenda, sources, documents and registration",
                                                   "parameters": [ID, {"name": "tz", "in": "query", "schema": {"type": "string"}}],
                                                   "responses": {**_ok({"allOf": [EVENT_RECORD, {"type": "object", "required": ["agenda", "registration", "times"], "properties": {"agenda": {"type": "array", "items": {"type": "object"}}, "documents": {"type": "array", "items": {"type": "object"}}, "registration": {"type": "object"}, "times": {"type": "object"}}}]}), "404": {"description": "No such event, or not visible to you"}}}},
            "/api/upload/": {"post": {"summary": "Ingest files (editors)", "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}, "visibility": {"type": "string", "enum": ["public", "members"]}}}}}},
                                      "responses": {**_ok({"type": "object", "properties": {"documents": {"type": "array", "items": INGEST_RESULT}}}), "302": {"description": "Not signed in"}, "403": {"description": "Not an editor, or CSRF token missing"}}}},
        },
    }


def export(request, kind):
    """Every record of a kind, as the CLI's `export --format json` prints it. Facts (which
    may come from members-only documents) are for signed-in members."""
    from django.http import Http404

    from territoria.core import exports
    from territoria.core.roles import is_member

    if kind not in exports.EXPORTERS:
        raise Http404("unknown kind")
    if kind != "documents" and not is_member(request.user):
        return JsonResponse({"error": "sign in as a member to export extracted facts"}, status=403)
    return JsonResponse(exports.rows(kind, request.user), safe=False, json_dumps_params={"ensure_ascii": False})


def openapi(request):
    return JsonResponse(spec(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def index(request):
    return JsonResponse({"openapi": reverse("api:openapi"), "endpoints": sorted(spec()["paths"])})
