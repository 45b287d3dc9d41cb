"""People with their role and organisation.

"Jessie Post, coordinatrice du Secrétariat du Groupe de travail CIB" (name, role),
"l'expert principal Sébastien Hamel" (role, name), in French, English and Spanish.
"""

import re
from functools import lru_cache

from territoria.core.text import confirmed_matches, lower_in_place, strip_accents, words
from territoria.extraction.pipeline import Candidate
from territoria.extraction.resolve import organisation_names

QUALIFIER = r"(?:(?:programme|program|executive|senior|principal|principale|technical|permanent|general|deputy|chief|lead|adjoint|adjointe|ejecutiva?|t[ée]cnica?|permanente)\s+)?"
ROLE_WORDS = (
    "secr[ée]taire|secretary|secretari[oa]|coordinateur|coordinatrice|coordinator|coordinador|coordinadora|président|présidente|president|presidente|presidenta|"
    "coprésident|coprésidente|co-président|co-présidente|co-president|copresidente|copresidenta|vice-président|vice-présidente|"
    "vice-president|vicepresidente|vicepresidenta|secrétaire générale?|secretary[- ]general|secretario general|secretaria general|"
    "directeur|directrice|director|directora|maire|mayor|alcalde|alcaldesa|adjointe?|deputy mayor|teniente de alcalde|"
    "conseill[eè]re?|councillor|councilor|concejala?|expert|experte|experta|experto|responsable|head|jefe|jefa|chef|"
    "représentante?|representative|representante|ministre|minister|ministro|ministra|gouverneur|gouverneure|governor|"
    "gobernador|gobernadora|chargée?|officer|oficial|advisor|adviser|conseiller|asesor|asesora|manager|gestionnaire|"
    "chair|chairperson|senior|délégué|déléguée|delegate|delegado|delegada|fondateur|fondatrice|founder|fundador|fundadora|"
    "chercheur|chercheuse|researcher|investigador|investigadora|professeur|professor|profesor|profesora|ambassadeur|ambassador|embajador|embajadora"
)
PARTICLE = r"(?:van der|van den|van|von|der|den|di|dos|da|du|ben|bin|al|el|de|del)"
UPPER = r"[A-ZÀ-ÖØ-Þ]"
NAME_WORD = rf"{UPPER}[a-zà-öø-ÿ]+(?:-{UPPER}[a-zà-öø-ÿ]+)?"
PERSON = rf"(?P<name>{NAME_WORD}(?:\s+(?:{PARTICLE}\s+)?{NAME_WORD}){{1,3}})"
ROLE = rf"(?i:{QUALIFIER}(?:{ROLE_WORDS}))"
ROLE_AFTER = re.compile(rf"{PERSON},\s+(?=(?P<role>(?i:(?:(?:le|la|l'|the|el)\s+)?){ROLE}\b[^|;()\n]{{0,160}}))")
# "l'expert principal Sébastien Hamel", "the senior advisor Pieter van der Merwe", "l'adjoint au maire Hichem Ben Salah"
ROLE_BEFORE = re.compile(rf"(?i:\b(?:l'|le |la |the |el |por el |por la ))(?P<role>{ROLE}(?i:\s+(?:principale?|principal|senior|général|general|au maire|du maire|de la maire))?)\s+{PERSON}")
# "La maire de Rabat, Leila Bennani", "Le coordinateur du programme, Ousmane Sawadogo", "Asesora técnica: Rosa Mamani"
ROLE_COMMA = re.compile(rf"(?i:\b(?:l'|le |la |the |el ))(?P<role>{ROLE}[^,.;:|\n]{{0,80}}?),\s+{PERSON}\b")
ROLE_COLON = re.compile(rf"(?P<role>{ROLE}(?:\s+[\w-]+){{0,2}})\s*:\s*{PERSON}\b")
# Its head on lower-cased text, where the role words need no re.I: where it matches, ROLE_COLON may.
COLON_HEAD = re.compile(rf"{QUALIFIER}(?:{ROLE_WORDS})(?:\s+[\w-]+){{0,2}}\s*:")
OPENERS = re.compile(r"^(?:(?:Selon|Según|According to|For|Pour|Para|Dr|Dra|Mr|Mrs|Ms|Mme|Mlle|M|Sr|Sra|Srta|Dña|Don|Prof|Me)\.?\s+)+")
# A role ends where a new clause or a second person starts.
ROLE_END = re.compile(r"\s+(?:sur|on|sobre|pour|for|para|lors|during|durante|qui|who|que|a |à |has |a été)\s|[.,;]\s|\.$|,\s*$|\s[«\"“]")
NOT_NAMES = {"ordre du jour", "groupe de travail", "working group", "grupo de trabajo"}


