"""Build Territoria's bundled demo corpus.

The texts in ``sources/`` are original: they were written for Territoria, in French, English and
Spanish, in the style of the work plans, agendas, news items, calls, reports and policy papers of a
network of local and regional governments. They are distributed under the same licence as the
project. The organisations, programmes and cities they name are real; the people, quotes, events
details, figures and examples are illustrative and must not be read as facts.

``build_demo(dest)`` copies every source into ``dest`` and renders some of them (see
``RENDERINGS``) to PDF (reportlab) or DOCX (python-docx) instead, so that the corpus covers the
formats Territoria ingests: PDF, DOCX, HTML, Markdown and plain text. Both renderers read the
sources through one tiny parser (``parse``). Output is deterministic: the same sources give the
same bytes (reportlab ``invariant=1``; fixed DOCX core properties and zip timestamps).

Usage: ``python -m territoria.demo.build DEST``
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SOURCES = Path(__file__).resolve().parent / "sources"
SOURCE_SUFFIXES = frozenset({".md", ".html", ".txt"})
RENDERINGS: dict[str, str] = {
    "fr-workplan-2024.md": "pdf",
    "en-report-local-finance-extract.md": "pdf",
    "fr-ordre-du-jour-seminaire-finances-locales.md": "docx",
    "en-call-for-applications-peer-learning.md": "docx",
    "es-informe-migracion-servicios-basicos.md": "docx",
}
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
AUTHOR = "Territoria demo corpus"

# --------------------------------------------------------------------------- parser

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S.{0,118}$")
BULLET = re.compile(r"^\s*[-*•]\s+(.+)$")
TABLE_RULE = re.compile(r"^\|[\s:|-]+\|$")


@dataclass(frozen=True)
class Block:
    """One unit of a source text: heading, paragraph, label, bullets or table."""

    kind: str
    text: str = ""
    level: int = 0
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def clean(text: str) -> str:
    """Strip Markdown bold markers and collapse whitespace."""
    return " ".join(text.replace("**", "").split())


def parse(text: str) -> list[Block]:
    """Parse source text (``#`` and numbered headings, bullets, tables, paragraphs)."""
    chunks = re.split(r"\n\s*\n", text.strip())
    return [block for chunk in chunks for block in _parse_chunk(chunk.splitlines())]


def _parse_chunk(lines: list[str]) -> list[Block]:
    """Parse one blank-line-separated chunk; a lone numbered line is a heading."""
    if len(lines) == 1 and (match := NUMBERED_HEADING.match(lines[0].strip())):
        return [Block("heading", clean(lines[0]), level=match[1].count(".") + 1)]
    groups = itertools.groupby(lines, key=_line_kind)
    return [block for kind, group in groups for block in _make_blocks(kind, list(group))]


def _line_kind(line: str) -> str:
    """Classify a line as heading, table, bullet or text."""
    if MD_HEADING.match(line.strip()):
        return "heading"
    if line.lstrip().startswith("|"):
        return "table"
    return "bullet" if BULLET.match(line) else "text"


def _make_blocks(kind: str, lines: list[str]) -> list[Block]:
    """Turn consecutive lines of one kind into blocks."""
    if kind == "heading":
        matches = [MD_HEADING.match(line.strip()) for line in lines]
        return [Block("heading", clean(m[2]), level=len(m[1])) for m in matches if m]
    if kind == "table":
        rows = [_cells(line) for line in lines if not TABLE_RULE.match(line.strip())]
        return [Block("table", rows=tuple(rows))]
    if kind == "bullet":
        return [Block("bullets", items=tuple(clean(BULLET.match(x)[1]) for x in lines))]
    text = clean(" ".join(lines))
    return [Block("label" if _is_label(text) else "paragraph", text)]


def _cells(line: str) -> tuple[str, ...]:
    """Split a ``| a | b |`` table row into cleaned cells."""
    return tuple(clean(cell) for cell in line.strip().strip("|").split("|"))


def _is_label(text: str) -> bool:
    """A short line ending with a colon (``ACTION CENTRALE :``) introduces a list."""
    return text.endswith(":") and len(text) <= 100


def title_of(blocks: list[Block]) -> str:
    """Return the text of the first heading, or an empty string."""
    return next((block.text for block in blocks if block.kind == "heading"), "")


# --------------------------------------------------------------------------- PDF


def render_pdf(blocks: list[Block], dest: Path, lang: str) -> None:
    """Render blocks to an A4 PDF with reportlab platypus, byte-for-byte reproducible."""
    doc = _pdf_document(dest, title_of(blocks), lang)
    styles = _pdf_styles()
    story = [f for i, b in enumerate(blocks) for f in _pdf_flowables(b, i, styles, doc.width)]
    doc.build(story)


def _pdf_document(dest: Path, title: str, lang: str) -> object:
    """An A4 document with one frame; page numbers are drawn after the page content."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(
        str(dest), pagesize=A4, invariant=1, title=title, author=AUTHOR, creator=AUTHOR,
        lang=lang, leftMargin=56, rightMargin=56, topMargin=56, bottomMargin=56,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=_pdf_page_number)])
    return doc


def _pdf_styles() -> dict[str, object]:
    """Paragraph styles in the built-in Helvetica fonts (they cover French and Spanish)."""
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    sample = getSampleStyleSheet()
    styles: dict[str, object] = {f"h{n}": sample[f"Heading{n}"] for n in range(1, 5)}
    styles["h1"] = ParagraphStyle("h1", parent=sample["Heading1"], fontSize=16, spaceBefore=14)
    styles["title"] = sample["Title"]
    styles["body"] = ParagraphStyle("body", parent=sample["BodyText"], fontSize=10, leading=13)
    styles["label"] = ParagraphStyle("label", parent=styles["body"], fontName="Helvetica-Bold")
    styles["cell"] = ParagraphStyle("cell", parent=styles["body"], fontSize=9, leading=11)
    styles["th"] = ParagraphStyle("th", parent=styles["cell"], fontName="Helvetica-Bold")
    return styles


def _pdf_flowables(block: Block, index: int, styles: dict, width: float) -> list:
    """Return the platypus flowables for one block."""
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, Spacer

    if block.kind == "heading":
        key = "title" if index == 0 else f"h{min(block.level, 4)}"
        return [Paragraph(escape(block.text), styles[key])]
    if block.kind == "bullets":
        items = [ListItem(Paragraph(escape(item), styles["body"])) for item in block.items]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=14)]
    if block.kind == "table":
        return [_pdf_table(block.rows, styles, width), Spacer(1, 8)]
    return [Paragraph(escape(block.text), styles[block.kind if block.kind == "label" else "body"])]


def _pdf_table(rows: tuple[tuple[str, ...], ...], styles: dict, width: float) -> object:
    """A grid table with a bold header row; columns sized by their longest cell."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    style_of = [styles["th"]] + [styles["cell"]] * (len(rows) - 1)
    data = [[Paragraph(escape(c), st) for c in row] for row, st in zip(rows, style_of)]
    table = Table(data, colWidths=column_widths(rows, width), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def column_widths(rows: Iterable[tuple[str, ...]], width: float) -> list[float]:
    """Share ``width`` between columns in proportion to their longest cell (clamped)."""
    columns = itertools.zip_longest(*rows, fillvalue="")
    weights = [min(max(max(len(cell) for cell in column), 10), 60) for column in columns]
    return [width * weight / sum(weights) for weight in weights]


def _pdf_page_number(canvas: object, doc: object) -> None:
    """Draw the page number at the bottom centre of each page."""
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawCentredString(doc.pagesize[0] / 2, 30, f"– {doc.page} –")
    canvas.restoreState()


# --------------------------------------------------------------------------- DOCX


def render_docx(blocks: list[Block], dest: Path, lang: str) -> None:
    """Render blocks to DOCX with python-docx, with fixed metadata and zip timestamps."""
    from docx import Document

    document = Document()
    for index, block in enumerate(blocks):
        _docx_block(document, block, index)
    _docx_properties(document, title_of(blocks), lang)
    buffer = io.BytesIO()
    document.save(buffer)
    dest.write_bytes(normalise_zip(buffer.getvalue()))


def _docx_block(document: object, block: Block, index: int) -> None:
    """Append one block to the document."""
    if block.kind == "heading":
        document.add_heading(block.text, 0 if index == 0 else min(block.level, 9))
    elif block.kind == "bullets":
        for item in block.items:
            document.add_paragraph(item, style="List Bullet")
    elif block.kind == "table":
        _docx_table(document, block.rows)
    elif block.kind == "label":
        document.add_paragraph().add_run(block.text).bold = True
    else:
        document.add_paragraph(block.text)


def _docx_table(document: object, rows: tuple[tuple[str, ...], ...]) -> None:
    """Append a grid table whose first row is bold."""
    ncols = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=ncols)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).paragraphs[0].add_run(text).bold = r == 0


