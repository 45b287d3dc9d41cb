"""Turn lines of plain text (from .txt, .md or a PDF page) into blocks.

Recognises Markdown-style headings (#), bullets (-, *, •, –, ◦), numbered lines, table rows
(| a | b |) and paragraphs separated by blank lines; inline Markdown (**bold**, [link](url))
is reduced to its text.
"""

import re

from territoria.library.structure import numbered_heading

BULLET_RE = re.compile(r"^(\s*)(?:[-*•–◦▪]|\d{1,3}[)])\s+(.*)$")
HASH_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
TABLE_SEPARATOR_RE = re.compile(r"^\|?[\s:|-]*-[\s:|-]*\|?$")
LINK_RE = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,500}\)")
EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`)")
SENTENCE_END = (".", "!", "?", ":", ";", "»", '"', "…")
MAX_HEADING_CHARS = 120


def clean_inline(text: str) -> str:
    if "](" in text:  # substring tests spare most lines the regexes' scans
        text = LINK_RE.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = EMPHASIS_RE.sub("", text)
    return " ".join(text.split())


def table_cells(line: str) -> list[str]:
    return [clean_inline(c) for c in line.strip().strip("|").split("|") if c.strip()]


def looks_like_heading(text: str) -> bool:
    """A short standalone line with no sentence punctuation at its end."""
    return 0 < len(text) <= MAX_HEADING_CHARS and not text.endswith(SENTENCE_END + (",",))


def parse_lines(lines, make_block, page=None, wrapped=False):
    """Yield blocks from lines.

    Ordinary lines accumulate into the open paragraph or list item; a blank line, a
    heading, a table row or a new bullet closes it. With `wrapped` (PDF text, where blank
    lines are rare) a line that ends a sentence or is short also closes it.
    """
    open_kind, open_level, open_lines = "paragraph", 0, []

    def close():
        if not open_lines:
            return None
        text = clean_inline(" ".join(open_lines))
        kind = open_kind
        if kind == "paragraph" and len(open_lines) == 1 and looks_like_heading(text):
            kind = "heading"
        open_lines.clear()
        return make_block(kind, text, open_level, page) if text else None

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        special = _special_line(line, stripped, make_block, page)
        if special is None and wrapped and numbered_heading(stripped):
            special = make_block("heading", clean_inline(stripped), 0, page)
        if special is not None or not stripped or (wrapped and open_lines and _ends_paragraph(open_lines[-1])):
            block = close()
            if block:
                yield block
        if special is not None and special.kind == "list_item":
            open_kind, open_level = "list_item", special.level
            open_lines.append(special.text)
        elif special is not None:
            if special.text:
                yield special
        elif stripped:
            if not open_lines:
                open_kind, open_level = "paragraph", 0
            open_lines.append(stripped)
    block = close()
    if block:
        yield block


def _ends_paragraph(line: str) -> bool:
    return line.endswith(SENTENCE_END) or len(line) < 60


def _special_line(line, stripped, make_block, page):
    """A heading, bullet or table row line as a block; None for ordinary text."""
    if stripped.startswith("- |") or stripped.startswith("|"):
        if TABLE_SEPARATOR_RE.match(stripped.lstrip("- ")):
            return make_block("table_row", "", 0, page)
        cells = table_cells(stripped.lstrip("- "))
        return make_block("table_row", " | ".join(cells), 0, page)
    match = HASH_HEADING_RE.match(stripped)
    if match:
        return make_block("heading", clean_inline(match.group(2)), len(match.group(1)), page)
    match = BULLET_RE.match(line)
    if match:
        depth = len(match.group(1).expandtabs(4)) // 2
        return make_block("list_item", clean_inline(match.group(2)), depth + 1, page)
    return None
