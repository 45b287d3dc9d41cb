"""The review screen: a document's facts beside its text, the source highlighted."""

from collections import defaultdict

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territoria.core.roles import editor_required
from territoria.extraction import review
from territoria.extraction.models import Fact, Kind, Source
from territoria.library.models import Document, Passage


def document_facts(document) -> list[Fact]:
    ids = Source.objects.filter(document=document).values_list("fact_id", flat=True)
    return list(Fact.objects.filter(pk__in=ids).order_by("kind", "id").prefetch_related("sources"))


def _fact_record(fact: Fact, document) -> dict:
    sources = [s.as_dict() for s in fact.sources.all() if s.document_id == document.pk]
    return {"id": fact.pk, "kind": fact.kind, "state": fact.state, "merged_into": fact.merged_into_id,
            "data": fact.data, "sources": sources}


def highlighted(passage: Passage, spans: list[tuple[int, int]]):
    """The passage text, escaped, with the given character spans in <mark>."""
    parts, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        parts += [escape(passage.text[cursor:start]), "<mark>", escape(passage.text[start:end]), "</mark>"]
        cursor = end
    parts.append(escape(passage.text[cursor:]))
    return mark_safe("".join(parts))


@editor_required
def review_document(request, pk, format=None):
    document = get_object_or_404(Document.objects.select_related("current"), pk=pk)
    facts = document_facts(document)
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    if format == "json" or request.GET.get("format") == "json":
        return JsonResponse({"document_id": document.pk, "facts": [_fact_record(f, document) for f in facts]})
    focus = Source.objects.filter(pk=request.GET.get("source") or 0, document=document).first()
    passages = list(Passage.objects.filter(version=document.current).order_by("order"))
    for passage in passages:
        spans = [(focus.start, focus.end)] if focus and focus.passage_id == passage.pk else []
        passage.html = highlighted(passage, spans)
    grouped = defaultdict(list)
    for fact in facts:
        if kind is None or fact.kind == kind:
            fact.here = [s for s in fact.sources.all() if s.document_id == document.pk]
            fact.fields = [(name, fact.data.get(name) or "") for name in review.EDITABLE[fact.kind]]
            grouped[fact.get_kind_display()].append(fact)
    return render(request, "extraction/review.html", {
        "doc": document, "passages": passages, "groups": dict(grouped), "focus": focus,
        "kinds": Kind.choices, "kind": kind, "orders": {p.pk: p.order for p in passages},
    })


@editor_required
@require_POST
def review_fact(request, pk):
    fact = get_object_or_404(Fact, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            review.confirm(fact, request.user)
        elif action == "reject":
            review.reject(fact, request.user)
        elif action == "correct":
            changes = {name: request.POST.get(f"field_{name}", "") for name in review.EDITABLE[fact.kind]}
            review.correct(fact, changes, request.user)
        elif action == "merge":
            review.merge(fact, get_object_or_404(Fact, pk=int(request.POST.get("into") or 0)), request.user)
        else:
            messages.error(request, _("Unknown review action."))
    except (ValueError, TypeError) as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Saved: %(fact)s is now %(state)s.") % {"fact": fact.label, "state": fact.get_state_display()})
    back = request.POST.get("next") or "/"
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")
