"""SDG and theme scoring for a text in French, English or Spanish.

Explicit mentions ("ODD 5", "SDG 11.3", "objectifs 4, 5, 14, 15 et 17") score 1. Implicit
topic comes from the keyword lexicons in data/ (sdg_keywords.json, themes.json): each
keyword phrase is matched on Snowball stems of the text's language, a phrase of n words
weighing n, and the weights become a score in [0, 1). See data/LEXICONS.md for sources.
"""

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from territoria.core import lang
from territoria.core.text import confirmed_matches, terms

DATA = Path(__file__).parent / "data"
THRESHOLD = 0.5
SCALE = 1.6  # weight at which the score reaches 1 - 1/e
MAX_PHRASE = 5
NUMBER = r"(?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-c]))?"
EXPLICIT_RE = re.compile(
    rf"\b(?:ODD|SDGs?|ODS|Objectifs? de d[ée]veloppement durable|Sustainable Development Goals?|Objetivos? de Desarrollo Sostenible|"
    rf"objectifs?|goals?|objetivos?|Goal)\s*(?:n[°º]\s*)?(?P<list>{NUMBER}(?:\s*(?:,|et|and|y|&)\s*{NUMBER})*)\b"
)
# EXPLICIT_RE without its leading \b: the regex engine then skips ahead to the letters its
# words start with rather than trying them at every position (see explicit_sdgs).
EXPLICIT_HEADLESS_RE = re.compile(EXPLICIT_RE.pattern.removeprefix(r"\b"))
# Every match of EXPLICIT_RE holds one of these (it is case-sensitive, as they are).
EXPLICIT_WORDS = ("ODD", "SDG", "ODS", "bjecti", "bjetivo", "oal")
EXPLICIT_HINT = re.compile("|".join(EXPLICIT_WORDS))  # one scan of the text for any of them
NUMBER_RE = re.compile(NUMBER)
CODES = None  # key of a trie node's codes (no stem is None)
ACRONYM_RE = re.compile(r"\b(?:ODD|SDGs?|ODS)\s*(?P<n>1[0-7]|[1-9])\b")


def explicit_sdgs(text: str) -> dict[str, list[str]]:
    """{'5': ['5'], '11': ['11.3']} for the goals (and targets) a text names."""
    found: dict[str, list[str]] = {}
    if not EXPLICIT_HINT.search(text):
        return found  # most passages name no goal: one quick scan spares the regex's
    for match in confirmed_matches(EXPLICIT_RE, EXPLICIT_HEADLESS_RE, text):
        generic = match.group(0).split()[0].lower().startswith(("objectif", "goal", "objetivo"))
        numbers = NUMBER_RE.findall(match["list"])
        if generic and len(numbers) < 2 and "développement" not in match.group(0) and "Development" not in match.group(0):
            continue  # "objectif 2" alone is too vague; "objectifs 4, 5 et 17" is not
        for number in numbers:
            goal = number.split(".")[0]
            found.setdefault(goal, [])
            if "." in number:
                found[goal].append(number)
    return found


@lru_cache(maxsize=2)
def lexicon(name: str) -> dict[str, dict]:
    """language -> a trie of stems (stem -> next stems -> ..., CODES at a node: the codes of the
    phrase ending there), from sdg_keywords.json or themes.json."""
    path = DATA / name
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    index: dict[str, dict] = {"en": {}, "fr": {}, "es": {}}
    for code, entry in raw.items():
        keywords = entry.get("keywords", entry)
        for language, phrases in keywords.items():
            for phrase in phrases:
                key = tuple(terms(phrase, language))
                if key and len(key) <= MAX_PHRASE:
                    node = index[language]
                    for stem in key:
                        node = node.setdefault(stem, {})
                    node.setdefault(CODES, []).append(code)
    for language_index in index.values():
        _distinct_codes(language_index)
    return index


def _distinct_codes(node: dict) -> None:
    """Each phrase's codes once, in the lexicon's order (a set's order varies from one process
    to the next with string hashing)."""
    for key, value in node.items():
        if key is CODES:
            node[CODES] = tuple(dict.fromkeys(value))
        else:
            _distinct_codes(value)


def score(text: str, language: str | None = None) -> tuple[dict[str, float], dict[str, float], dict[str, list[str]]]:
    """(sdg scores, theme scores, explicit sdg targets) for one text."""
    language = language or lang.classify(text[:2000])[0]
    explicit = explicit_sdgs(text)
    sdg_weights, theme_weights = weights(terms(text, language), language)
    sdgs = _scores(sdg_weights)
    sdgs.update({goal: 1.0 for goal in explicit})
    return sdgs, _scores(theme_weights), explicit


