"""Exporters: each kind of record is a function returning a list of flat dicts, registered
here by name; `territoria export KIND --format json|csv` and the API use the registry."""

import csv
import io
import json

from django.utils.module_loading import import_string

EXPORTERS = {
    "documents": "territoria.library.exports.documents",
    "actions": "territoria.workplan.exports.actions",
    "organisations": "territoria.directory.exports.organisations",
    "people": "territoria.directory.exports.people",
    "places": "territoria.extraction.exports.places",
    "events": "territoria.events.exports.events",
    "agenda": "territoria.extraction.exports.agenda",
}


def rows(kind: str, user=None) -> list[dict]:
    return import_string(EXPORTERS[kind])(user)


def to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2, default=str)


def to_csv(records: list[dict]) -> str:
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in record.items()})
    return buffer.getvalue()


FORMATS = {"json": to_json, "csv": to_csv}
