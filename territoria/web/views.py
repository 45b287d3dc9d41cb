"""Web pages, each with a JSON twin built from the same context function.

`?format=json` on any page, or the same path under /api/, answers JSON (see api.py for the
OpenAPI description). Views only gather data and choose a representation; the work is in
library.services, search.engine and the models.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_http_methods

from territoria.core.roles import editor_required
from territoria.library import exports
from territoria.library.formats import accepted_extensions
from territoria.library.models import Document, DocType, Language, Passage, Version, Visibility
from territoria.library.services import ingest_bytes
from territoria.search.engine import filters_for, search as run_search
from territoria.search.vocabulary import concept_label
from territoria.extraction.exports import document_topics
from territoria.extraction.models import Fact, Kind
from territoria.workplan.services import visible_plans

PAGE_SIZE = 25


def wants_json(request, format=None) -> bool:
    return format == "json" or request.GET.get("format") == "json"


def respond(request, template, context, payload, format=None):
    if wants_json(request, format):
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    return render(request, template, context)


def _int_list(values) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def library(request, format=None):
    documents = Document.objects.visible_to(request.user).select_related("current")
    chosen = {
        "language": [v for v in request.GET.getlist("language") if v in Language.values],
        "type": [v for v in request.GET.getlist("type") if v in DocType.values],
        "year": _int_list(request.GET.getlist("year")),
    }
    for field, values in (("language", chosen["language"]), ("doc_type", chosen["type"]), ("year", chosen["year"])):
        if values:
            documents = documents.filter(**{f"{field}__in": values})
    title = request.GET.get("title", "").strip()[:200]
    if title:
        documents = documents.filter(title__icontains=title)
    page = Paginator(documents.order_by("-updated_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    records = [exports.document_record(d) for d in page]
    context = {"page": page, "chosen": chosen, "title_filter": title, "facets": _library_facets(request.user)}
    payload = {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "documents": records}
    return respond(request, "web/library.html", context, payload, format)


def _library_facets(user) -> dict:
    visible = Document.objects.visible_to(user)
    years = visible.exclude(year=None).order_by("-year").values_list("year", flat=True).distinct()
    return {
        "language": [(code, label) for code, label in Language.choices],
        "type": [(code, label) for code, label in DocType.choices],
        "year": [(y, y) for y in years],
    }


def document(request, pk, format=None):
    doc = get_object_or_404(Document.objects.visible_to(request.user).select_related("current"), pk=pk)
    passages = list(Passage.objects.filter(version=doc.current).order_by("order"))
    versions = list(doc.versions.order_by("-number"))
    outline = [p for p in passages if p.kind == Passage.Kind.HEADING]
    topics = document_topics([doc.pk])[doc.pk]
    payload = {
        **exports.document_record(doc),
        "sdgs": topics["sdgs"], "themes": topics["themes"],
        "versions": [_version_record(v) for v in versions],
        "outline": [_passage_record(p) for p in outline],
        "passages": [_passage_record(p) for p in passages],
    }
    context = {"doc": doc, "passages": passages, "versions": versions, "outline": outline, "topics": topics,
               "plans": list(doc.plans.filter(pk__in=visible_plans(request.user))),
               "has_actions": Fact.objects.live().filter(kind=Kind.ACTION, document=doc).exists()}
    return respond(request, "web/document.html", context, payload, format)


def _passage_record(p: Passage) -> dict:
    return {
        "id": p.pk, "order": p.order, "kind": p.kind, "level": p.level, "number": p.number,
        "section": p.section, "section_title": p.section_title, "page": p.page, "language": p.language, "text": p.text,
    }


def _version_record(v: Version) -> dict:
    return {
        "number": v.number, "sha256": v.sha256, "format": v.format, "size": v.size, "pages": v.pages,
        "status": v.status, "errors": v.errors, "timings": _in_stage_order(v.timings), "created_at": v.created_at.isoformat(),
        "original_name": v.original_name,
    }


def _in_stage_order(timings: dict) -> dict:
    """PostgreSQL's jsonb sorts keys; show the stages in the pipeline's order."""
    from territoria.library.pipeline import STAGES

    order = {name: i for i, (name, _) in enumerate(STAGES)}
    return dict(sorted(timings.items(), key=lambda kv: order.get(kv[0], len(order))))


def download(request, pk, number):
    doc = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    version = get_object_or_404(Version, document=doc, number=number)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The original file is missing from storage.")) from None
    # Always an attachment: an uploaded HTML file must never render in our origin.
    return FileResponse(handle, as_attachment=True, filename=version.original_name, content_type="application/octet-stream")


def search(request, format=None):
    text = request.GET.get("q", "").strip()[:500]
    chosen = {
        "language": [v for v in request.GET.getlist("language") if v in Language.values],
        "type": [v for v in request.GET.getlist("type") if v in DocType.values],
        "year": _int_list(request.GET.getlist("year")),
    }
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    results = None
    if text:
        filters = filters_for(request.user, chosen["language"], chosen["type"], chosen["year"])
        results = run_search(text, filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    payload = {
        "query": text, "page": page_number,
        "total": results.total if results else 0,
        "total_exact": results.complete if results else True,
        "concepts": results.query.concepts if results else [],
        "facets": results.facets if results else {},
        "hits": [h.as_dict() for h in results.hits] if results else [],
    }
    language = get_language()[:2]
    expanded = list(dict.fromkeys(concept_label(c, language) for c in results.query.concepts)) if results else []
    context = {"q": text, "results": results, "chosen": chosen, "page_number": page_number, "expanded": expanded,
               "has_next": bool(results and results.total > page_number * PAGE_SIZE),
               "facet_labels": {"language": dict(Language.choices), "doc_type": dict(DocType.choices)}}
    template = "web/search_results.html" if request.headers.get("HX-Request") else "web/search.html"
    return respond(request, template, context, payload, format)


@editor_required
@require_http_methods(["GET", "POST"])
def upload(request, format=None):
    results = []
    if request.method == "POST":
        visibility = request.POST.get("visibility", Visibility.PUBLIC)
        visibility = visibility if visibility in Visibility.values else Visibility.PUBLIC
        for uploaded in request.FILES.getlist("files"):
            results.append(_ingest_upload(uploaded, request.user, visibility))
        if not results:
            messages.error(request, _("Choose at least one file."))
    payload = {"documents": [r.as_dict() for r in results]}
    context = {"results": results, "accept": ",".join(accepted_extensions()), "max_mb": settings.MAX_UPLOAD_MB,
               "visibilities": Visibility.choices}
    if request.method == "POST" and (wants_json(request, format) or request.headers.get("Accept") == "application/json"):
        return JsonResponse(payload, status=200, json_dumps_params={"ensure_ascii": False})
    return render(request, "web/upload.html", context)


def _ingest_upload(uploaded, user, visibility):
    from territoria.library.services import IngestResult

    name = uploaded.name[-200:]
    if uploaded.size > settings.MAX_UPLOAD_BYTES:
        mb = uploaded.size / 1024 / 1024
        return IngestResult(path=name, error=f"{name}: the file is {mb:.1f} MB, above the {settings.MAX_UPLOAD_MB} MB limit")
    return ingest_bytes(name, uploaded.read(), key=f"upload:{name}", user=user, visibility=visibility)


def csrf_failure(request, reason=""):
    return render(request, "web/error.html", {"message": _("Your session expired or the form was sent from another site. Reload the page and try again.")}, status=403)
