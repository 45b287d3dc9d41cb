"""Find known names (organisations, cities, countries, keywords) in text, fast.

Names are indexed by their accent-free lower-case words; a text is scanned word by word,
longest name first. Acronym-like names ("UCLG", "S.I.D.A.", "Sida") only match with the same
capitalisation, so "un" never matches "UN" and "sida" (AIDS) never matches Sida.
"""

import re
import unicodedata
from dataclasses import dataclass

from territoria.core.text import WORD_RE, strip_accents, word_spans

MAX_WORDS = 16
COMBINING_RE = re.compile("[\u0300-\u036f]")  # the accents of Latin letters once decomposed
CAPITALISED = object()  # marker: any accents and case after a capital first letter


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    value: object
    text: str


def is_acronym(name: str) -> bool:
    letters = re.sub(r"[\s.\-]", "", name)
    return len(letters) <= 6 or name.isupper()


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, accent-free lower-case word). The whole text is folded at once when
    folding keeps every character in place (Latin text), else word by word."""
    folded = (text if text.isascii() else COMBINING_RE.sub("", unicodedata.normalize("NFD", text))).lower()
    if len(folded) == len(text):
        return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(folded)]
    return [(s, e, strip_accents(w)) for s, e, w in word_spans(text)]


class PhraseMatcher:
    def __init__(self):
        self.index: dict[str, dict[tuple[str, ...], list[tuple[str | None, object]]]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}  # first word -> lengths of the names starting with it, longest first

    def add(self, name: str, value, case_sensitive: bool | None = None) -> None:
        """`case_sensitive`: True for exact forms, None to decide by `is_acronym`, and
        "capitalised" for proper names that must start with a capital (places)."""
        words = tuple(t[2] for t in tokens(name))
        if not words or len(words) > MAX_WORDS:
            return
        if case_sensitive == "capitalised":
            exact = re.sub(r"[\s.\-]", "", name) if name.isupper() and len(name) > 1 else CAPITALISED
        elif is_acronym(name) if case_sensitive is None else case_sensitive:
            exact = re.sub(r"[\s.\-]", "", name)
        else:
            exact = None
        self.index.setdefault(words[0], {}).setdefault(words, []).append((exact, value))
        self.lengths[words[0]] = tuple(sorted({len(words), *self.lengths.get(words[0], ())}, reverse=True))

    def find(self, text: str, toks: list[tuple[int, int, str]] | None = None) -> list[Match]:
        toks = tokens(text) if toks is None else toks
        index, found, resume = self.index, [], 0
        for i in [i for i, t in enumerate(toks) if t[2] in index]:  # most words start no name
            if i < resume:
                continue
            match, length = self._longest(text, toks, i)
            if match:
                found.append(match)
                resume = i + length
        return found

    def _longest(self, text, toks, i):
        first = toks[i][2]
        candidates, lengths = self.index[first], self.lengths[first]
        words = [t[2] for t in toks[i : i + lengths[0]]]
        for length in lengths:
            if length > len(words):
                continue
            entries = candidates.get(tuple(words[:length]))
            if not entries:
                continue
            start, end = toks[i][0], toks[i + length - 1][1]
            surface = text[start:end]
            for exact, value in entries:
                if exact is None or (exact is CAPITALISED and surface[:1].isupper()) or re.sub(r"[\s.\-]", "", surface) == exact:
                    return Match(start, _with_final_dot(text, end, exact), value, surface), length
        return None, 0


def _with_final_dot(text: str, end: int, exact) -> int:
    """'S.I.D.A.' ends after its last dot."""
    return end + 1 if exact and end < len(text) and text[end] == "." else end
