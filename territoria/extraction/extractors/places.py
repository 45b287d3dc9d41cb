"""Places: countries (ISO 3166-1, names in fr/en/es) and cities with their country, one
record per place whatever the language (La Haye = The Hague = La Haya)."""

from territoria.extraction import gazetteer
from territoria.extraction.pipeline import Candidate


_RECORDS: dict[str, dict] = {}  # place key -> its record, one dict shared by every mention: never changed in place


def place_record(entry) -> dict:
    key = place_key(entry)
    record = _RECORDS.get(key)
    if record is None:
        aliases = list(dict.fromkeys([*entry.names.values(), *entry.aliases]))
        kind = "country" if entry.kind == "country" else "city"
        record = _RECORDS[key] = {"name": entry.name, "kind": kind, "country_code": entry.country, "aliases": aliases, "gazetteer_id": entry.id}
    return record


def place_key(entry) -> str:
    return f"{'country' if entry.kind == 'country' else 'city'}:{entry.id}"


def extract(context) -> list[Candidate]:
    _, city_matcher = gazetteer.cities()
    _, country_matcher = gazetteer.countries()
    candidates = []
    for passage in context.passages:
        text, toks = context.text(passage), context.tokens(passage)
        people = [(s, e) for _, s, e in context.people(passage)]
        starts = context.name_starts(passage)
        cities = city_matcher.find(text, toks, starts)
        countries = [m for m in country_matcher.find(text, toks, starts) if not _inside(m, [(c.start, c.end) for c in cities])]
        for match in cities + countries:
            if _inside(match, people):  # "Marta Lagos" is a person, not Lagos
                continue
            candidates.append(Candidate("place", place_key(match.value), place_record(match.value), [(passage, match.start, match.end)]))
    return candidates


def _inside(match, spans) -> bool:
    return any(s <= match.start and match.end <= e for s, e in spans)
