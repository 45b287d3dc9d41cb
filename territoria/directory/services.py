"""Keeping the directory: records from extraction, duplicate detection, merging, and the
member-list import (CSV or XLSX) with a preview and per-row errors."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from rapidfuzz import fuzz

from territoria.core.sql import insert_objects, select, select_in, table
from territoria.core.text import strip_accents
from territoria.directory.areas import country_code
from territoria.directory.models import KINDS, WORKING_LANGUAGES, Membership, Organisation, Person, Post

# --- Records from extraction -------------------------------------------------------------


def sync_documents(documents) -> dict[str, int]:
    """Give every live organisation and person fact of the documents its directory record; a
    person gets a membership (with the post they hold) of the organisation the text names."""
    from territoria.extraction.models import Kind

    facts = _fact_rows(_facts_without_record([d.pk for d in documents]))
    new_orgs = [f for f in facts if f.kind == Kind.ORGANISATION]
    # Live, so merged into no other fact, and without a record (the query says so): one INSERT for all.
    insert_objects([Organisation.from_fact(fact) for fact in new_orgs])
    new_people = [f for f in facts if f.kind == Kind.PERSON]
    people = insert_objects([Person(name=fact.data.get("name") or fact.key, fact_id=fact.pk) for fact in new_people])
    named = _organisations_named({fact.data.get("organisation") for fact in new_people} - {None, ""})
    named[None] = named[""] = None
    held = [(person, named[fact.data.get("organisation")], (fact.data.get("role") or "")[:300]) for person, fact in zip(people, new_people)]
    held = [(person, organisation, role) for person, organisation, role in held if organisation]
    posts = _posts({(organisation.pk, role) for _, organisation, role in held if role})
    insert_objects([Membership(person=person, organisation=organisation, role=role, post=posts.get((organisation.pk, role)))
                                    for person, organisation, role in held])
    return {"organisations": len(new_orgs), "people": len(new_people)}


class FactRow(NamedTuple):
    pk: int
    kind: str
    key: str
    data: dict


def _fact_rows(ids: list[int]) -> list[FactRow]:
    """The facts as plain rows, by kind then id: a few times cheaper to load than Fact instances."""
    from django.db import connection

    from territoria.extraction.models import Fact

    data = Fact._meta.get_field("data")
    rows = sorted(select_in(Fact, ("kind", "id", "key", "data"), "id", ids))
    return [FactRow(pk, kind, key, data.from_db_value(value, None, connection)) for kind, pk, key, value in rows]


def _posts(wanted: set[tuple[int, str]]) -> dict[tuple[int, str], Post]:
    """(organisation id, label) -> its Post, the missing ones created: three statements for a batch."""
    if not wanted:
        return {}

    def stored():
        query = Post.objects.filter(organisation_id__in={o for o, _ in wanted}, label__in={label for _, label in wanted})
        return {(post.organisation_id, post.label): post for post in query}

    found = stored()
    missing = wanted - set(found)
    if missing:
        Post.objects.bulk_create([Post(organisation_id=o, label=label) for o, label in sorted(missing)], ignore_conflicts=True)
        found = stored()
    return {key: post for key, post in found.items() if key in wanted}


def _facts_without_record(document_ids: list[int]) -> list[int]:
    """Ids of the documents' live organisation and person facts with no record yet: one plain
    query, as most documents (after the first few) name only organisations already known."""
    from territoria.extraction.models import Fact, Kind, Source, State

    sql = (f"SELECT DISTINCT f.id FROM {table(Fact)} f JOIN {table(Source)} s ON s.fact_id = f.id "
           f"WHERE s.document_id IN ({', '.join(['%s'] * len(document_ids))}) AND f.state <> %s AND f.merged_into_id IS NULL AND ("
           f"(f.kind = %s AND NOT EXISTS (SELECT 1 FROM {table(Organisation)} o WHERE o.fact_id = f.id)) OR "
           f"(f.kind = %s AND NOT EXISTS (SELECT 1 FROM {table(Person)} p WHERE p.fact_id = f.id)))")
    return [row[0] for row in select(sql, [*document_ids, State.REJECTED, Kind.ORGANISATION, Kind.PERSON])]


def _organisations_named(names: set[str]) -> dict[str, Organisation | None]:
    """The directory record of the organisation each name names: the record of its live fact
    (created if it has none yet), else a record with that name, else None. The facts and their
    records are found in two queries for all the names."""
    from territoria.extraction.models import Fact

    fact_ids = organisation_fact_ids(names)
    records = {o.fact_id: o for o in Organisation.objects.filter(fact_id__in=set(fact_ids.values()))} if fact_ids else {}
    found = {}
    for name in sorted(names):
        fact_id = fact_ids.get(name)
        if fact_id is None:
            found[name] = Organisation.objects.filter(name=name).first()
        else:
            if fact_id not in records:  # a live fact is merged into no other: its record, else a new one
                records[fact_id] = Organisation.create_for_fact(Fact.objects.get(pk=fact_id))
            found[name] = records[fact_id]
    return found


def organisation_fact_ids(names) -> dict[str, int]:
    """Name -> the first live organisation fact whose data names it, for many names in one query,
    through the index on the name in `data` (extraction migration 0003): the ORM's JSON lookup
    compiles to an expression no index matches, and scanned every fact for every person. Names
    the ORM compares as JSON literals, and other databases, go through the ORM one by one."""
    from django.db import connection

    from territoria.extraction.models import Fact, Kind, State

    names = sorted(set(names))
    # The indexed expression in WHERE, the name as text in SELECT.
    indexed, mark, text = {"postgresql": ("(data -> 'name')", "%s::jsonb", "data ->> 'name'"),
                           "sqlite": ("JSON_EXTRACT(data, '$.name')", "%s", "JSON_EXTRACT(data, '$.name')")}.get(connection.vendor, (None,) * 3)
    plain = [n for n in names if n not in ("true", "false", "null")] if indexed else []
    found = {}
    for name in sorted(set(names) - set(plain)):
        fact = Fact.objects.live().filter(kind=Kind.ORGANISATION, data__name=name).first()
        if fact:
            found[name] = fact.pk
    for start in range(0, len(plain), 500):
        chunk = plain[start : start + 500]
        values = [json.dumps(n) for n in chunk] if connection.vendor == "postgresql" else chunk
        sql = (f"SELECT {text}, id FROM {table(Fact)} WHERE {indexed} IN ({', '.join([mark] * len(chunk))}) "
               "AND kind = %s AND state <> %s AND merged_into_id IS NULL ORDER BY id")
        for name, fact_id in select(sql, [*values, Kind.ORGANISATION, State.REJECTED]):
            found.setdefault(name, fact_id)  # the first by id
    return found


# --- Duplicates and merging --------------------------------------------------------------

NOISE = re.compile(r"\b(?:the|of|de|des|du|la|le|les|el|los|las|del|y|and|et|d|l)\b|[^\w\s]")


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation, articles or bracketed acronym: a name's comparable form."""
    return " ".join(NOISE.sub(" ", strip_accents(re.sub(r"\([^)]*\)", " ", name).lower())).split())


