"""Find known names (organisations, cities, countries, keywords) in text, fast.

Names are indexed by their accent-free lower-case words; a text is scanned word by word,
longest name first. Acronym-like names ("UCLG", "S.I.D.A.", "Sida") only match with the same
capitalisation, so "un" never matches "UN" and "sida" (AIDS) never matches Sida.
"""

import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

from territoria.core.text import WORD_RE, lower_in_place, strip_accents, word_spans

MAX_WORDS = 16
COMBINING_RE = re.compile("[\u0300-\u036f]")  # the accents of Latin letters once decomposed
CAPITALISED = object()  # marker: any accents and case after a capital first letter
WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")  # split() keeps the words: separators and words alternate
ASCII_WORD_SPLIT_RE = re.compile("([a-z0-9]+)")  # the same on lower-case ASCII text, where sets of ranges beat a Unicode category
ENTRIES = None  # key of a trie node's list of names ending there (no word is None)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    value: object
    text: str


def is_acronym(name: str) -> bool:
    letters = re.sub(r"[\s.\-]", "", name)
    return len(letters) <= 6 or name.isupper()


class Tokens:
    """A text's accent-free lower-case words (`words`) and, computed on first use, where each
    starts and ends in the text (`span(i)`): most words are only looked up, never located."""

    __slots__ = ("words", "_parts", "_starts", "_ends", "_folded")

    def __init__(self, words: list[str], parts: list[str] | None = None, starts=None, ends=None, folded: str | None = None):
        self.words, self._parts, self._starts, self._ends, self._folded = words, parts, starts, ends, folded

    def span(self, i: int) -> tuple[int, int]:
        if self._starts is None:
            if self._parts is None:  # words given: found again in the folded text, whose characters are the text's
                spans = [m.span() for m in WORD_RE.finditer(self._folded)]
                self._starts, self._ends = [s for s, _ in spans], [e for _, e in spans]
            else:  # the pieces' lengths summed give every word's offsets
                offsets = list(accumulate(map(len, self._parts), initial=0))
                self._starts, self._ends = offsets[1::2], offsets[2::2]
        return self._starts[i], self._ends[i]

    def __len__(self) -> int:
        return len(self.words)


def tokens(text: str, found_words: list[str] | None = None) -> Tokens:
    """The words of a text, accent-free and lower-case. The whole text is folded at once when
    folding keeps every character in place (Latin text), else word by word. `found_words`, the
    text's lower-case words (`core.text.words`) when the caller has them, are then folded one
    by one (each distinct word once), 5x faster than splitting the folded text."""
    folded = (text if text.isascii() else COMBINING_RE.sub("", unicodedata.normalize("NFD", text))).lower()
    if len(folded) == len(text):
        if found_words is not None and lower_in_place(text) is not None:  # the same characters in the same places: the same words
            return Tokens([w if w.isascii() else _fold_word(w) for w in found_words], folded=folded)
        parts = (ASCII_WORD_SPLIT_RE if folded.isascii() else WORD_SPLIT_RE).split(folded)  # separators and words alternate
        return Tokens(parts[1::2], parts)
    spans = list(word_spans(text))
    return Tokens([strip_accents(w) for _, _, w in spans], starts=[s for s, _, _ in spans], ends=[e for _, e, _ in spans])


_FOLDED: dict[str, str] = {}  # word -> accent-free word


def _fold_word(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) > 200_000:  # bounded memory on endless vocabularies
            _FOLDED.clear()
        folded = _FOLDED[word] = COMBINING_RE.sub("", unicodedata.normalize("NFD", word))
    return folded


class PhraseMatcher:
    """Names in a trie of words: word -> next words -> ..., ENTRIES at a node holding the names
    that end there. Most words start no name, and most that do are followed by no name's next
    word, so a scan costs a dict lookup per word."""

    def __init__(self):
        self.index: dict = {}

    def add(self, name: str, value, case_sensitive: bool | None = None) -> None:
        """`case_sensitive`: True for exact forms, None to decide by `is_acronym`, and
        "capitalised" for proper names that must start with a capital (places)."""
        words = tuple(tokens(name).words)
        if not words or len(words) > MAX_WORDS:
            return
        if case_sensitive == "capitalised":
            exact = re.sub(r"[\s.\-]", "", name) if name.isupper() and len(name) > 1 else CAPITALISED
        elif is_acronym(name) if case_sensitive is None else case_sensitive:
            exact = re.sub(r"[\s.\-]", "", name)
        else:
            exact = None
        node = self.index
        for word in words:
            node = node.setdefault(word, {})
        node.setdefault(ENTRIES, []).append((exact, value))

    def find(self, text: str, toks: Tokens | None = None, starts: list[int] | None = None) -> list[Match]:
        """Names in the text, longest first, left to right, without overlaps. `starts`: the
        positions of the words that may start a name, when the caller has sifted them (a
        superset of this matcher's first words)."""
        toks = tokens(text) if toks is None else toks
        words = toks.words
        index, found, resume, last = self.index, [], 0, len(words) - 1
        if starts is None:
            starts = [i for i, word in enumerate(words) if word in index]  # most words start no name
        for i in starts:
            if i < resume or words[i] not in index:
                continue
            node = index[words[i]]
            if ENTRIES not in node and (i == last or words[i + 1] not in node):
                continue  # "la", "the", "regional": first words of names, seldom followed by their next word
            match, length = self._longest(text, toks, i)
            if match:
                found.append(match)
                resume = i + length
        return found

    def _longest(self, text, toks: Tokens, i: int):
        """The longest name starting at word i whose case fits, else (None, 0)."""
        ends, node, words = [], self.index, toks.words  # (last word, names ending there), shortest first
        for j in range(i, min(len(words), i + MAX_WORDS)):
            node = node.get(words[j])
            if node is None:
                break
            if ENTRIES in node:
                ends.append((j, node[ENTRIES]))
        for j, entries in reversed(ends):
            match = _fitting(text, toks.span(i)[0], toks.span(j)[1], entries)
            if match:
                return match, j - i + 1
        return None, 0


def _fitting(text: str, start: int, end: int, entries) -> Match | None:
    surface = text[start:end]
    for exact, value in entries:
        if exact is None or (exact is CAPITALISED and surface[:1].isupper()) or re.sub(r"[\s.\-]", "", surface) == exact:
            return Match(start, _with_final_dot(text, end, exact), value, surface)
    return None


def _with_final_dot(text: str, end: int, exact) -> int:
    """'S.I.D.A.' ends after its last dot."""
    return end + 1 if exact and end < len(text) and text[end] == "." else end
