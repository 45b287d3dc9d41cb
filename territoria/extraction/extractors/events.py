"""Events: a date (or range) in a sentence that names a meeting, forum, congress, summit,
session, webinar, COP or HLPF becomes an event with a name, start, end, time zone, place
and organiser. The year, when the text omits it, comes from the nearest earlier explicit
year in the document, else the document's year, and is marked as inferred.

The same event named in several passages or documents (and languages) is one fact: its
identity is its start date and its city (or its name when no city is known).
"""

import re

from territoria.core.text import lower_in_place, strip_accents
from territoria.extraction.dates import MONTH as _MONTH, TZ_NAMES, find_dates
from territoria.extraction.pipeline import Candidate
from territoria.extraction.resolve import first_organisation, first_place

EVENT_WORDS = (
    r"r[ée]unions?|rencontres?|meetings?|reuni[oó]n|reuniones|encuentros?|forums?|foros?|congr[eè]s|congress|congresos?|sommets?|summits?|cumbres?|"
    r"conf[ée]rences?|conferences?|conferencias?|s[ée]minaires?|seminars?|seminarios?|webinaires?|webinars?|webinarios?|ateliers?|workshops?|talleres|taller|"
    r"sessions?|sesi[oó]n|sesiones|assembl[ée]es?|assembly|asambleas?|d[ée]bats?|debates?|campus|retraites?|retreats?|consultations?|consultas?|"
    r"jornadas?|assises|missions? techniques?|misi[oó]n t[eé]cnica|study tours?|visites? d'[ée]tude|viajes? de estudio|"
    r"comit[ée] de pilotage|steering committee|comit[ée] directivo|board meeting|conseil national|"
    r"bureau ex[ée]cutif|executive bureau|bur[oó] ejecutivo|conseil mondial|world council|consejo mundial|"
    r"COP ?\d+|HLPF|FPHN|FPAN|WUF ?\d*|Forum urbain mondial|World Urban Forum|Foro Urbano Mundial|exchange|[ée]change|intercambio|visite|visit|visita|training|formation|formaci[oó]n"
)
EVENT_RE = re.compile(rf"\b(?:{EVENT_WORDS})\b", re.I)
# The same on lower-cased text, 4x faster: with re.I the engine tries the alternation at every position.
EVENT_LOWER_RE = re.compile(rf"\b(?:{EVENT_WORDS.lower()})\b")
# Verbs of meeting: the sentence names no event, the document's title does.
MEETING_VERB_RE = re.compile(r"\b(?:se r[ée]unir|se r[ée]unira|se r[ée]uniront|se sont r[ée]unis|se sont retrouv[ée]s|met|will meet|gathered|se reunir[aá]n?|se reunieron|reunirse)\b", re.I)
DATELINE_RE = re.compile(r"^\s*[^\W\d][\w .'’-]{1,40},\s+(?:le\s+|el\s+)?$")  # the text before the date of "Barcelone, le 11 mars 2024"
SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
ORGANISER_RE = re.compile(r"(?:organis[ée]e?s? par|organi[sz]ed by|organizad[oa]s? por|hosted by|accueillie? par|convened by|convoqu[ée]e? par)\s+(?P<org>[^,;.]{2,120}?)(?=\s+(?:du|from|del|le|les|on|el|en|in|à|at)\s|[,;.]|$)", re.I)
NAME_CUT_RE = re.compile(
    r"\s*(?:,|;|:|\(|–|—| - | du \d| from \d| del \d| le \d| les \d| on \d| el \d| organis| organiz| entre | between | which | qui | que "
    r"| se tiendra| will | aura lieu| took place| a eu lieu| tuvo lugar| d'ici | by mid| by the end| para mediados| hasta "
    r"| is | was | were | are | held | planned | scheduled | brought | gathered | est | sera | seront | a | ont | fait | r[ée]unira | aura "
    r"| es | fue | ser[aá] | reunir[aá] | celebrad[oa]s? | se celebr| tendr[aá] | permitir[aá] | et soutiendra"
    rf"|\s(?:en|in|de|of|el|le)\s+(?:{_MONTH.format('m')}|(?:19|20)\d\d\b))",
    re.I,
)
ARTICLES_RE = re.compile(r"^(?:la|le|les|l'|the|a|an|une?|el|los|las|un|una|sa|su|its|leur|notre|our|nuestra)\s+", re.I)


