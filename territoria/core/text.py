"""Text helpers shared by ingestion and search: normalisation, tokens, stems, stop words.

Everything here is pure and fast: ingestion calls it on every passage, search on every
query. Stemming uses the Snowball algorithms through PyStemmer (C, ~0.4 µs a word).
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

LANGUAGES = ("en", "fr", "es")
STEMMER_NAMES = {"en": "english", "fr": "french", "es": "spanish"}

# Words of two letters or more; French elisions (l', d', qu') split off by the apostrophe.
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

STOP_WORDS = {
    "en": set(
        """a an and are as at be been but by for from has have in into is it its of on or
        that the their this to was were which will with we our us they them he she his her
        not no can may also more most such than then there these those who whom what when
        where how all any both each other some very s""".split()
    ),
    "fr": set(
        """a au aux avec ce ces cet cette dans de des du elle elles en est et eux il ils je
        la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas
        pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous
        y d l n s c j m t ete etre sera seront ont a afin ainsi comme dont entre plus sans
        sous tout tous toutes toute""".split()
    ),
    "es": set(
        """a al algo algunas algunos ante con contra cual cuando de del desde donde durante
        e el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto
        estos fue fueron ha han hasta la las le les lo los mas me mi mis muy ni no nos
        nosotros o os otra otras otro otros para pero por porque que quien se sea ser si
        sin sobre su sus tambien te tiene u un una uno unos y ya""".split()
    ),
}
ALL_STOP_WORDS = set().union(*STOP_WORDS.values())


def strip_accents(text: str) -> str:
    """'Coopération décentralisée' -> 'Cooperation decentralisee'."""
    if text.isascii():
        return text
    if len(text) < 40:
        return _strip_short(text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def _strip_short(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-cased words of a text, accents kept (the stemmers expect them)."""
    return WORD_RE.findall(text.lower())


def word_spans(text: str):
    """(start, end, word) for each word, for highlighting."""
    for match in WORD_RE.finditer(text):
        yield match.start(), match.end(), match.group().lower()


@lru_cache(maxsize=3)
def _stemmer(language: str):
    return Stemmer.Stemmer(STEMMER_NAMES.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The accent-free Snowball stem of one lower-cased word."""
    return strip_accents(_stemmer(language).stemWord(word))


def is_stop_word(word: str, language: str) -> bool:
    return strip_accents(word) in STOP_WORDS.get(language, ())


@lru_cache(maxsize=200_000)
def term(word: str, language: str) -> str:
    """What a lower-cased word is indexed and matched as: its stem, or "" for a stop word."""
    return "" if is_stop_word(word, language) else stem(word, language)


_TERMS: dict[str, dict[str, str]] = {}  # language -> word -> term, a plain dict: ingestion asks ~200,000 times a second


def terms(text: str, language: str, found_words: list[str] | None = None) -> list[str]:
    """The stems of a text's words in order, stop words left out (`found_words`: the text's
    words, when the caller has them already)."""
    known = _TERMS.setdefault(language, {})
    if len(known) > 200_000:
        known.clear()
    if found_words is None:
        found_words = words(text)
    found = list(map(known.get, found_words))  # one C-level pass: nearly every word is known already
    if None in found:
        found = [t if t is not None else known.setdefault(w, term(w, language)) for w, t in zip(found_words, found)]
    return list(filter(None, found))


def lower_in_place(text: str) -> str | None:
    """The text lower-cased, when lower-casing keeps every character in place (it may not:
    "İ" becomes two characters), else None. Patterns with long alternations run 4x faster on it
    without re.I, which has Python's engine try every alternative at every position."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None


def confirmed_matches(pattern: re.Pattern, head: re.Pattern, text: str, head_text: str | None = None):
    """pattern.finditer(text), faster: `pattern` is tried only where `head`, a cheap pattern that
    matches (in `head_text`, the text itself or a same-length form of it) wherever `pattern`
    can, finds a start. `pattern` must not match the empty string."""
    head_text = text if head_text is None else head_text
    position = 0
    while (found := head.search(head_text, position)) is not None:
        match = pattern.match(text, found.start())
        if match:
            yield match
            position = match.end()
        else:
            position = found.start() + 1


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
