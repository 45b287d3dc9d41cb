"""Matchmaking: for a need, the offers (and for an offer, the needs) that fit it best, and the
peers who share it, each with the reasons in words.

A candidate's score adds up evidence from everything the directory knows:
- what was declared: kind of help, themes, SDGs, words of the title and description (stems in
  the capacity's language plus the trilingual vocabulary's concepts, so "finances locales"
  meets "local finance"), countries and regions, working languages;
- what the network did: actions the two organisations are partners to together, documents that
  mention both.
Weights are plain numbers below, tuned on the synthetic network of `benchmarks/matchmaking.py`.
Everything is computed from one read of the open capacities (a few thousand rows), without an
index to keep in step.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils.translation import get_language, gettext as _, ngettext

from territoria.core.lang import classify
from territoria.core.text import terms, words
from territoria.directory.areas import region_of
from territoria.directory.models import WORKING_LANGUAGES, Capacity, CapacityKind, Direction, Membership, Organisation
from territoria.extraction.topics import theme_labels

# Kinds of help that answer each other beyond the same kind.
NEAR_KINDS = {frozenset({CapacityKind.EXPERTISE, CapacityKind.TRAINING}), frozenset({CapacityKind.EXPERTISE, CapacityKind.PEER_EXCHANGE}),
              frozenset({CapacityKind.TRAINING, CapacityKind.TOOLS})}
WEIGHTS = {"kind": 2.0, "near_kind": 0.7, "theme": 1.5, "sdg": 0.6, "text": 5.0, "language": 1.0, "no_language": -2.0,
           "country": 0.8, "region": 0.4, "partners": 0.5, "mentions": 0.3}
FIELDS = ("id", "direction", "kind", "title", "themes", "sdgs", "countries", "languages", "organisation_id", "person_id", "terms")


def capacity_terms(title: str, text: str) -> list[str]:
    """Stems of the words, in the text's language, and '@concept' for vocabulary concepts."""
    from territoria.search.vocabulary import vocabulary

    full = f"{title}. {text}".strip()
    language = classify(full[:500])[0] if len(full) > 20 else "en"
    found = set(terms(full, language))
    tokens, vocab, start = words(full), vocabulary(), 0
    while start < len(tokens):
        concept, length = vocab.longest_match(tokens, start)
        if concept:
            found.add("@" + concept.id)
        start += length or 1
    return sorted(found)


@dataclass
class Match:
    capacity_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def _holder_organisations(rows: list[dict]) -> dict[int, int]:
    """Person -> the organisation they act for (their first membership)."""
    people = {r["person_id"] for r in rows if r["person_id"] and not r["organisation_id"]}
    found = {}
    for person, organisation in Membership.objects.filter(person__in=people).order_by("id").values_list("person", "organisation"):
        found.setdefault(person, organisation)
    return found


def _relations(organisation_id: int | None) -> tuple[Counter, Counter]:
    """(actions together, documents together) with every other organisation."""
    if not organisation_id:
        return Counter(), Counter()
    from territoria.extraction.models import Source
    from territoria.workplan.models import Partner

    mine = Partner.objects.filter(organisation=organisation_id, action__isnull=False).values("action")
    together = Counter(dict(Partner.objects.filter(action__in=mine).exclude(organisation=organisation_id)
                            .values("organisation").annotate(n=Count("action", distinct=True)).values_list("organisation", "n")))
    mentions: Counter = Counter()
    fact = Organisation.objects.filter(pk=organisation_id).values_list("fact", flat=True).first()
    if fact:
        documents = Source.objects.filter(fact=fact).values("document")
        by_fact = dict(Source.objects.filter(document__in=documents, fact__kind="organisation").exclude(fact=fact)
                       .values("fact").annotate(n=Count("document", distinct=True)).values_list("fact", "n"))
        for organisation, fact_id in Organisation.objects.filter(fact__in=by_fact).values_list("pk", "fact"):
            mentions[organisation] = by_fact[fact_id]
    return together, mentions


def _open_rows(since=None) -> list[dict]:
    """Open capacities (changed after `since`, if given) as dicts, read with one plain cursor:
    Django's per-value JSON converters cost more than the ranking at a few thousand rows."""
    import json

    from django.db import connection

    query = Capacity.objects.filter(active=True)
    if since is not None:
        query = query.filter(updated_at__gte=since)
    sql, params = query.values_list(*FIELDS).query.sql_with_params()
    json_fields = {i for i, f in enumerate(FIELDS) if f in ("themes", "sdgs", "countries", "languages", "terms")}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{f: (json.loads(v) if i in json_fields and isinstance(v, str) else v) for i, (f, v) in enumerate(zip(FIELDS, row))}
                for row in cursor.fetchall()]


