"""Plain text and Markdown (.txt, .md): decoded, then read line by line."""

import re
from functools import lru_cache

from territoria.library.formats.lines import parse_lines

NAME = "text"
EXTENSIONS = (".txt", ".md", ".markdown", ".text")
MIME_TYPES = ("text/plain", "text/markdown")


CONTROLS_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


@lru_cache(maxsize=2)
def decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252; None for binary data.
    Cached: the format check and the reader decode the same bytes."""
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    head = text[:65536]
    return None if len(CONTROLS_RE.findall(head)) > len(head) * 0.02 else text


def sniff(data: bytes) -> str | None:
    if decode(data) is None:
        return "binary data, not text (is the file extension wrong?)"
    return None


def read(conv) -> None:
    from territoria.library.pipeline import Block

    text = decode(conv.data) or ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    conv.blocks = list(parse_lines(lines, Block))