ROLE_FIRST_WORDS = re.compile("|".join(sorted({strip_accents(re.split(r"\s|\[- \]", a)[0]) for a in ROLE_WORDS.split("|")})))


@lru_cache(maxsize=50_000)
def _is_role_word(folded_word: str) -> bool:
    return bool(ROLE_FIRST_WORDS.fullmatch(folded_word))


# Words already classified, so that a passage's set of words is tested with set operations in C.
_ROLE_SEEN: set[str] = set()
_OTHER_SEEN: set[str] = set()


def _names_a_role(folded_words: set[str]) -> bool:
    if len(_OTHER_SEEN) > 200_000:  # bounded memory on endless vocabularies
        _ROLE_SEEN.clear()
        _OTHER_SEEN.clear()
    for word in folded_words - _OTHER_SEEN - _ROLE_SEEN:
        (_ROLE_SEEN if _is_role_word(word) else _OTHER_SEEN).add(word)
    return not _ROLE_SEEN.isdisjoint(folded_words)


def people_in(text: str, folded_words: set[str] | None = None) -> list[tuple[dict, int, int]]:
    """[(person, start, end)] named in a text, role first or role after. `folded_words`,
    the set of the text's accent-free words when the caller has it, spares a scan."""
    found = []
    folded = folded_words if folded_words is not None else {strip_accents(w) for w in words(text)}
    if not _names_a_role(folded):  # a cheap test spares the four patterns below
        return found
    for pattern in (ROLE_AFTER, ROLE_COMMA, ROLE_BEFORE, ROLE_COLON):
        for match in pattern.finditer(text) if pattern is not ROLE_COLON else _colon_matches(text):
            name = _clean_name(match["name"], pattern is ROLE_AFTER)
            if not name or any(s < match.end("name") and match.start("name") < e for _, s, e in found):
                continue
            role = _clean_role(match["role"])
            organisations = organisation_names(role)
            found.append(({"name": name, "role": role, "organisation": organisations[-1] if organisations else None},
                          match.start("name"), match.end("name")))
    return found


def _colon_matches(text: str):
    """ROLE_COLON.finditer(text), 4x faster: ROLE_COLON is tried only where its head matches
    on the lower-cased text (with re.I, its role words were tried at every position)."""
    if ":" not in text:
        return iter(())
    lower = lower_in_place(text)
    return ROLE_COLON.finditer(text) if lower is None else confirmed_matches(ROLE_COLON, COLON_HEAD, text, lower)


def _clean_name(name: str, case_checked: bool) -> str | None:
    name = OPENERS.sub("", name)
    # "Palabras de Laura Méndez Rojas": a preposition, not a particle, when a full name follows it
    parts = re.split(r"\s(?:de|del)\s", name)
    if len(parts) > 1 and len(parts[-1].split()) >= 2:
        name = parts[-1]
    if len(name.split()) < 2:
        return None
    if strip_accents(name.lower()) in NOT_NAMES or name.isupper():
        return None
    return name


def _clean_role(role: str) -> str:
    role = role.strip()
    match = ROLE_END.search(role)
    role = role[: match.start()] if match else role
    role = re.sub(r"^(?:le|la|l'|the|el)\s+", "", role, flags=re.I)
    return role.strip(" ,;:.|").strip()


def person_key(name: str) -> str:
    return "person:" + strip_accents(name.lower())


def extract(context) -> list[Candidate]:
    candidates = []
    for passage in context.passages:
        for person, start, end in context.people(passage):
            candidates.append(Candidate("person", person_key(person["name"]), person, [(passage, start, end)]))
    return candidates
