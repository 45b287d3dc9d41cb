"""A synthetic network for the matchmaking benchmark and tests: organisations in many
countries and languages, and needs and offers written in English, French or Spanish on
subjects built from the trilingual vocabulary, with true matches planted.

Truth is a rule, not a list: an offer answers a need when both are about the same subject,
their holders share a working language and the kinds of help fit (same or near kind). The
generator plants `MATCHES_PER_PROBE` such offers for every probe need, and adds distractors
(same subject but no shared language; same theme but another subject) and random capacities;
random capacities that happen to satisfy the rule count as true matches too.
"""

import random
from dataclasses import dataclass

from territoria.directory.matching import NEAR_KINDS
from territoria.directory.models import Capacity, CapacityKind, Direction, Organisation

# subject -> (theme, SDGs, vocabulary concepts that say what it is about)
SUBJECTS = {
    "property_tax": ("local_finance", [11, 17], ["property-tax", "own-source-revenue", "fiscal-decentralisation"]),
    "climate_finance": ("local_finance", [13, 17], ["climate-finance", "co-financing", "investment"]),
    "participatory_budget": ("local_democracy", [16], ["participatory-budgeting", "citizen-participation", "transparency"]),
    "accountability": ("local_democracy", [16], ["accountability", "public-administration", "self-assessment"]),
    "gbv": ("gender", [5, 16], ["gender-based-violence", "safety", "public-space"]),
    "women_leaders": ("gender", [5], ["women-leaders", "feminist-leadership", "leadership"]),
    "adaptation": ("climate", [13], ["climate-adaptation", "nature-based-solutions", "biodiversity"]),
    "energy": ("climate", [7, 13], ["energy-transition", "renewable-energy", "low-carbon"]),
    "refugees": ("migration", [10], ["refugees", "displaced-persons", "social-cohesion"]),
    "migrant_inclusion": ("migration", [10, 8], ["migration", "inclusion", "employment"]),
    "heritage": ("culture", [11], ["cultural-heritage", "culture", "right-to-the-city"]),
    "drr": ("resilience", [11, 13], ["disaster-risk-reduction", "urban-resilience", "risk"]),
    "crisis": ("resilience", [11, 3], ["crisis-management", "emergency", "recovery"]),
    "informal_settlements": ("housing", [11, 1], ["informal-settlements", "right-to-housing", "land"]),
    "transport": ("mobility", [11, 9], ["public-transport", "mobility", "infrastructure"]),
    "food_systems": ("food", [2, 12], ["food-systems", "agroecology", "food-security"]),
    "sanitation": ("water", [6], ["water-and-sanitation", "waste", "public-health"]),
    "open_data": ("digital", [9, 16], ["data", "digital-rights", "statistics"]),
    "digital_services": ("digital", [9], ["digital", "public-services", "digital-divide"]),
    "civil_service": ("human_resources", [16], ["civil-servants", "human-resources", "training-of-trainers"]),
    "social_economy": ("social_economy", [8], ["social-economy", "informal-economy", "decent-work"]),
    "vlr": ("localisation", [17], ["vlr", "sdg-localisation", "monitoring-and-evaluation"]),
    "city_diplomacy": ("decentralised_cooperation", [17], ["city-diplomacy", "city-to-city-cooperation", "twinning"]),
    "urban_planning": ("urban_planning", [11], ["urban-planning", "public-space", "land"]),
}
MATCHES_PER_PROBE = 5
COUNTRIES = {  # country -> working languages of its organisations
    "SN": ["fr"], "CI": ["fr"], "CM": ["fr", "en"], "MA": ["fr", "ar"], "TN": ["fr", "ar"], "BF": ["fr"], "ML": ["fr"],
    "BJ": ["fr"], "FR": ["fr", "en"], "BE": ["fr", "en"], "CA": ["en", "fr"], "KE": ["en"], "UG": ["en"], "ZA": ["en"],
    "GH": ["en"], "NG": ["en"], "TZ": ["en"], "IN": ["en"], "PH": ["en"], "ID": ["en"], "GB": ["en"], "US": ["en", "es"],
    "NL": ["en"], "SE": ["en"], "DE": ["de", "en"], "MX": ["es"], "CO": ["es"], "PE": ["es"], "AR": ["es"], "CL": ["es"],
    "EC": ["es"], "BO": ["es"], "ES": ["es", "en"], "BR": ["pt", "es"], "MZ": ["pt"], "AO": ["pt"], "LB": ["ar", "fr"],
    "JO": ["ar", "en"], "TR": ["en"], "UA": ["en"],
}
KIND_NAMES = ["city", "region", "local_government_association", "network", "university", "ngo"]
TEXT = {
    Direction.NEED: {"en": "We are looking for support on {0}, {1} and {2} for our {3}.",
                     "fr": "Nous cherchons un appui sur {0}, {1} et {2} pour notre {3}.",
                     "es": "Buscamos apoyo en {0}, {1} y {2} para nuestro {3}."},
    Direction.OFFER: {"en": "We offer our experience of {0}, {1} and {2} to {3} peers.",
                      "fr": "Nous proposons notre expérience de {0}, {1} et {2} à des {3} pairs.",
                      "es": "Ofrecemos nuestra experiencia en {0}, {1} y {2} a {3} pares."},
}
FILLERS = {"en": ["municipality", "association", "network", "team", "councillors"],
           "fr": ["commune", "association", "réseau", "équipe", "élus"],
           "es": ["municipio", "asociación", "red", "equipo", "concejales"]}
