"""Real files for tests: PDFs drawn with reportlab, DOCX written with python-docx."""

import io
import zipfile

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one text line per entry, one list of lines per page."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 18
        c.drawString(290, 30, f"- {pages.index(lines) + 1} -")
        c.showPage()
    c.save()
    return buffer.getvalue()


def pdf_without_text() -> bytes:
    """A 'scan': only graphics, no text layer."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    return buffer.getvalue()


def docx_file(title: str, sections: list[tuple[str, list[str]]], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    document.add_heading(title, 0)
    for heading, bullets in sections:
        document.add_heading(heading, 1)
        for bullet in bullets:
            document.add_paragraph(bullet, style="List Bullet")
    if table:
        t = document.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = t.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A ZIP that names itself a Word file and unpacks to 50 MB of zeros (a 1000:1 ratio)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(50):
                entry.write(chunk)
    return buffer.getvalue()
