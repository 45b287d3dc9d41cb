"""Records of extracted facts for `territoria export KIND` and the API. Every record has
`sources: [{document_id, passage_id, start, end}]`; rejected and merged facts are left out."""

from collections import defaultdict
from functools import partial

from territoria.extraction.models import Fact, Kind, Source, Topic

FIELDS = {
    Kind.ACTION: ("document_id", "section", "section_title", "kind", "partnership", "text", "organisations"),
    Kind.ORGANISATION: ("name", "acronym", "aliases", "kind", "country"),
    Kind.PERSON: ("name", "role", "organisation"),
    Kind.PLACE: ("name", "kind", "country_code", "aliases"),
    Kind.EVENT: ("name", "start", "end", "year_inferred", "timezone", "place", "country_code", "organiser"),
    Kind.AGENDA_ITEM: ("document_id", "start", "end", "text", "speakers"),
}


def _sources(facts) -> dict[int, list[Source]]:
    grouped = defaultdict(list)
    for source in Source.objects.filter(fact__in=facts).order_by("document_id", "passage__order", "start"):
        grouped[source.fact_id].append(source)
    return grouped


def records(kind: str, user=None) -> list[dict]:
    facts = list(Fact.objects.live().filter(kind=kind).order_by("id"))
    sources = _sources(facts)
    rows = []
    for fact in facts:
        row = {"id": fact.pk, **{f: fact.data.get(f) for f in FIELDS[kind]}, "review_state": fact.state}
        row["sources"] = [s.as_dict() for s in sources.get(fact.pk, [])]
        rows.append(row)
    if kind == Kind.ACTION:
        _add_topics(rows)
    return rows


def _add_topics(rows: list[dict]) -> None:
    """An action's SDGs and themes are those of its passage."""
    passages = [r["sources"][0]["passage_id"] for r in rows if r["sources"]]
    by_passage = defaultdict(lambda: {"sdg": [], "theme": []})
    for topic in Topic.objects.filter(passage_id__in=passages).order_by("-score"):
        by_passage[topic.passage_id][topic.scheme].append(topic.code)
    for row in rows:
        found = by_passage[row["sources"][0]["passage_id"]] if row["sources"] else {"sdg": [], "theme": []}
        row["sdgs"] = sorted(int(c) for c in found["sdg"])
        row["themes"] = found["theme"]


def document_topics(document_ids) -> dict[int, dict]:
    """Each document's SDGs and themes, from its passages' topics: for each one, how many
    passages carry it and the best of their scores; most passages first. One query."""
    from django.db.models import Count, Max

    from territoria.extraction.topics import theme_labels

    found = {pk: {"sdgs": [], "themes": []} for pk in document_ids}
    rows = (Topic.objects.filter(document_id__in=list(found)).order_by().values("document_id", "scheme", "code")
            .annotate(passages=Count("id"), score=Max("score")))
    labels = theme_labels()
    for row in sorted(rows, key=lambda r: (-r["passages"], -r["score"], r["code"])):
        if row["scheme"] == Topic.Scheme.SDG:
            found[row["document_id"]]["sdgs"].append({"goal": int(row["code"].split(".")[0]), "passages": row["passages"], "score": row["score"]})
        else:
            found[row["document_id"]]["themes"].append({"code": row["code"], "label": labels.get(row["code"], row["code"]),
                                                        "passages": row["passages"], "score": row["score"]})
    return found


# One exporter per kind, as `core.exports.EXPORTERS` names them.
actions = partial(records, Kind.ACTION)
organisations = partial(records, Kind.ORGANISATION)
people = partial(records, Kind.PERSON)
places = partial(records, Kind.PLACE)
events = partial(records, Kind.EVENT)
agenda = partial(records, Kind.AGENDA_ITEM)
