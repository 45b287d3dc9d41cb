"""Structure and metadata stages: numbered sections, headings, title, type and year.

Numbered headings are recognised whatever the format ("1.", "2.1.1", "2.2.2.3. Culture"):
in a PDF or a text file they are ordinary lines, in DOCX or HTML they may be styled.
"""

import re
from collections import Counter

NUMBERED_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})(\.?)\s*(\S.*)$", re.DOTALL)
MAX_NUMBERED_HEADING = 170
YEAR_RE = re.compile(r"\b(19[89]\d|20\d\d)\b")
MONTHS = (r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|"
          r"january|february|march|april|may|june|july|august|september|october|november|december|"
          r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)")
# A news dateline: "Barcelone, le 11 mars 2024", "Bogotá, 8 de marzo de 2024", "Durban, 3 April 2024".
DATELINE_RE = re.compile(rf"^[\w .'-]{{2,40}}, (?:le )?\d{{1,2}}(?:er)? (?:de )?{MONTHS}(?: de)? \d{{4}}\b", re.I)
TIME_ROW_RE = re.compile(r"\b\d{1,2}\s?[hH:.]\s?\d{2}\s?[-–]\s?\d{1,2}\s?[hH:.]\s?\d{2}\b")

# First match wins; checked on the title, then on the opening of the text.
DOC_TYPE_PATTERNS = [
    ("workplan", r"plan de travail|work ?plan|plan de trabajo|plan d'action|action plan|plan de acci[oó]n"),
    ("call", r"appel [àa] (candidatures|propositions|projets)|call for (applications|proposals)|convocatoria"),
    ("policy", r"document d'orientation|policy (paper|brief)|documento de (orientaci[oó]n|pol[ií]tica)|note d'orientation"),
    ("agenda", r"ordre du jour|\bagenda\b(?! (d'apprentissage|de aprendizaje|2030|urbain))|orden del d[ií]a|programme de la r[ée]union"),
    ("report", r"\brapport\b|\breport\b|\binforme\b|compte[- ]rendu|relat[oó]rio"),
    ("news", r"\bnews\b|actualit[ée]s?|noticias?|communiqu[ée]|press release|nota de prensa"),
]


def heading_number(block) -> tuple[str, str] | None:
    """('2.2.2.4', 'Finances') when the block is a numbered heading."""
    if block.kind not in ("heading", "paragraph"):
        return None
    return numbered_heading(block.text)


def numbered_heading(text: str) -> tuple[str, str] | None:
    if len(text) > MAX_NUMBERED_HEADING:
        return None
    match = NUMBERED_RE.match(text)
    if not match:
        return None
    number, dot, title = match.groups()
    if "." not in number and not dot:  # "2022 marque l'année" is not a heading
        return None
    if title[0].islower():  # "2.5 millions de personnes"
        return None
    return number, title.strip()


def assign_sections(conv) -> None:
    """Mark numbered headings and give every block its innermost section."""
    numbered: list[tuple[str, str]] = []  # stack of (number, title)
    heading_title = ""
    for block in conv.blocks:
        found = heading_number(block)
        if found:
            number, title = found
            block.kind, block.number, block.level = "heading", number, number.count(".") + 1
            numbered = [s for s in numbered if _is_ancestor(s[0], number)] + [found]
        elif block.kind == "heading":
            heading_title = block.text
            if not numbered:
                block.section_title = heading_title
        if numbered:
            block.section, block.section_title = numbered[-1]
        elif block.kind != "heading":
            block.section_title = heading_title


def _is_ancestor(candidate: str, number: str) -> bool:
    return number.startswith(candidate + ".") and candidate != number


def describe(conv) -> None:
    """Title, document type and year."""
    if not conv.title or len(conv.title) < 4:
        conv.title = _first_heading(conv) or conv.name
    opening = " ".join(b.text for b in conv.blocks[:40])[:4000]
    conv.doc_type = guess_type(conv.title, opening[:600], conv.blocks)
    conv.year = guess_year(conv.title, opening)


def _first_heading(conv) -> str:
    for block in conv.blocks[:30]:
        if block.kind == "heading" and len(block.text) >= 4:
            return block.text[:300]
    for block in conv.blocks[:1]:
        return block.text[:120]
    return ""


def guess_type(title: str, opening: str, blocks) -> str:
    """The title decides first, then a timetable (agenda), a dateline (news), the opening."""
    found = _type_in(title.lower())
    if found:
        return found
    if sum(1 for b in blocks if b.kind == "table_row" and TIME_ROW_RE.search(b.text)) >= 3:
        return "agenda"
    if any(DATELINE_RE.match(b.text) for b in blocks[:5]):
        return "news"
    found = _type_in(opening.lower())
    return found if found and found != "agenda" else "other"


def _type_in(text: str) -> str | None:
    return next((doc_type for doc_type, pattern in DOC_TYPE_PATTERNS if re.search(pattern, text)), None)


def guess_year(title: str, opening: str) -> int | None:
    years = YEAR_RE.findall(title) or YEAR_RE.findall(opening)
    return int(Counter(years).most_common(1)[0][0]) if years else None
