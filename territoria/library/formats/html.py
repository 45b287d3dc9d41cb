"""HTML (.html, .htm): parsed with lxml; scripts, styles and other non-content dropped.

Only text is kept, never markup: pages escape it again when they show it.
"""

import lxml.html
from lxml import etree

from territoria.core.text import normalise_space

NAME = "html"
EXTENSIONS = (".html", ".htm", ".xhtml")
MIME_TYPES = ("text/html", "application/xhtml+xml")

DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "head", "form")
BLOCKS = {"p", "li", "tr", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "address"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
CONTAINERS = {"ul", "ol", "table", "div", "section", "article", "main", "body", "aside", "header", "footer", "nav"}
NESTED_BLOCKS = set(HEADINGS) | {"ul", "ol", "table"}


def sniff(data: bytes) -> str | None:
    from territoria.library.formats.text import decode

    if decode(data) is None:
        return "binary data, not HTML"
    return None


def read(conv) -> None:
    from territoria.library.pipeline import Block

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    root = lxml.html.document_fromstring(conv.data, parser=parser)
    title = root.findtext(".//title")
    conv.title = normalise_space(title or "")[:500]
    for element in list(root.iter(*DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    conv.blocks = [b for b in _blocks(root.body if root.find("body") is not None else root, Block) if b.text]


def _blocks(root, Block):
    for element in root.iter(etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in HEADINGS:
            yield Block("heading", _own_text(element), HEADINGS[tag])
        elif tag == "li":
            yield Block("list_item", _own_text(element), _list_depth(element))
        elif tag == "tr":
            cells = [normalise_space(c.text_content()) for c in element if c.tag in ("td", "th")]
            yield Block("table_row", " | ".join(c for c in cells if c))
        elif _inside(element, {"li", "tr"}):
            continue
        elif tag in BLOCKS:
            yield Block("paragraph", _own_text(element))
        elif tag in CONTAINERS and (element.text or "").strip():
            yield Block("paragraph", normalise_space(element.text))


def _own_text(element) -> str:
    """The element's text without nested blocks (a list inside a list item)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in NESTED_BLOCKS:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return normalise_space("".join(parts))


def _list_depth(element) -> int:
    return sum(1 for a in element.iterancestors() if a.tag in ("ul", "ol"))


def _inside(element, tags) -> bool:
    return any(a.tag in tags for a in element.iterancestors())
