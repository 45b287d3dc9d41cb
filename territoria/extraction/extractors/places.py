"""Places: countries (ISO 3166-1, names in fr/en/es) and cities with their country, one
record per place whatever the language (La Haye = The Hague = La Haya)."""

from territoria.extraction import gazetteer
from territoria.extraction.pipeline import Candidate


def place_record(entry) -> dict:
    aliases = list(dict.fromkeys([*entry.names.values(), *entry.aliases]))
    kind = "country" if entry.kind == "country" else "city"
    return {"name": entry.name, "kind": kind, "country_code": entry.country, "aliases": aliases, "gazetteer_id": entry.id}


def place_key(entry) -> str:
    return f"{'country' if entry.kind == 'country' else 'city'}:{entry.id}"


def extract(context) -> list[Candidate]:
    _, city_matcher = gazetteer.cities()
    _, country_matcher = gazetteer.countries()
    _, organisation_matcher = gazetteer.organisations()
    candidates = []
    for passage in context.passages:
        text, toks = context.text(passage), context.tokens(passage)
        inside_names = [(m.start, m.end) for m in organisation_matcher.find(text, toks)]
        for match in city_matcher.find(text, toks) + country_matcher.find(text, toks):
            if any(s <= match.start and match.end <= e and (s, e) != (match.start, match.end) for s, e in inside_names):
                continue  # "Pays-Bas" inside "Association des communes des Pays-Bas" is still a place; a city inside an org name is not
            candidates.append(Candidate("place", place_key(match.value), place_record(match.value), [(passage, match.start, match.end)]))
    return candidates
