"""The curated gazetteers shipped in data/ (organisations, cities) and ISO 3166-1 countries
(names in English, French and Spanish from pycountry), loaded once per process."""

import gettext
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

from territoria.core.text import strip_accents
from territoria.extraction.matcher import PhraseMatcher

DATA = Path(__file__).parent / "data"

# Everyday names that ISO's official ones do not give.
COUNTRY_EXTRAS = {
    "KR": ["South Korea", "Corée du Sud", "Corea del Sur", "Corée", "Corea"],
    "US": ["United States of America", "USA", "États-Unis d'Amérique", "Estados Unidos de América", "EE. UU."],
    "GB": ["United Kingdom", "UK", "Royaume-Uni", "Reino Unido"],
    "RU": ["Russia", "Russie", "Rusia"], "IR": ["Iran"], "SY": ["Syria", "Syrie", "Siria"],
    "BO": ["Bolivia", "Bolivie"], "VE": ["Venezuela"], "TZ": ["Tanzania", "Tanzanie"],
    "CD": ["DRC", "RDC", "RD Congo", "République démocratique du Congo", "República Democrática del Congo"],
    "VN": ["Vietnam", "Viêt Nam"], "PS": ["Palestine", "Palestina"], "MD": ["Moldova", "Moldavie"],
    "CI": ["Côte d'Ivoire", "Ivory Coast", "Costa de Marfil"], "TR": ["Turkey", "Turquie", "Turquía", "Türkiye"],
    "CZ": ["Czech Republic", "République tchèque", "República Checa"], "LA": ["Laos"],
}


# Country names that are everyday words in one of the three languages ("réunion" = meeting).
COUNTRY_SKIP = {"reunion", "jersey", "turkey"}


@dataclass
class Entry:
    id: str
    name: str
    kind: str
    country: str | None = None
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    names: dict = field(default_factory=dict)


def _load(name: str) -> list[dict]:
    path = DATA / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _matcher(entries: list[Entry], case_sensitive=None) -> PhraseMatcher:
    matcher = PhraseMatcher()
    for entry in entries:
        names = [*(entry.names or {}).values(), *(entry.aliases or []), entry.acronym or ""]
        if entry.kind != "country" or entry.name in names or not names:
            names.append(entry.name)
        for name in dict.fromkeys(names):
            if name:
                matcher.add(name, entry, case_sensitive)
    return matcher


@lru_cache(maxsize=1)
def organisations() -> tuple[dict[str, Entry], PhraseMatcher]:
    entries = [Entry(o["id"], o["name"], o.get("kind", "other"), o.get("country"), o.get("acronym"),
                     o.get("aliases", []), o.get("names", {})) for o in _load("organisations.json")]
    return {e.id: e for e in entries}, _matcher(entries)


@lru_cache(maxsize=1)
def cities() -> tuple[dict[str, Entry], PhraseMatcher]:
    entries = [Entry(c["id"], c["name"], "city", c.get("country"), None, c.get("aliases", []), c.get("names", {}))
               for c in _load("cities.json")]
    return {e.id: e for e in entries}, _matcher(entries, "capitalised")


def _skipped(name: str) -> bool:
    return strip_accents(name.lower()) in COUNTRY_SKIP


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, Entry], PhraseMatcher]:
    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("fr", "es")}
    entries = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        names = {"en": english, **{lang: t.gettext(country.name) for lang, t in translations.items()}}
        aliases = [n.split(",")[0] for n in names.values() if "," in n] + COUNTRY_EXTRAS.get(country.alpha_2, [])
        names = {k: v for k, v in names.items() if not _skipped(v)}
        aliases = [a for a in [country.name, *aliases] if not _skipped(a)]
        english = english if not _skipped(english) else (list(names.values()) or aliases or [country.alpha_2])[0]
        entries.append(Entry(country.alpha_2, english, "country", country.alpha_2, None, aliases, names))
    return {e.id: e for e in entries}, _matcher(entries, "capitalised")


@lru_cache(maxsize=1)
def first_words() -> frozenset[str]:
    """Every word an organisation, city or country name starts with: a passage's words are
    sifted once against all three gazetteers (see PhraseMatcher.find's `starts`)."""
    return frozenset().union(*(loader()[1].index for loader in (organisations, cities, countries)))
