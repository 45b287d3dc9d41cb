"""Areas (Popolo): ISO 3166-1 countries with their names in the interface language, their
region (UCLG's world sections) and their outline for the directory map."""

import gettext
import json
from functools import lru_cache
from pathlib import Path

import pycountry
from django.utils.translation import get_language, gettext_lazy as _

REGIONS = {
    "africa": _("Africa"), "asia_pacific": _("Asia-Pacific"), "eurasia": _("Eurasia"), "europe": _("Europe"),
    "latin_america": _("Latin America and the Caribbean"), "mewa": _("Middle East and West Asia"), "north_america": _("North America"),
}


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(Path(__file__).with_name("data").joinpath("countries.json").read_text(encoding="utf-8"))


def view_box() -> str:
    return _data()["meta"]["viewBox"]


def outlines() -> dict[str, str]:
    return {code: c["path"] for code, c in _data()["countries"].items() if "path" in c}


def region_of(country: str) -> str:
    return _data()["countries"].get((country or "").upper(), {}).get("region", "")


def countries_in(region: str) -> list[str]:
    return [code for code, c in _data()["countries"].items() if c["region"] == region]


@lru_cache(maxsize=4)
def _translation(language: str):
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str | None = None) -> str:
    country = pycountry.countries.get(alpha_2=(code or "").upper()) if code else None
    if not country:
        return code or ""
    return _translation((language or get_language() or "en")[:2]).gettext(country.name)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    language = language or get_language() or "en"
    return sorted(((code, country_name(code, language)) for code in _data()["countries"]), key=lambda c: c[1])


def country_code(value: str) -> str:
    """An ISO alpha-2 code from a code or a name in any of the three languages ('' if unknown)."""
    value = (value or "").strip()
    if len(value) == 2 and value.upper() in _data()["countries"]:
        return value.upper()
    return _names().get(value.casefold(), "")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {}
    for country in pycountry.countries:
        for language in ("en", "fr", "es"):
            names[country_name(country.alpha_2, language).casefold()] = country.alpha_2
        names[country.name.casefold()] = country.alpha_2
        names[country.alpha_3.casefold()] = country.alpha_2
        if hasattr(country, "common_name"):
            names[country.common_name.casefold()] = country.alpha_2
    return names
