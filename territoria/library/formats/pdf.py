"""PDF (.pdf): text per page with pypdfium2 (PDFium), page numbers kept.

Pages without a text layer are reported; a PDF with no text at all is refused with a
message saying it needs OCR, which Territoria does not do.
"""

import re

import pypdfium2 as pdfium

from territoria.library.formats.lines import parse_lines

NAME = "pdf"
EXTENSIONS = (".pdf",)
MIME_TYPES = ("application/pdf",)
MAX_PAGES = 2000
# Running page numbers: "3", "- 3 -", "– 3 –", "Page 3", "page 3 of 9", "3 / 9".
PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–—]\s*)?(?:(?:page|p\.|página)\s*)?\d{1,4}(?:\s*(?:/|of|sur|de)\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I)


def sniff(data: bytes) -> str | None:
    if b"%PDF-" not in data[:1024]:
        return "not a PDF file (no %PDF header)"
    return None


def read(conv) -> None:
    from territoria.library.pipeline import Block, Rejected

    try:
        document = pdfium.PdfDocument(conv.data)
    except pdfium.PdfiumError as problem:
        raise Rejected(f"corrupt or unreadable PDF ({problem})") from None
    try:
        conv.pages = len(document)
        conv.title = (document.get_metadata_dict().get("Title") or "").strip()[:500]
        empty = _read_pages(document, conv, Block)
    finally:
        document.close()
    if not conv.blocks:
        raise Rejected("the PDF has no text layer (a scan?); OCR is not available, so nothing can be indexed")
    if empty:
        conv.warn(f"pages without a text layer: {_ranges(empty)}")


def _read_pages(document, conv, Block) -> list[int]:
    empty = []
    for index in range(min(len(document), MAX_PAGES)):
        page = document[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
        if not text.strip():
            empty.append(index + 1)
            continue
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines = [line for line in lines if not PAGE_NUMBER_RE.match(line)]
        conv.blocks.extend(parse_lines(lines, Block, page=index + 1, wrapped=True))
    if len(document) > MAX_PAGES:
        conv.warn(f"only the first {MAX_PAGES} of {len(document)} pages were read")
    return empty


def _ranges(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages[:20]) + (" …" if len(pages) > 20 else "")