def duplicate_candidates(threshold: int = 93, limit: int = 200) -> list[tuple[Organisation, Organisation, int]]:
    """Pairs of records that probably name one organisation: names, acronyms or aliases alike
    at `threshold`% (word-order-free similarity), in the same country or without one.
    Only names sharing a distinctive word (4+ letters, in fewer than 50 names) are compared,
    so the cost grows with the directory, not with its square."""
    orgs = list(Organisation.objects.only("id", "name", "acronym", "names", "aliases", "country"))
    names = [(i, normalise(n)) for i, o in enumerate(orgs) for n in o.all_names()]
    names = [(i, n) for i, n in dict.fromkeys(names) if len(n) >= 3]
    postings: dict[str, list[int]] = {}
    for index, (_, name) in enumerate(names):
        for word in set(name.split()):
            if len(word) >= 4:
                postings.setdefault(word, []).append(index)
    pairs: dict[tuple[int, int], int] = {}
    for indexes in postings.values():
        if len(indexes) > 50:
            continue
        for x, a in enumerate(indexes):
            for b in indexes[x + 1:]:
                (i, first), (j, second) = names[a], names[b]
                if i == j or (orgs[i].country and orgs[j].country and orgs[i].country != orgs[j].country):
                    continue
                key = (min(i, j), max(i, j))
                score = int(fuzz.token_sort_ratio(first, second))
                if score >= threshold and score > pairs.get(key, 0):
                    pairs[key] = score
    ranked = sorted(pairs.items(), key=lambda p: (-p[1], p[0]))[:limit]
    return [(orgs[i], orgs[j], score) for (i, j), score in ranked]


