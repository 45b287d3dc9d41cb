"""Snippets with the matching words marked, built in Python for both backends.

Extracted text is untrusted: every piece is escaped before <mark> tags are added.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from territoria.core.text import stem, strip_accents, word_spans

WINDOW_WORDS = 36


def matches(text: str, language: str, stems: set[str], spans=None) -> list[tuple[int, int]]:
    """Character spans of the words whose stem (or accent-free form) the query holds;
    `spans` are the text's word_spans when the caller already has them."""
    return [
        (start, end)
        for start, end, word in (spans if spans is not None else word_spans(text))
        if stem(word, language) in stems or strip_accents(word) in stems
    ]


def snippet(text: str, language: str, stems: set[str]) -> tuple[str, str]:
    """(plain text excerpt, escaped HTML excerpt with <mark>) around the densest matches."""
    spans = list(word_spans(text))
    hits = matches(text, language, stems, spans)
    first, last = _window(spans, hits)
    start = spans[first][0] if spans else 0
    end = spans[last][1] if spans else len(text)
    prefix = "…" if first > 0 else ""
    suffix = "…" if spans and last < len(spans) - 1 else ""
    plain = prefix + text[start:end] + suffix
    html, cursor = [escape(prefix)], start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        html += [escape(text[cursor:hit_start]), "<mark>", escape(text[hit_start:hit_end]), "</mark>"]
        cursor = hit_end
    html += [escape(text[cursor:end]), escape(suffix)]
    return plain, mark_safe("".join(html))


def _window(spans, hits) -> tuple[int, int]:
    """Word indexes [first, last] of the window holding the most hits."""
    if len(spans) <= WINDOW_WORDS:
        return 0, max(len(spans) - 1, 0)
    hit_starts = {h[0] for h in hits}
    flags = [1 if s[0] in hit_starts else 0 for s in spans]
    best, best_at, current = -1, 0, sum(flags[:WINDOW_WORDS])
    for i in range(len(spans) - WINDOW_WORDS + 1):
        if i:
            current += flags[i + WINDOW_WORDS - 1] - flags[i - 1]
        if current > best:
            best, best_at = current, i
    first = max(0, best_at - 4) if best_at else 0
    return first, min(len(spans) - 1, first + WINDOW_WORDS - 1)