TITLE = {"en": "{0} and {1}", "fr": "{0} et {1}", "es": "{0} y {1}"}


@dataclass
class Network:
    probes: list[int]  # ids of the probe needs
    truth: dict[int, set[int]]  # probe need id -> ids of the offers that answer it
    organisations: int
    capacities: int


def _term(concept_id: str, language: str) -> str:
    from territoria.search.vocabulary import vocabulary

    concept = vocabulary().concepts.get(concept_id)
    if concept is None:
        return concept_id.replace("-", " ")
    return (concept.terms.get(language) or concept.terms["en"])[0]


def fits(need_kind: str, offer_kind: str) -> bool:
    return need_kind == offer_kind or frozenset({need_kind, offer_kind}) in NEAR_KINDS


def generate(organisations: int = 500, capacities: int = 2000, probes: int = 100, seed: int = 7) -> Network:
    """Write the network to the database (in bulk) and return what the benchmark checks."""
    rng = random.Random(seed)
    countries = list(COUNTRIES)
    orgs = Organisation.objects.bulk_create([
        Organisation(name=f"Synthetic {KIND_NAMES[i % len(KIND_NAMES)].replace('_', ' ')} {i:04d}", kind=KIND_NAMES[i % len(KIND_NAMES)],
                     country=(country := countries[i % len(countries)]), languages=COUNTRIES[country],
                     origins=[{"synthetic": seed}])
        for i in range(organisations)
    ], batch_size=500)
    if orgs[0].pk is None:  # backends that don't return ids from bulk inserts
        orgs = list(Organisation.objects.filter(name__startswith="Synthetic ").order_by("id"))
    subjects = list(SUBJECTS)
    kinds = [CapacityKind.EXPERTISE, CapacityKind.TRAINING, CapacityKind.PEER_EXCHANGE, CapacityKind.TOOLS]
    rows: list[tuple[Capacity, dict]] = []

    def capacity(direction, org, subject, kind, tag=None):
        language = rng.choice([lang for lang in org.languages if lang in TEXT[direction]] or ["en"])
        theme, sdgs, concepts = SUBJECTS[subject]
        terms = [_term(c, language) for c in rng.sample(concepts, 3)]
        text = TEXT[direction][language].format(*terms, rng.choice(FILLERS[language]))
        title = TITLE[language].format(terms[0][:1].upper() + terms[0][1:], terms[1])
        rows.append((Capacity(direction=direction, kind=kind, title=title[:200], text=text, themes=[theme], sdgs=sdgs,
                              countries=[org.country], languages=org.languages, organisation=org),
                     {"subject": subject, "tag": tag}))

    def other_org(exclude, speaking=None, not_speaking=None):
        while True:
            org = rng.choice(orgs)
            if org is exclude:
                continue
            if speaking and not set(speaking) & set(org.languages):
                continue
            if not_speaking and set(not_speaking) & set(org.languages):
                continue
            return org

    for p in range(probes):
        org, subject, kind = orgs[p * 3 % len(orgs)], subjects[p % len(subjects)], rng.choice(kinds)
        capacity(Direction.NEED, org, subject, kind, tag=("probe", p))
        for _ in range(MATCHES_PER_PROBE):  # planted true matches
            capacity(Direction.OFFER, other_org(org, speaking=org.languages), subject,
                     rng.choice([kind, kind, kind, *(k for k in kinds if fits(kind, k))]))
        for _ in range(2):  # same subject, no common language
            capacity(Direction.OFFER, other_org(org, not_speaking=org.languages), subject, kind)
        theme = SUBJECTS[subject][0]
        siblings = [s for s in subjects if SUBJECTS[s][0] == theme and s != subject] or subjects
        for _ in range(3):  # same theme, another subject, same language
            capacity(Direction.OFFER, other_org(org, speaking=org.languages), rng.choice(siblings), kind)
    while len(rows) < capacities:
        org = rng.choice(orgs)
        capacity(rng.choice([Direction.NEED, Direction.OFFER]), org, rng.choice(subjects), rng.choice(kinds))
    created = Capacity.objects.bulk_create(_with_terms([c for c, _ in rows]), batch_size=500)
    if created[0].pk is None:
        created = list(Capacity.objects.filter(organisation__in=orgs).order_by("id"))
    meta = [m for _, m in rows]
    by_org = {o.pk: o for o in orgs}
    probe_ids, truth = [], {}
    for need, need_meta in zip(created, meta):
        if not (need_meta["tag"] and need_meta["tag"][0] == "probe"):
            continue
        probe_ids.append(need.pk)
        need_langs = set(by_org[need.organisation_id].languages)
        truth[need.pk] = {
            offer.pk for offer, offer_meta in zip(created, meta)
            if offer.direction == Direction.OFFER and offer_meta["subject"] == need_meta["subject"]
            and offer.organisation_id != need.organisation_id and need_langs & set(by_org[offer.organisation_id].languages)
            and fits(need.kind, offer.kind)
        }
    return Network(probe_ids, truth, len(orgs), len(created))


def _with_terms(capacities: list[Capacity]) -> list[Capacity]:
    """bulk_create skips save(): compute the matching terms here."""
    from territoria.directory.matching import capacity_terms

    for item in capacities:
        item.terms = capacity_terms(item.title, item.text)
    return capacities