@transaction.atomic
def merge(duplicate: Organisation, into: Organisation, user=None) -> Organisation:
    """`duplicate` joins `into`: names become aliases, empty fields are filled, and everything
    that points to it (facts and their sources, memberships, posts, capacities, partnerships,
    plans, focal points) moves; the duplicate's origins are kept in `into.origins`."""
    from territoria.extraction import review

    if duplicate.pk == into.pk:
        raise ValueError("an organisation cannot be merged into itself")
    into.aliases = [n for n in dict.fromkeys([*into.aliases, *duplicate.all_names()]) if n not in (into.name, into.acronym)]
    into.names = {**duplicate.names, **into.names}
    for name in ("acronym", "kind", "country", "city", "description", "website", "email", "phone", "external_id", "iati_ref", "iati_type"):
        if not getattr(into, name) and getattr(duplicate, name):
            setattr(into, name, getattr(duplicate, name))
    into.languages = list(dict.fromkeys([*into.languages, *duplicate.languages]))
    into.origins = [*into.origins, *duplicate.origins, {"merged": duplicate.name, "id": duplicate.pk}]
    fact = duplicate.fact
    duplicate.fact = None
    duplicate.save(update_fields=["fact"])
    if fact and into.fact_id and fact.pk != into.fact_id:
        review.merge(fact, into.fact, user)  # sources move to the surviving fact
    elif fact and not into.fact_id:
        into.fact = fact
    for relation in Organisation._meta.related_objects:  # everything that points to an organisation
        if relation.one_to_many:
            _move(relation.related_model, relation.field.name, duplicate, into)
        elif relation.many_to_many:  # e.g. the organisers of calendar events
            for row in relation.related_model._default_manager.filter(**{relation.field.name: duplicate}):
                getattr(row, relation.field.name).remove(duplicate)
                getattr(row, relation.field.name).add(into)
    into.members.add(*duplicate.members.all())
    into.save()
    duplicate.delete()
    return into


def _move(model, field_name: str, duplicate: Organisation, into: Organisation) -> None:
    """Repoint rows from `duplicate` to `into`; a row that would repeat one of `into`'s (same
    post label, same partner role) joins it instead."""
    rows = model._default_manager.filter(**{field_name: duplicate})
    unique = {"Post": ("label",), "Partner": ("plan", "action", "role")}.get(model.__name__)
    if not unique:
        rows.update(**{field_name: into})
        return
    for row in rows:
        twin = model._default_manager.filter(**{field_name: into, **{f: getattr(row, f) for f in unique}}).first()
        if twin is None:
            setattr(row, field_name, into)
            row.save(update_fields=[field_name])
        else:
            if model is Post:
                row.memberships.update(post=twin)
            row.delete()


# --- Member-list import ------------------------------------------------------------------

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# Column headings accepted for each field, in English, French and Spanish.
HEADINGS = {
    "name": ("name", "nom", "nombre", "organisation", "organization", "organización"),
    "acronym": ("acronym", "sigle", "sigla", "acronyme"),
    "kind": ("kind", "type", "tipo"),
    "country": ("country", "pays", "país", "pais"),
    "city": ("city", "ville", "ciudad"),
    "email": ("email", "e-mail", "courriel", "correo", "correo electrónico"),
    "phone": ("phone", "téléphone", "telephone", "teléfono", "telefono"),
    "website": ("website", "site", "site web", "sitio web", "web"),
    "languages": ("languages", "langues", "idiomas", "lenguas"),
    "external_id": ("member id", "member number", "id", "numéro", "numero", "número", "n°", "code"),
    "iati_ref": ("iati", "iati identifier", "iati ref", "identifiant iati", "identificador iati"),
}
FIELDS = tuple(HEADINGS)
KIND_CODES = {code for code, _ in KINDS}
LANGUAGE_CODES = {code for code, _ in WORKING_LANGUAGES}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message names the file and the problem."""


@dataclass
class RowResult:
    row: int  # the spreadsheet's row number (the heading is row 1)
    action: str  # create | update | unchanged | error
    name: str = ""
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    organisation_id: int | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "action": self.action, "name": self.name, "errors": self.errors, "organisation_id": self.organisation_id}


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file, heading first."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(f"{filename}: the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        rows = _xlsx_rows(data, filename)
    elif suffix in ("csv", "txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as problem:
            raise ImportFileError(f"{filename}: not UTF-8 text (byte {problem.start}); save the sheet as CSV UTF-8") from None
        heading = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=heading.count)  # spreadsheets save CSV with commas or semicolons
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise ImportFileError(f"{filename}: unsupported file type; send a .csv or .xlsx file")
    if not rows:
        raise ImportFileError(f"{filename}: the file is empty")
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ImportFileError(f"{filename}: more than {MAX_IMPORT_ROWS} rows; split the file")
    return rows


def _xlsx_rows(data: bytes, filename: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as problem:
        raise ImportFileError(f"{filename}: not a readable XLSX workbook ({type(problem).__name__})") from None
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else str(cell).strip() for cell in row])
        if len(rows) > MAX_IMPORT_ROWS + 1:
            break
    return rows


def _columns(heading: list[str], filename: str) -> dict[str, int]:
    found = {}
    for index, label in enumerate(heading):
        label = label.strip().lower().rstrip(":")
        for name, accepted in HEADINGS.items():
            if label in accepted and name not in found:
                found[name] = index
    if "name" not in found:
        raise ImportFileError(f"{filename}: no name column (expected a heading such as: {', '.join(HEADINGS['name'][:3])})")
    return found


def _clean(values: dict) -> tuple[dict, list[str]]:
    """A row's values, checked; errors in words."""
    errors, clean = [], {}
    name = values.get("name", "")
    if not name:
        errors.append("name is empty")
    elif len(name) > 300:
        errors.append("name is longer than 300 characters")
    clean["name"] = name[:300]
    clean["acronym"] = values.get("acronym", "")[:40]
    kind = values.get("kind", "").strip().lower().replace(" ", "_")
    if kind and kind not in KIND_CODES:
        errors.append(f"unknown kind “{values['kind']}”")
    clean["kind"] = kind if kind in KIND_CODES else ""
    country = values.get("country", "")
    clean["country"] = country_code(country)
    if country and not clean["country"]:
        errors.append(f"unknown country “{country}”")
    clean["city"] = values.get("city", "")[:120]
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"invalid email “{email}”")
    clean["email"] = email
    website = values.get("website", "")
    if website and not website.startswith(("http://", "https://")):
        website = "https://" + website
    if website:
        try:
            URLValidator()(website)
        except ValidationError:
            errors.append(f"invalid website “{values['website']}”")
    clean["website"] = website
    clean["phone"] = values.get("phone", "")[:40]
    languages = [lang.strip().lower()[:2] for lang in re.split(r"[;,/ ]+", values.get("languages", "")) if lang.strip()]
    unknown = [lang for lang in languages if lang not in LANGUAGE_CODES]
    if unknown:
        errors.append(f"unknown language code “{unknown[0]}”")
    clean["languages"] = [lang for lang in languages if lang in LANGUAGE_CODES]
    clean["external_id"] = values.get("external_id", "")[:60]
    clean["iati_ref"] = values.get("iati_ref", "")[:100]
    return clean, errors


