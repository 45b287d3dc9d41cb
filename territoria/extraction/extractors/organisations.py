"""Organisations: names and acronyms from the curated gazetteer (fr/en/es aliases resolved to
one canonical organisation) and unknown ones recognised by pattern ("Ville de …",
"Association of …", "Federación de …", a name followed by its acronym in brackets)."""

import re

from territoria.core.text import normalise_space, strip_accents
from territoria.extraction.pipeline import Candidate

CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
LINK = r"(?:de|du|des|de la|de l'|d'|of|the|and|et|y|del|de los|de las|for|pour|para|la|le|los|las|en)"
NAME = rf"{CAP}(?:\s+(?:{LINK}\s+)?{CAP}){{0,6}}"
PATTERNS = [
    ("city", rf"\b(?:Ville|Commune|Municipalit[ée]|Mairie|Cit[ée]) (?:de |d')(?P<name>{CAP}(?:[\s-]{CAP}){{0,2}})"),
    ("region", rf"\b(?:Province|R[ée]gion|D[ée]partement|Gouvernorat|Provincia|Regi[oó]n|Gobernaci[oó]n|Departamento) (?:de |du |d'|del )(?P<name>{CAP}(?:[\s-]{CAP}){{0,2}})"),
    ("city", rf"\b(?:City|Municipality|Town) of (?P<name>{CAP}(?:\s{CAP}){{0,2}})"),
    ("region", rf"\b(?:Province|Region|County|State|Prefecture) of (?P<name>{CAP}(?:\s{CAP}){{0,2}})"),
    ("city", rf"\b(?:Ciudad|Municipio|Municipalidad|Alcald[ií]a(?: Mayor)?|Ayuntamiento|Intendencia) de (?P<name>{CAP}(?:\s{CAP}){{0,2}})"),
    ("local_government_association", rf"\b(?P<name>(?:Association|Federation|Union|League|Confederation) of {NAME})"),
    ("local_government_association", rf"\b(?P<name>(?:Association|F[ée]d[ée]ration|Union|Ligue) (?:des|de la|du|nationale des|nationale de) {NAME})"),
    ("local_government_association", rf"\b(?P<name>(?:Asociaci[oó]n|Federaci[oó]n|Confederaci[oó]n|Uni[oó]n|Liga) (?:de|del|Nacional de|de la) {NAME})"),
]
COMPILED = [(kind, re.compile(p)) for kind, p in PATTERNS]
# Every pattern above starts with one of these words: one scan decides whether to try them.
TRIGGERS = re.compile(r"\b(?:Ville|Commune|Municipalit|Mairie|Cit|Province|R[ée]gion|D[ée]partement|Gouvernorat|Provincia|Regi[oó]n|Gobernaci|Departamento|City|Municipality|Town|County|State|Prefecture|Ciudad|Municipio|Municipalidad|Alcald|Ayuntamiento|Intendencia|Association|Federation|F[ée]d[ée]ration|Union|League|Ligue|Confederation|Asociaci|Federaci|Confederaci|Uni[oó]n|Liga)")
# The same words without the leading \b, which keeps the regex engine from skipping ahead to the
# capitals they start with (5x slower); _triggered checks the boundary where they match.
TRIGGERS_ANYWHERE = re.compile(TRIGGERS.pattern.removeprefix(r"\b"))
DEFINED_ACRONYM_RE = re.compile(rf"\b(?P<name>{NAME})\s+\((?P<acronym>[A-Z][A-Z.&\-]{{1,9}})\)")
ORG_WORDS = re.compile(r"(?i)\b(association|federation|f[ée]d[ée]ration|federaci[oó]n|asociaci[oó]n|institut|institute|instituto|agence|agency|agencia|fund|fonds|fondo|foundation|fondation|fundaci[oó]n|programme|program|programa|network|r[ée]seau|red|union|uni[oó]n|council|conseil|consejo|organisation|organization|organizaci[oó]n|bank|banque|banco|university|universit[ée]|universidad|centre|center|centro|coalition|coalici[oó]n|commission|comisi[oó]n|committee|comit[ée])\b")


def org_key(entry) -> str:
    return f"gaz:{entry.id}"


_RECORDS: dict[str, dict] = {}  # gazetteer id -> its record, one dict shared by every mention: never changed in place


def known_candidate(entry, passage, start, end) -> Candidate:
    data = _RECORDS.get(entry.id)
    if data is None:
        data = _RECORDS[entry.id] = {"name": entry.name, "acronym": entry.acronym, "kind": entry.kind, "country": entry.country,
                                     "aliases": list(dict.fromkeys([*entry.names.values(), *entry.aliases])), "gazetteer_id": entry.id}
    return Candidate("organisation", org_key(entry), data, [(passage, start, end)])


def unknown_candidate(name: str, kind: str, passage, start, end, acronym=None) -> Candidate:
    name = normalise_space(name).strip(" ,.;:")
    key = "name:" + strip_accents(name.lower())
    return Candidate("organisation", key, {"name": name, "acronym": acronym, "aliases": [acronym] if acronym else [], "kind": kind, "country": None}, [(passage, start, end)])


def extract(context) -> list[Candidate]:
    candidates = []
    for passage in context.passages:
        text = context.text(passage)
        known = context.organisations(passage)
        candidates.extend(known_candidate(m.value, passage, m.start, m.end) for m in known)
        taken = [(m.start, m.end) for m in known]
        candidates.extend(_patterns(text, passage, taken))
    return candidates


def _patterns(text, passage, taken):
    def free(start, end):
        return not any(start < e and s < end for s, e in taken)

    for kind, pattern in COMPILED if _triggered(text) else ():
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                name = match.group(0) if kind in ("city", "region") else match["name"]
                taken.append((match.start(), match.end()))
                yield unknown_candidate(name, kind, passage, match.start(), match.end())
    for match in DEFINED_ACRONYM_RE.finditer(text) if "(" in text else ():
        name, acronym = _trim_name(match["name"]), match["acronym"]
        if free(match.start("acronym"), match.end("acronym")) and ORG_WORDS.search(name) and _initials_fit(name, acronym):
            yield unknown_candidate(name, "other", passage, match.start() + match.group(0).index(name), match.end(), acronym)


def _triggered(text: str) -> bool:
    """TRIGGERS.search(text), faster. The words are all letters, so a match that does not start a
    word overlaps no match that does."""
    return any(TRIGGERS.match(text, m.start()) for m in TRIGGERS_ANYWHERE.finditer(text))


def _trim_name(name: str) -> str:
    """'Le Groupe de Travail sur le Renforcement' keeps its capitalised tail only."""
    return re.sub(r"^(?:Le|La|Les|The|El|Los|Las|L')\s+", "", name)


def _initials_fit(name: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-ZÀ-Þ][\w'’\-]*", name)).upper()
    letters = acronym.replace(".", "").replace("-", "").replace("&", "")
    return all(c in initials for c in letters[:3])
