"""Agendas -> items with times and speakers, from table rows that start with a time range."""

import re

from territoria.extraction.extractors.people import people_in
from territoria.extraction.pipeline import Candidate

ITEM_RE = re.compile(r"^\s*(?P<h1>[0-2]?\d)\s?[hH:.]\s?(?P<i1>[0-5]\d)\s*[-–]\s*(?P<h2>[0-2]?\d)\s?[hH:.]\s?(?P<i2>[0-5]\d)\s*\|?\s*(?P<text>.*)$")


def extract(context) -> list[Candidate]:
    candidates = []
    for passage in context.passages:
        if passage.kind != "table_row":
            continue
        match = ITEM_RE.match(context.text(passage))
        if not match:
            continue
        data = {  # the pipeline adds "document_id" first, and the document's id before the key
            "start": f"{int(match['h1']):02d}:{match['i1']}",
            "end": f"{int(match['h2']):02d}:{match['i2']}", "text": match["text"].strip(" |"),
            "speakers": [person["name"] for person, _, _ in people_in(context.text(passage))],
        }
        candidates.append(Candidate("agenda_item", f"{passage.order}", data, [(passage, 0, len(passage.text))], True))
    return candidates