def plan_import(data: bytes, filename: str) -> list[RowResult]:
    """What importing the file would do, row by row, without writing anything."""
    rows = read_table(data, filename)
    columns = _columns(rows[0], filename)
    by_id, by_iati, by_name = _existing()
    results, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {name: (row[index] if index < len(row) else "") for name, index in columns.items()}
        clean, errors = _clean(values)
        identity = _identity(clean)
        if identity in seen:
            errors.append(f"same organisation as row {seen[identity]}")
        seen.setdefault(identity, number)
        result = RowResult(number, "error" if errors else "create", clean["name"], errors, clean)
        if not errors:
            found = (by_id.get(clean["external_id"]) if clean["external_id"] else None) or \
                    (by_iati.get(clean["iati_ref"]) if clean["iati_ref"] else None) or by_name.get(_name_key(clean))
            if found:
                result.organisation_id = found.pk
                result.action = "update" if _changes(found, clean) else "unchanged"
        results.append(result)
    return results


def _identity(clean: dict) -> tuple:
    return ("id", clean["external_id"]) if clean["external_id"] else ("name",) + _name_key(clean)


def _name_key(clean: dict) -> tuple[str, str]:
    return normalise(clean["name"]), clean["country"]


def _existing():
    by_id, by_iati, by_name = {}, {}, {}
    for org in Organisation.objects.all():
        if org.external_id:
            by_id[org.external_id] = org
        if org.iati_ref:
            by_iati[org.iati_ref] = org
        for name in org.all_names():
            by_name.setdefault((normalise(name), org.country), org)
            by_name.setdefault((normalise(name), ""), org)
    return by_id, by_iati, by_name


def _changes(org: Organisation, clean: dict) -> dict:
    """Fields the row fills or changes (an empty cell never erases what is stored)."""
    return {name: value for name, value in clean.items() if value not in ("", []) and getattr(org, name) != value}


@transaction.atomic
def apply_import(results: list[RowResult], filename: str) -> dict[str, int]:
    """Write a planned import: create, update; rows in error are left out."""
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    new, changed = [], []
    existing = Organisation.objects.in_bulk([r.organisation_id for r in results if r.organisation_id])
    for result in results:
        counts[result.action] += 1
        if result.action == "create":
            new.append(Organisation(**result.values, origins=[{"import": filename, "row": result.row}]))
        elif result.action == "update":
            org = existing[result.organisation_id]
            for name, value in _changes(org, result.values).items():
                setattr(org, name, value)
            changed.append(org)
    created = Organisation.objects.bulk_create(new, batch_size=500)
    Organisation.objects.bulk_update(changed, list(FIELDS), batch_size=500)
    for result, org in zip((r for r in results if r.action == "create"), created):
        result.organisation_id = org.pk
    return counts


def import_members(data: bytes, filename: str, dry_run: bool = False) -> tuple[list[RowResult], dict[str, int]]:
    results = plan_import(data, filename)
    if dry_run:
        counts = {a: sum(1 for r in results if r.action == a) for a in ("create", "update", "unchanged", "error")}
        return results, counts
    return results, apply_import(results, filename)
