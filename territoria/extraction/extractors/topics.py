"""Per passage SDG and theme scores, stored as Topic rows (used by search facets, action
exports and the review screen)."""

from territoria.extraction import topics
from territoria.extraction.models import Topic


def extract(context) -> list:
    for passage in context.passages:
        text = context.text(passage)
        if len(text) < 12:
            continue
        sdgs, themes, explicit = topics.score(text, passage.language)
        for scheme, scores in ((Topic.Scheme.SDG, sdgs), (Topic.Scheme.THEME, themes)):
            for code in topics.tagged(scores):
                context.topics.append((passage.pk, context.document.pk, scheme.value, code, scores[code],
                                       scheme == Topic.Scheme.SDG and code in explicit))
    return []
