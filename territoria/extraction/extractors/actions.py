"""Work plans -> actions: every list item of a work plan is an action, with the kind the
nearest label gives it (ACTION CENTRALE / CORE ACTION / ACCIÓN CENTRAL, ACTION RENFORCEE,
... par notre partenariat avec S.I.D.A.) until the next heading."""

import hashlib
import re

from territoria.core.text import normalise_space, strip_accents
from territoria.extraction.pipeline import Candidate
from territoria.extraction.resolve import short_name

LABEL_RE = re.compile(
    r"^[\W_]*(?P<label>actions?\s+centrales?|core\s+actions?|acci[oó]n(?:es)?\s+central(?:es)?|"
    r"actions?\s+renforc[eé]es?|reinforced\s+actions?|acci[oó]n(?:es)?\s+reforzadas?)\b(?P<rest>[^:]{0,200})[\s:*]*$",
    re.I,
)
PARTNERSHIP_RE = re.compile(
    r"(?:partenariat|partnership|alianza|asociaci[oó]n|colaboraci[oó]n)\s+(?:avec|with|con)\s+(?:l[ae']\s*|the\s+|la\s+|el\s+)?(?P<partner>.+)",
    re.I,
)


def label_kind(text: str) -> tuple[str, str] | None:
    """('core' | 'reinforced' | 'reinforced_partnership', partner) for an action label."""
    match = LABEL_RE.match(text.strip())
    if not match:
        return None
    core = strip_accents(match["label"].lower()).startswith(("action centrale", "actions centrales", "core", "accion central", "acciones central"))
    if core:
        return "core", ""
    partner = PARTNERSHIP_RE.search(match["rest"])
    if partner:
        return "reinforced_partnership", partner["partner"].strip(" :*.").strip()
    return "reinforced", ""


def is_work_plan(context) -> bool:
    return context.document.doc_type == "workplan" or any(label_kind(p.text) for p in context.passages if len(p.text) < 250)


def extract(context) -> list[Candidate]:
    if not is_work_plan(context):
        return []
    candidates, kind, partner = [], "other", ""
    for passage in context.passages:
        label = label_kind(passage.text) if len(passage.text) < 250 else None
        if label:
            kind, partner = label
        elif passage.kind == "heading":
            kind, partner = "other", ""
        elif passage.kind == "list_item":
            candidates.append(_action(context, passage, kind, partner))
    return candidates


def _action(context, passage, kind: str, partner: str) -> Candidate:
    text = normalise_space(passage.text)
    digest = hashlib.sha1(f"{passage.order}:{text}".encode()).hexdigest()[:12]
    data = {  # the pipeline adds "document_id" first, and the document's id before the key
        "section": passage.section, "section_title": passage.section_title,
        "kind": kind, "partnership": (short_name(partner) or partner) if partner else None,
        "text": text, "order": passage.order, "organisations": list(dict.fromkeys(m.value.name for m in context.organisations(passage))),
    }
    return Candidate("action", f"{passage.section}:{digest}", data, [(passage, 0, len(passage.text))], document_scoped=True)
