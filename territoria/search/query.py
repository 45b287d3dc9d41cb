"""Query parsing and cross-language expansion.

A query becomes groups, one per concept or word the person typed; each group lists the
alternatives that may match it: the word itself (stemmed in all three languages), and,
when the vocabulary knows the phrase, its equivalents in French, English and Spanish
("annual meeting" -> réunion annuelle, reunión anual). Backends compile groups to FTS5 or
tsquery syntax; the highlighter uses the same groups.
"""

import re
from dataclasses import dataclass, field

from territoria.core.text import ALL_STOP_WORDS, LANGUAGES, stem, strip_accents, words
from territoria.search.vocabulary import vocabulary

MAX_QUERY_WORDS = 32
PHRASE_RE = re.compile(r'"([^"]{1,200})"')


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]
    language: str | None = None  # None: stem in every language


@dataclass
class Group:
    """What one typed word or phrase may match: any alternative, or all of `parts`."""

    text: str
    alternatives: list[Alternative] = field(default_factory=list)
    concept: str | None = None
    parts: list["Group"] = field(default_factory=list)

    def all_groups(self):
        yield self
        for part in self.parts:
            yield from part.all_groups()


@dataclass
class Query:
    text: str
    groups: list[Group]

    @property
    def concepts(self) -> list[str]:
        return [g.concept for top in self.groups for g in top.all_groups() if g.concept]

    def stems(self) -> set[str]:
        """Every single-word stem (any language) a matching passage may contain."""
        found: set[str] = set()
        for group in (g for top in self.groups for g in top.all_groups()):
            for alternative in group.alternatives:
                for word in alternative.words:
                    languages = [alternative.language] if alternative.language else LANGUAGES
                    found.update(stem(word, lang) for lang in languages)
                    found.add(strip_accents(word))
        return found


def parse(text: str, expand: bool = True) -> Query:
    """Quoted phrases stay phrases; other words are matched against the vocabulary."""
    from territoria.search.vocabulary import content_words

    phrases = [(m, content_words(m, None)) for m in PHRASE_RE.findall(text)]
    groups = [Group(m, [Alternative(w)]) for m, w in phrases if w]
    rest = [w for w in words(PHRASE_RE.sub(" ", text))][:MAX_QUERY_WORDS]
    groups.extend(_expand(rest) if expand else _plain(rest))
    return Query(text, groups)


def _expand_parts(tokens: list[str], vocab) -> list[Group]:
    groups = []
    for token in tokens:
        concept = vocab.lookup([token])
        if concept:
            groups.append(Group(token, concept.alternatives(), concept.id))
        else:
            groups.extend(_plain([token]))
    return groups


def _plain(tokens: list[str]) -> list[Group]:
    return [Group(t, [Alternative((t,))]) for t in tokens if strip_accents(t) not in ALL_STOP_WORDS]


def _expand(tokens: list[str]) -> list[Group]:
    """Greedy longest match of vocabulary phrases; unknown words stand for themselves.

    A phrase concept may also match by all of its parts ("gender knowledge hub" -> gender
    AND knowledge AND hub, each in three languages), so a passage that words it differently
    still matches. Backends AND the groups, and OR them when that finds nothing.
    """
    groups, i = [], 0
    vocab = vocabulary()
    while i < len(tokens):
        concept, length = vocab.longest_match(tokens, i)
        if concept:
            parts = _expand_parts(tokens[i : i + length], vocab) if length > 1 else []
            groups.append(Group(" ".join(tokens[i : i + length]), concept.alternatives(), concept.id, parts))
            i += length
            continue
        groups.extend(_plain(tokens[i : i + 1]))
        i += 1
    return groups
