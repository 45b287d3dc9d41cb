"""Review decisions on facts: confirm, correct, reject, merge. Plain functions used by the
review screen and the API; each records who decided and when."""

from django.db import transaction
from django.utils import timezone

from territoria.extraction.models import Fact, Source, State

EDITABLE = {
    "action": ("text", "kind", "partnership", "section"),
    "organisation": ("name", "acronym", "kind", "country"),
    "person": ("name", "role", "organisation"),
    "place": ("name", "kind", "country_code"),
    "event": ("name", "start", "end", "timezone", "place", "country_code", "organiser"),
    "agenda_item": ("start", "end", "text"),
}


def _decide(fact: Fact, state: str, user) -> Fact:
    fact.state, fact.reviewed_by, fact.reviewed_at = state, user, timezone.now()
    fact.save()
    return fact


def confirm(fact: Fact, user) -> Fact:
    return _decide(fact, State.CONFIRMED, user)


def reject(fact: Fact, user) -> Fact:
    return _decide(fact, State.REJECTED, user)


def correct(fact: Fact, changes: dict, user) -> Fact:
    """Apply edits to the editable fields; the extracted name stays an alias."""
    allowed = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items() if k in EDITABLE[fact.kind]}
    old_name = fact.data.get("name")
    fact.data = {**fact.data, **allowed}
    if "aliases" in fact.data and old_name and old_name != fact.data.get("name"):
        fact.data["aliases"] = list(dict.fromkeys([*fact.data["aliases"], old_name]))
    return _decide(fact, State.CORRECTED, user)


@transaction.atomic
def merge(duplicate: Fact, into: Fact, user) -> Fact:
    """`duplicate` becomes an alias of `into`; its sources move; re-extraction follows the link."""
    if duplicate.pk == into.pk or duplicate.kind != into.kind:
        raise ValueError("only two different facts of the same kind can be merged")
    Source.objects.filter(fact=duplicate).update(fact=into)
    names = [duplicate.data.get("name"), *duplicate.data.get("aliases", [])]
    into.data = {**into.data, "aliases": list(dict.fromkeys([*into.data.get("aliases", []), *[n for n in names if n]]))}
    duplicate.merged_into = into
    _decide(duplicate, State.REJECTED, user)
    return _decide(into, State.CORRECTED if into.state == State.CORRECTED else State.CONFIRMED, user)
