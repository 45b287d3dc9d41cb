"""Directory records for `territoria export organisations|people` and the API, and the Popolo
JSON (`--format popolo`): {"organizations", "persons", "memberships"}, see
https://www.popoloproject.com/specs/. Every record keeps `sources`: the passages of the
documents that name it (through its extraction fact, into which merged facts' sources moved).
Exports are for members and the command line, so they carry contact details."""

import json
from collections import defaultdict

from territoria.directory.areas import region_of
from territoria.directory.models import Membership, Organisation, Person, Post


def _sources(fact_ids) -> dict[int, list[dict]]:
    from territoria.extraction.models import Source

    grouped = defaultdict(list)
    for source in Source.objects.filter(fact__in=[f for f in fact_ids if f]).order_by("document_id", "passage__order", "start"):
        grouped[source.fact_id].append(source.as_dict())
    return grouped


def organisation_record(org: Organisation, sources: list[dict] | None = None) -> dict:
    return {"id": org.pk, "name": org.name, "acronym": org.acronym, "aliases": org.aliases, "names": org.names, "kind": org.kind,
            "country": org.country, "region": region_of(org.country), "city": org.city, "website": org.website, "email": org.email,
            "phone": org.phone, "languages": org.languages, "external_id": org.external_id, "iati_ref": org.iati_ref,
            "fact_id": org.fact_id, "sources": sources or []}


def person_record(person: Person, memberships: list[Membership], sources: list[dict] | None = None) -> dict:
    first = memberships[0] if memberships else None
    role = first.role if first else (person.fact.data.get("role") or "" if person.fact_id and person.fact else "")
    return {"id": person.pk, "name": person.name, "role": role,
            "organisation": first.organisation.name if first else None, "organisation_id": first.organisation_id if first else None,
            "email": person.email, "phone": person.phone, "languages": person.languages, "fact_id": person.fact_id,
            "sources": sources or []}


def organisations(user=None) -> list[dict]:
    orgs = list(Organisation.objects.order_by("id"))
    sources = _sources(o.fact_id for o in orgs)
    return [organisation_record(o, sources.get(o.fact_id)) for o in orgs]


def people(user=None) -> list[dict]:
    persons = list(Person.objects.select_related("fact").order_by("id"))
    by_person = defaultdict(list)
    for membership in Membership.objects.filter(person__isnull=False).select_related("organisation").order_by("id"):
        by_person[membership.person_id].append(membership)
    sources = _sources(p.fact_id for p in persons)
    return [person_record(p, by_person[p.pk], sources.get(p.fact_id)) for p in persons]


def _links(sources: list[dict]) -> list[dict]:
    return [{"url": f"/documents/{s['document_id']}/#p{s['passage_id']}", "note": "source passage"} for s in sources]


def popolo(user=None) -> bytes:
    """Organizations, persons and memberships as Popolo JSON (ids are strings, as Popolo asks)."""
    orgs = list(Organisation.objects.order_by("id"))
    persons = list(Person.objects.order_by("id"))
    sources = _sources([o.fact_id for o in orgs] + [p.fact_id for p in persons])
    organizations = []
    for org in orgs:
        item = {"id": f"organization/{org.pk}", "name": org.name, "classification": org.kind or None,
                "other_names": [{"name": n} for n in org.aliases] + [{"name": n, "note": lang} for lang, n in org.names.items()],
                "identifiers": [i for i in ({"scheme": "IATI", "identifier": org.iati_ref} if org.iati_ref else None,
                                            {"scheme": "member", "identifier": org.external_id} if org.external_id else None) if i],
                "area_id": f"country/{org.country}" if org.country else None,
                "contact_details": [c for c in ({"type": "email", "value": org.email} if org.email else None,
                                                {"type": "voice", "value": org.phone} if org.phone else None) if c],
                "links": ([{"url": org.website, "note": "website"}] if org.website else []) + _links(sources.get(org.fact_id, []))}
        if org.acronym:
            item["other_names"].insert(0, {"name": org.acronym, "note": "acronym"})
        organizations.append({k: v for k, v in item.items() if v not in (None, [])})
    people_out = [{k: v for k, v in {
        "id": f"person/{p.pk}", "name": p.name, "other_names": [{"name": n} for n in p.aliases],
        "email": p.email or None, "links": _links(sources.get(p.fact_id, []))}.items() if v not in (None, [])} for p in persons]
    memberships = []
    for m in Membership.objects.select_related("post").order_by("id"):
        item = {"id": f"membership/{m.pk}", "organization_id": f"organization/{m.organisation_id}", "role": m.role or None,
                "person_id": f"person/{m.person_id}" if m.person_id else None,
                "member": {"@type": "Organization", "id": f"organization/{m.member_organisation_id}"} if m.member_organisation_id else None,
                "post_id": f"post/{m.post_id}" if m.post_id else None, "label": m.post.label if m.post else None,
                "on_behalf_of_id": f"organization/{m.on_behalf_of_id}" if m.on_behalf_of_id else None,
                "start_date": m.start.isoformat() if m.start else None, "end_date": m.end.isoformat() if m.end else None}
        memberships.append({k: v for k, v in item.items() if v is not None})
    posts = [{"id": f"post/{p.pk}", "label": p.label, "organization_id": f"organization/{p.organisation_id}"}
             for p in Post.objects.order_by("id")]
    areas = sorted({o.country for o in orgs if o.country})
    data = {"organizations": organizations, "persons": people_out, "memberships": memberships, "posts": posts,
            "areas": [{"id": f"country/{c}", "identifiers": [{"scheme": "ISO 3166-1 alpha-2", "identifier": c}]} for c in areas]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