class Matcher:
    """Scores open capacities against one. The prepared rows (term sets, idf weights, postings)
    are kept per process and rebuilt only when a capacity or membership changed."""

    _cached: tuple | None = None

    def __init__(self, rows: list[dict] | None = None):
        if rows is not None:
            self._prepare(rows)
            return
        stats = Capacity.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
        key = (tuple(stats.values()), tuple(Membership.objects.aggregate(n=Count("id"), top=Max("id")).values()))
        cached = Matcher._cached
        if cached is not None and cached[0] == key:
            self.__dict__.update(cached[2])
            return
        if cached is None:
            rows = _open_rows()
        else:  # re-read only what changed since the cached state; keep the other rows as parsed
            open_ids = set(Capacity.objects.filter(active=True).values_list("id", flat=True))
            changed = {r["id"]: r for r in _open_rows(since=cached[1])}
            rows = [changed.pop(r["id"], None) or r for r in cached[2]["rows"] if r["id"] in open_ids]
            rows += [r for r in changed.values()]
        self._prepare(rows)
        Matcher._cached = (key, stats["last"], self.__dict__.copy())

    def _prepare(self, rows: list[dict]) -> None:
        for row in rows:
            if "regions" not in row:
                row["terms"], row["themes"], row["sdgs"] = set(row["terms"]), set(row["themes"]), set(row["sdgs"])
                row["regions"] = {region_of(c) for c in row["countries"]} - {""}
        self.rows = rows
        self.by_id = {r["id"]: r for r in rows}
        frequency = Counter(t for r in rows for t in r["terms"])
        total = max(len(rows), 1)
        self.idf = {t: math.log(1 + total / n) for t, n in frequency.items()}
        for row in rows:
            row["norm"] = self._norm(row["terms"])
        # Candidates share a theme, an SDG or a distinctive word (in at most a tenth of the rows).
        self.postings: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            keys = [f"t:{t}" for t in row["themes"]] + [f"g:{g}" for g in row["sdgs"]]
            keys += [f"w:{t}" for t in row["terms"] if frequency[t] <= max(5, total // 10)]
            for k in keys:
                self.postings[k].append(row)
        self.person_organisation = _holder_organisations(rows)

    def organisation_of(self, row: dict) -> int | None:
        return row["organisation_id"] or self.person_organisation.get(row["person_id"])

    def similarity(self, a: dict, b: dict) -> float:
        shared = a["terms"] & b["terms"]
        if not shared:
            return 0.0
        return sum(self.idf.get(t, 0) ** 2 for t in shared) / (a["norm"] * b["norm"])

    def _norm(self, terms: set) -> float:
        return math.sqrt(sum(self.idf.get(t, 0) ** 2 for t in terms)) or 1.0

    def _row(self, capacity: Capacity) -> dict:
        if capacity.pk in self.by_id:
            return self.by_id[capacity.pk]
        row = {f: getattr(capacity, f) for f in FIELDS}  # a closed capacity still gets its matches
        row.update(terms=set(row["terms"]), themes=set(row["themes"]), sdgs=set(row["sdgs"]),
                   regions={region_of(c) for c in row["countries"]} - {""})
        row["norm"] = self._norm(row["terms"])
        return row

    def rank(self, capacity: Capacity, direction: str | None = None, limit: int = 10) -> list[Match]:
        """Open capacities of `direction` (the other one by default) that fit `capacity`, best first."""
        direction = direction or (Direction.OFFER if capacity.direction == Direction.NEED else Direction.NEED)
        me = self._row(capacity)
        my_org = self.organisation_of(me)
        together, mentions = _relations(my_org)
        keys = [f"t:{t}" for t in me["themes"]] + [f"g:{g}" for g in me["sdgs"]] + [f"w:{t}" for t in me["terms"]]
        candidates = {r["id"]: r for k in keys for r in self.postings.get(k, ())}
        related = set(together) | set(mentions)
        if related:
            candidates.update((r["id"], r) for r in self.rows if self.organisation_of(r) in related)
        matches = []
        for row in candidates.values():
            if row["direction"] != direction or row["id"] == me["id"]:
                continue
            org = self.organisation_of(row)
            if (org and org == my_org) or (row["person_id"] and row["person_id"] == me["person_id"]):
                continue
            score, why = self._score(me, row, together.get(org, 0), mentions.get(org, 0))
            if score > 0:
                matches.append(Match(row["id"], score, why))
        matches.sort(key=lambda m: (-m.score, m.capacity_id))
        return matches[:limit]

    def _score(self, me: dict, row: dict, partners: int, mentioned: int) -> tuple[float, list]:
        score, why = 0.0, []
        if row["kind"] == me["kind"]:
            score += WEIGHTS["kind"]
            why.append(("kind", row["kind"]))
        elif frozenset({row["kind"], me["kind"]}) in NEAR_KINDS:
            score += WEIGHTS["near_kind"]
        themes = sorted(me["themes"] & row["themes"])
        if themes:
            score += WEIGHTS["theme"] * min(len(themes), 2)
            why.append(("themes", themes))
        sdgs = sorted(me["sdgs"] & row["sdgs"])
        if sdgs:
            score += WEIGHTS["sdg"] * min(len(sdgs), 2)
            why.append(("sdgs", sdgs))
        text = self.similarity(me, row)
        if text > 0.05:
            score += WEIGHTS["text"] * text
            concepts = sorted(t[1:] for t in me["terms"] & row["terms"] if t.startswith("@"))
            if concepts:
                why.append(("concepts", concepts[:4]))
            elif text > 0.15:
                why.append(("words", None))
        languages = [lang for lang in me["languages"] if lang in row["languages"]]
        if languages:
            score += WEIGHTS["language"]
            why.append(("languages", languages))
        elif me["languages"] and row["languages"]:
            score += WEIGHTS["no_language"]
        countries = [c for c in me["countries"] if c in row["countries"]]
        if countries:
            score += WEIGHTS["country"]
            why.append(("countries", countries))
        elif me["regions"] & row["regions"]:
            score += WEIGHTS["region"]
            why.append(("region", None))
        if partners:
            score += WEIGHTS["partners"] * min(partners, 3)
            why.append(("partners", partners))
        if mentioned:
            score += WEIGHTS["mentions"] * min(mentioned, 3)
            why.append(("mentions", mentioned))
        return round(score, 3), why


def explain(reasons: list[tuple]) -> list[str]:
    """Reasons in words, in the interface language."""
    from territoria.directory.areas import country_name

    kinds, themes = dict(CapacityKind.choices), theme_labels()
    languages = {code: str(label) for code, label in WORKING_LANGUAGES}
    out = []
    for reason, value in reasons:
        if reason == "kind":
            out.append(_("same kind of help: %(kind)s") % {"kind": kinds.get(value, value)})
        elif reason == "themes":
            out.append(_("same theme: %(themes)s") % {"themes": ", ".join(themes.get(t, t) for t in value)})
        elif reason == "sdgs":
            out.append(_("same SDG: %(sdgs)s") % {"sdgs": ", ".join(str(g) for g in value)})
        elif reason == "concepts":
            from territoria.search.vocabulary import concept_label

            language = (get_language() or "en")[:2]
            out.append(_("both about: %(subjects)s") % {"subjects": ", ".join(concept_label(c, language) for c in value)})
        elif reason == "words":
            out.append(_("close description"))
        elif reason == "languages":
            names = ", ".join(languages.get(lang, lang) for lang in value)
            out.append(ngettext("both work in %(languages)s", "both work in %(languages)s", len(value)) % {"languages": names})
        elif reason == "countries":
            out.append(_("same country: %(countries)s") % {"countries": ", ".join(country_name(c) for c in value)})
        elif reason == "region":
            out.append(_("same region"))
        elif reason == "partners":
            out.append(ngettext("partners together in %(n)d action", "partners together in %(n)d actions", value) % {"n": value})
        elif reason == "mentions":
            out.append(ngettext("mentioned together in %(n)d document", "mentioned together in %(n)d documents", value) % {"n": value})
    return out


def suggestions(capacity: Capacity, limit: int = 10) -> dict:
    """What the page of a capacity shows: the best matches of the other direction and, for a
    need, the peers who share it and the funding lines that fit."""
    matcher = Matcher()
    result = {"matches": matcher.rank(capacity, limit=limit), "peers": [], "funding": []}
    if capacity.direction == Direction.NEED:
        result["peers"] = matcher.rank(capacity, direction=Direction.NEED, limit=5)
        result["funding"] = funding_for(capacity.themes, capacity.sdgs, capacity.countries)[:5]
    return result


def _open_lines() -> list:
    from datetime import date

    from territoria.directory.models import FundingLine

    return list(FundingLine.objects.select_related("donor").exclude(deadline__lt=date.today()))


def funding_for(themes: list[str], sdgs: list[int], countries: list[str], lines: list | None = None):
    """Open funding lines (of `lines`, else all) whose themes or SDGs meet these and whose
    countries admit them."""
    return [line for line in (_open_lines() if lines is None else lines)
            if (set(themes) & set(line.themes) or set(sdgs) & set(line.sdgs))
            and not (line.countries and countries and not set(countries) & set(line.countries))]


def joint_requests(min_members: int = 2) -> list[dict]:
    """Groups for joint funding requests: organisations with an open need on the same theme in
    one region, with the funding lines that fit them."""
    groups: dict[tuple[str, str], dict] = defaultdict(lambda: {"organisations": set(), "countries": set(), "needs": []})
    rows = Capacity.objects.filter(active=True, direction=Direction.NEED, organisation__isnull=False).values(
        "id", "organisation_id", "themes", "countries", "sdgs")
    for row in rows:
        for region in {region_of(c) for c in row["countries"]} - {""}:
            for theme in row["themes"]:
                group = groups[(theme, region)]
                group["organisations"].add(row["organisation_id"])
                group["countries"].update(c for c in row["countries"] if region_of(c) == region)
                group["needs"].append(row["id"])
    out, open_lines = [], _open_lines()
    for (theme, region), group in groups.items():
        if len(group["organisations"]) < min_members:
            continue
        lines = funding_for([theme], [], sorted(group["countries"]), open_lines)
        if lines:
            out.append({"theme": theme, "region": region, "organisations": sorted(group["organisations"]),
                        "needs": group["needs"], "funding_lines": [line.pk for line in lines]})
    return sorted(out, key=lambda g: (-len(g["organisations"]), g["theme"], g["region"]))
