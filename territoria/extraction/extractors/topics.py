"""Per passage SDG and theme scores, stored as Topic rows (used by search facets, action
exports and the review screen)."""

from territoria.extraction import topics
from territoria.extraction.models import Topic


SDG, THEME = Topic.Scheme.SDG.value, Topic.Scheme.THEME.value


def extract(context) -> list:
    rows = context.topics  # (passage, scheme, code, score, explicit): the pipeline adds the document
    for passage in context.passages:
        text = context.text(passage)
        if len(text) < 12:
            continue
        sdgs, themes, explicit = topics.tags(text, passage.language, context.stems(passage))
        rows.extend((passage.pk, SDG, code, score, code in explicit) for code, score in sdgs)
        rows.extend((passage.pk, THEME, code, score, False) for code, score in themes)
    return []