def _docx_properties(document: object, title: str, lang: str) -> None:
    """Set fixed core properties so that builds are reproducible."""
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, AUTHOR, AUTHOR
    props.language, props.revision = lang, 1
    props.created = props.modified = FIXED_TIME


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed timestamps (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- build

RENDERERS: dict[str, Callable[[list[Block], Path, str], None]] = {
    "pdf": render_pdf,
    "docx": render_docx,
}


def build_demo(dest: Path) -> list[Path]:
    """Write the demo corpus into ``dest`` and return the files written, sorted by name."""
    dest = Path(dest)
    if dest.resolve() == SOURCES:
        raise ValueError("dest must not be the sources folder")
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in SOURCES.iterdir() if p.suffix in SOURCE_SUFFIXES)
    return sorted(build_one(source, dest) for source in sources)


def build_one(source: Path, dest: Path) -> Path:
    """Copy one source into ``dest``, or render it when ``RENDERINGS`` says so."""
    fmt = RENDERINGS.get(source.name)
    if fmt is None:
        target = dest / source.name
        shutil.copyfile(source, target)
        return target
    target = dest / f"{source.stem}.{fmt}"
    (dest / source.name).unlink(missing_ok=True)  # the rendering replaces the source
    RENDERERS[fmt](parse(source.read_text(encoding="utf-8")), target, source.name[:2])
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m territoria.demo.build DEST``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m territoria.demo.build DEST", file=sys.stderr)
        return 2
    for path in build_demo(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