def extract(context) -> list[Candidate]:
    candidates = []
    year = context.document.year
    title_is_event = bool(_event_words(context.document.title))
    for passage in context.passages:
        text = context.text(passage)
        mentions = find_dates(text, year, context.words(passage))
        explicit = [m for m in mentions if not m.year_inferred]
        for index, mention in enumerate(mentions):
            if passage.order < 6 and DATELINE_RE.match(text[: mention.start]):
                continue  # "Barcelone, le 11 mars 2024": when the news was written, not an event
            bounds = (mentions[index - 1].end if index else 0, mentions[index + 1].start if index + 1 < len(mentions) else len(text))
            candidate = _event(context, passage, text, mention, title_is_event, bounds)
            if candidate:
                candidates.append(candidate)
        if explicit:
            year = int(explicit[-1].date_start[:4])
    return candidates


def _sentence(text: str, start: int) -> tuple[int, str]:
    for match in SENTENCE_RE.finditer(text):
        if match.start() <= start < match.end():
            return match.start(), match.group()
    return 0, text


def _event(context, passage, text, mention, title_is_event, bounds) -> Candidate | None:
    """The event a date belongs to, read from its own stretch of the sentence: between the
    previous date and the next one, so two events in one sentence keep their own names."""
    offset, sentence = _sentence(text, mention.start)
    low, high = max(offset, bounds[0]), min(offset + len(sentence), bounds[1])
    sentence = text[low:high]
    words = _nearest_event_word(sentence, mention.start - low)
    near_title = passage.order < 5 and title_is_event
    if not words and not near_title and not MEETING_VERB_RE.search(sentence):
        return None
    name = _name(sentence, words) if words else context.document.title
    place = first_place(sentence) or (first_place(context.document.title) if near_title else None)
    organiser = ORGANISER_RE.search(sentence)
    organiser_entry = first_organisation(organiser["org"]) if organiser else None
    data = {
        "name": name, "start": mention.iso("start"), "end": mention.iso("end"), "year_inferred": mention.year_inferred,
        "timezone": TZ_NAMES.get(mention.timezone, mention.timezone) or None,
        "place": place.value.name if place else None, "country_code": place.value.country if place else None,
        "organiser": organiser_entry.name if organiser_entry else (organiser["org"].strip() if organiser else None),
    }
    anchor = place.value.id if place else strip_accents(name.lower())[:60]
    return Candidate("event", f"{mention.date_start}:{anchor}", data, [(passage, mention.start, mention.end)])


def _event_words(text: str) -> list[re.Match]:
    lower = lower_in_place(text)
    return list(EVENT_RE.finditer(text) if lower is None else EVENT_LOWER_RE.finditer(lower))


def _nearest_event_word(sentence: str, date_at: int):
    """The last event word before the date, else the first one after it."""
    found = _event_words(sentence)
    before = [m for m in found if m.start() < date_at]
    return before[-1] if before else (found[0] if found else None)


def _name(sentence: str, words: re.Match) -> str:
    """The noun phrase around the event word: 'Rencontre annuelle du CIB 2023 à Marrakech'."""
    start = words.start()
    before = sentence[:start].rstrip()
    prefix = re.search(r"((?:[A-ZÀ-Þ0-9][\w'’\-]*\s+){1,4})$", before)
    if prefix and not re.match(r"^(?:Le|La|Les|The|El|Los|Las|Du|Del|Au|En|In)\s", prefix.group(1)):
        start = prefix.start()
    name = NAME_CUT_RE.split(sentence[start:], maxsplit=1)[0]
    name = re.sub(r"\s+(?:[àa]|en|in|à la|au)\s+[A-ZÀ-Þ][\w\-]*(?:\s+[A-ZÀ-Þ][\w\-]*)?$", "", name.strip(" *"))
    name = ARTICLES_RE.sub("", name.strip(" .*"))[:150]
    return name[:1].upper() + name[1:]
