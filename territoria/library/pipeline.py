"""The ingestion pipeline: an explicit list of small stages, chosen by input format.

Each stage takes the Conversion and fills part of it. A stage that meets bad input records
an error and sets the status instead of raising, so one bad file never stops a batch.
Stage timings are recorded on the result (shown on the document page and in benchmarks).
"""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

from django.conf import settings

from territoria.core import lang
from territoria.core.text import words
from territoria.library import structure
from territoria.library.formats import FORMATS, format_for_extension


class Rejected(Exception):
    """Raised inside a stage when the file cannot be read at all; the message is for people."""


@dataclass
class Block:
    kind: str  # heading | paragraph | list_item | table_row
    text: str
    level: int = 0
    page: int | None = None
    number: str = ""  # section number of a numbered heading ("2.2.2.4")
    section: str = ""
    section_title: str = ""
    language: str = ""
    words: list[str] | None = field(default=None, repr=False)  # lower-case words, found by the language stage for the index


@dataclass
class Conversion:
    name: str
    data: bytes
    format: str = ""
    status: str = "pending"  # success | partial | failure
    errors: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    title: str = ""
    language: str = ""
    doc_type: str = "other"
    year: int | None = None
    pages: int | None = None
    sha256: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def text_chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def warn(self, message: str) -> None:
        """A problem that leaves the document usable: status becomes partial."""
        self.errors.append(message)


Stage = Callable[[Conversion], None]


def check_size(conv: Conversion) -> None:
    if not conv.data:
        raise Rejected("the file is empty")
    if len(conv.data) > settings.MAX_UPLOAD_BYTES:
        mb = len(conv.data) / 1024 / 1024
        raise Rejected(f"the file is {mb:.1f} MB, above the {settings.MAX_UPLOAD_MB} MB limit")
    conv.sha256 = conv.sha256 or hashlib.sha256(conv.data).hexdigest()


def choose_format(conv: Conversion) -> None:
    fmt = format_for_extension(PurePath(conv.name).suffix)
    if fmt is None:
        known = ", ".join(sorted(ext for f in FORMATS.values() for ext in f.EXTENSIONS))
        raise Rejected(f"unsupported format {PurePath(conv.name).suffix or '(no extension)'!r}; supported: {known}")
    problem = fmt.sniff(conv.data)
    if problem:
        raise Rejected(problem)
    conv.format = fmt.NAME


def read_blocks(conv: Conversion) -> None:
    FORMATS[conv.format].read(conv)
    if not any(b.text.strip() for b in conv.blocks):
        raise Rejected("no text could be extracted from the file")


def detect_language(conv: Conversion) -> None:
    conv.language = lang.detect_document(b.text for b in conv.blocks)
    for block in conv.blocks:
        block.words = words(block.text)  # found once: the passage vote and the search index both read them
        block.language = lang.detect_passage(block.text, conv.language, block.words)


STAGES: list[tuple[str, Stage]] = [
    ("check", check_size),
    ("format", choose_format),
    ("read", read_blocks),
    ("structure", structure.assign_sections),
    ("language", detect_language),
    ("metadata", structure.describe),
]


def convert(name: str, data: bytes, stages=STAGES, sha256: str = "") -> Conversion:
    """Run every stage on one file; never raises for bad input. A caller that has already
    hashed the bytes passes `sha256`."""
    conv = Conversion(name=name, data=data, sha256=sha256)
    for stage_name, stage in stages:
        started = time.perf_counter()
        try:
            stage(conv)
        except Rejected as problem:
            return _fail(conv, str(problem))
        except Exception as problem:  # a reader library choking on hostile input
            return _fail(conv, f"could not be read ({type(problem).__name__}: {str(problem)[:200]})")
        finally:
            conv.timings[stage_name] = time.perf_counter() - started
    conv.status = "partial" if conv.errors else "success"
    return conv


def _fail(conv: Conversion, message: str) -> Conversion:
    conv.status = "failure"
    conv.errors.append(message)
    conv.blocks = []
    return conv
