"""Resolve a name to the canonical organisation, place or country, via the gazetteers."""

from functools import lru_cache

from territoria.extraction import gazetteer


def organisation_names(text: str, tokens=None) -> list[str]:
    """Canonical names of the known organisations a short text names ('S.I.D.A.' -> 'Sida')."""
    _, matcher = gazetteer.organisations()
    return list(dict.fromkeys(m.value.name for m in matcher.find(text, tokens)))


def first_organisation(text: str):
    _, matcher = gazetteer.organisations()
    found = matcher.find(text)
    return found[0].value if found else None


def first_place(text: str):
    """A city, else a country, named in the text (Entry or None)."""
    for loader in (gazetteer.cities, gazetteer.countries):
        found = loader()[1].find(text)
        if found:
            return found[0]
    return None


@lru_cache(maxsize=1000)
def short_name(text: str) -> str | None:
    """The partner a label names, by its usual short form ('S.I.D.A.' -> 'Sida')."""
    entry = first_organisation(text)
    return (entry.acronym or entry.name) if entry else None