SDG_CODES, THEME_CODES = "\x00sdg", "\x00theme"  # keys of a joint trie node's codes (no stem holds a NUL)


@lru_cache(maxsize=1)
def joint_lexicon() -> dict[str, dict]:
    """language -> one trie holding both lexicons, each phrase's codes under its scheme's key, so
    a text is walked once for SDGs and themes together (see weights)."""
    joint: dict[str, dict] = {}
    for language in ("en", "fr", "es"):
        joint[language] = {}
        for name, key in (("sdg_keywords.json", SDG_CODES), ("themes.json", THEME_CODES)):
            _graft(joint[language], lexicon(name)[language], key)
    return joint


def _graft(into: dict, trie: dict, key: str) -> None:
    for stem, child in trie.items():
        if stem is CODES:
            into[key] = child
        else:
            _graft(into.setdefault(stem, {}), child, key)


def tags(text: str, language: str, stems: list[str] | None = None) -> tuple[list[tuple[str, float]], list[tuple[str, float]], dict]:
    """What `score` then `tagged` give, in one walk and without scoring what cannot pass the
    threshold: ([(sdg, score)], [(theme, score)], explicit targets), best first."""
    explicit = explicit_sdgs(text)
    sdg_weights, theme_weights = weights(terms(text, language) if stems is None else stems, language)
    sdgs = {code: _score(w) for code, w in sdg_weights.items() if w >= PASSING_WEIGHT or code in explicit}
    sdgs.update({goal: 1.0 for goal in explicit})
    themes = {code: _score(w) for code, w in theme_weights.items() if w >= PASSING_WEIGHT}
    return _best_first(sdgs), _best_first(themes), explicit


def weights(stems: list[str], language: str) -> tuple[dict[str, float], dict[str, float]]:
    """(SDG weights, theme weights) of a text's stems, both lexicons in one walk: at each
    position the longest keyword phrase of each lexicon, then on past it; a phrase of n words
    weighs n."""
    trie = joint_lexicon()[language]
    sdg_weights: dict[str, float] = {}
    theme_weights: dict[str, float] = {}
    resume_sdg = resume_theme = 0
    for i in [i for i, first in enumerate(stems) if first in trie]:  # most stems start no phrase
        want_sdg, want_theme = i >= resume_sdg, i >= resume_theme
        if not (want_sdg or want_theme):
            continue
        node = trie[stems[i]]
        sdg = (1, node[SDG_CODES]) if want_sdg and SDG_CODES in node else None
        theme = (1, node[THEME_CODES]) if want_theme and THEME_CODES in node else None
        n = 1
        for stem in stems[i + 1 : i + MAX_PHRASE]:
            node = node.get(stem)
            if node is None:
                break
            n += 1
            if want_sdg and SDG_CODES in node:
                sdg = n, node[SDG_CODES]
            if want_theme and THEME_CODES in node:
                theme = n, node[THEME_CODES]
        if sdg:
            for code in sdg[1]:
                sdg_weights[code] = sdg_weights.get(code, 0.0) + sdg[0]
            resume_sdg = i + sdg[0]
        if theme:
            for code in theme[1]:
                theme_weights[code] = theme_weights.get(code, 0.0) + theme[0]
            resume_theme = i + theme[0]
    return sdg_weights, theme_weights


PASSING_WEIGHT = 1.5  # weights are sums of phrase lengths: 1 scores 0.465, below THRESHOLD; 2 scores 0.713


@lru_cache(maxsize=1024)  # weights are sums of phrase lengths: a few dozen values in all
def _score(weight: float) -> float:
    return round(1 - math.exp(-weight / SCALE), 3)


def _best_first(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((c, s) for c, s in scores.items() if s >= THRESHOLD), key=lambda cs: -cs[1])


def _scores(found: dict[str, float]) -> dict[str, float]:
    return {code: _score(weight) for code, weight in found.items()}


def tagged(scores: dict[str, float]) -> list[str]:
    return [code for code, _ in _best_first(scores)]


@lru_cache(maxsize=1)
def _theme_table() -> dict[str, dict[str, str]]:
    return {code: entry["labels"] for code, entry in json.loads((DATA / "themes.json").read_text(encoding="utf-8")).items()}


def theme_labels(language: str | None = None) -> dict[str, str]:
    """Theme code -> its name in the interface language (or `language`)."""
    from django.utils.translation import get_language

    language = (language or get_language() or "en")[:2]
    return {code: labels.get(language) or labels["en"] for code, labels in _theme_table().items()}
