"""Input formats. Each is a module with NAME, EXTENSIONS, sniff(data) and read(conversion);
adding a format is one module plus one line in FORMATS (see ARCHITECTURE.md)."""

from territoria.library.formats import docx, html, pdf, text

FORMATS = {module.NAME: module for module in (pdf, docx, html, text)}


def format_for_extension(extension: str):
    extension = extension.lower()
    for module in FORMATS.values():
        if extension in module.EXTENSIONS:
            return module
    return None


def accepted_extensions() -> list[str]:
    return sorted(ext for module in FORMATS.values() for ext in module.EXTENSIONS)
