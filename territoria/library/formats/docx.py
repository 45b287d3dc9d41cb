"""Word (.docx) with python-docx: headings by style, list paragraphs, tables in order.

The ZIP container is checked before parsing so that a ZIP bomb named .docx is refused.
"""

import io
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

NAME = "docx"
EXTENSIONS = (".docx",)
MIME_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200


def sniff(data: bytes) -> str | None:
    if not data.startswith(b"PK"):
        return "not a DOCX file (not a ZIP container)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _check_archive(archive, len(data))
    except zipfile.BadZipFile as problem:
        return f"corrupt DOCX file ({problem})"


def _check_archive(archive: zipfile.ZipFile, packed: int) -> str | None:
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNZIPPED or unpacked > MAX_RATIO * max(packed, 1):
        return f"refused: it would unpack to {unpacked / 1024 / 1024:.0f} MB (a ZIP bomb?)"
    if "word/document.xml" not in {i.filename for i in infos}:
        return "not a Word document (no word/document.xml inside)"
    return None


def read(conv) -> None:
    from territoria.library.pipeline import Block

    document = docx.Document(io.BytesIO(conv.data))
    conv.title = (document.core_properties.title or "").strip()[:500]
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            block = _paragraph_block(item, Block)
            if block.text:
                conv.blocks.append(block)
        elif isinstance(item, Table):
            conv.blocks.extend(_table_blocks(item, Block))


def _paragraph_block(paragraph: Paragraph, Block):
    text = " ".join(paragraph.text.split())
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if style == "title":
        return Block("heading", text, 1)
    if style.startswith(("heading", "titre", "título")):
        digits = "".join(c for c in style if c.isdigit())
        return Block("heading", text, int(digits or 1))
    if "list" in style or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return Block("list_item", text, 1)
    return Block("paragraph", text)


def _table_blocks(table: Table, Block):
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat
                cells.append(text)
        if cells:
            yield Block("table_row", " | ".join(cells))
