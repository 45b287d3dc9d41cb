"""Plain text and Markdown (.txt, .md): decoded, then read line by line."""

from territoria.library.formats.lines import parse_lines

NAME = "text"
EXTENSIONS = (".txt", ".md", ".markdown", ".text")
MIME_TYPES = ("text/plain", "text/markdown")


def decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252; None for binary data."""
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\n\r\t\f")
    replaced = text[:65536].count("\ufffd")
    return None if (controls + replaced) > len(text[:65536]) * 0.02 else text


def sniff(data: bytes) -> str | None:
    if decode(data) is None:
        return "binary data, not text (is the file extension wrong?)"
    return None


def read(conv) -> None:
    from territoria.library.pipeline import Block

    text = decode(conv.data) or ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    conv.blocks = list(parse_lines(lines, Block))
