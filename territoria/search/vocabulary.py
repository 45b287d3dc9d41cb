"""The trilingual vocabulary of the field (data/vocabulary.tsv), loaded once per process.

Each concept lists its terms in English, French and Spanish. A query phrase is looked up
by its words, accent-free, either as typed or as Snowball stems in any of the three
languages, so "meetings", "réunions" and "reuniones" all find the meeting concept.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from territoria.core.text import LANGUAGES, STOP_WORDS, stem, strip_accents, words

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.tsv"
MAX_PHRASE = 6


@dataclass
class Concept:
    id: str
    terms: dict[str, list[str]]  # language -> terms

    def alternatives(self):
        from territoria.search.query import Alternative

        found = dict.fromkeys(
            Alternative(content_words(term, language), language) for language, terms in self.terms.items() for term in terms
        )
        return [a for a in found if a.words]


def content_words(text: str, language: str | None) -> tuple[str, ...]:
    """Words without stop words, as the index holds them (phrases then match)."""
    stop = STOP_WORDS[language] if language else set().union(*STOP_WORDS.values())
    return tuple(w for w in words(text) if strip_accents(w) not in stop)


class Vocabulary:
    def __init__(self, concepts: list[Concept]):
        self.concepts = {c.id: c for c in concepts}
        self.index: dict[tuple[str, ...], Concept] = {}
        for concept in concepts:
            for language, terms in concept.terms.items():
                for term in terms:
                    self._add(term, language, concept)

    def _add(self, term: str, language: str, concept: Concept) -> None:
        tokens = words(term)
        if not tokens or len(tokens) > MAX_PHRASE:
            return
        self.index.setdefault(tuple(strip_accents(t) for t in tokens), concept)
        self.index.setdefault(("~",) + tuple(stem(t, language) for t in tokens), concept)

    def lookup(self, tokens: list[str]) -> Concept | None:
        found = self.index.get(tuple(strip_accents(t) for t in tokens))
        for language in LANGUAGES:
            found = found or self.index.get(("~",) + tuple(stem(t, language) for t in tokens))
        return found

    def longest_match(self, tokens: list[str], start: int) -> tuple[Concept | None, int]:
        for length in range(min(MAX_PHRASE, len(tokens) - start), 0, -1):
            concept = self.lookup(tokens[start : start + length])
            if concept:
                return concept, length
        return None, 0


def parse_line(line: str) -> Concept | None:
    """'id<TAB>en terms<TAB>fr terms<TAB>es terms', terms separated by ' | '."""
    if not line.strip() or line.startswith("#"):
        return None
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 4:
        raise ValueError(f"{VOCABULARY_FILE.name}: expected 4 tab-separated fields in {line[:60]!r}")
    terms = {lang: [t.strip() for t in cell.split("|") if t.strip()] for lang, cell in zip(("en", "fr", "es"), fields[1:])}
    return Concept(fields[0].strip(), terms)


def concept_label(concept_id: str, language: str) -> str:
    """The first term of a concept in the reader's language ('gender-equality' -> 'égalité des genres')."""
    concept = vocabulary().concepts.get(concept_id)
    terms = concept.terms.get(language) or concept.terms.get("en") if concept else None
    return terms[0] if terms else concept_id


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    lines = VOCABULARY_FILE.read_text(encoding="utf-8").splitlines() if VOCABULARY_FILE.exists() else []
    return Vocabulary([c for c in map(parse_line, lines) if c])
