"""Action records: the extraction issue's action records plus what the work plan adds
(status, progress, partners, budget, plan_id), and actions editors created by hand."""

from territoria.extraction.exports import actions as extracted_actions
from territoria.workplan.models import Action, Plan
from territoria.workplan.services import visible_plans

EMPTY = {"plan_id": None, "status": None, "progress": None, "partners": [], "budget": None, "currency": None}


def tracked(action) -> dict:
    return {"plan_id": action.plan_id, "status": action.status, "progress": action.progress,
            "partners": [p.as_dict() for p in action.partners.all()],
            "budget": None if action.budget is None else float(action.budget), "currency": action.money_currency}


def _plans(user):
    """Every plan for the command line (no user), else those the user may see."""
    return Plan.objects.all() if user is None else visible_plans(user)


def actions(user=None) -> list[dict]:
    in_plans = Action.objects.select_related("plan", "section").prefetch_related("partners__organisation").filter(plan__in=_plans(user))
    by_fact = {a.fact_id: a for a in in_plans if a.fact_id}
    records = []
    for record in extracted_actions(user):
        action = by_fact.get(record["id"])
        records.append({**record, **(tracked(action) if action else EMPTY)})
    for action in in_plans.filter(fact=None).order_by("plan", "order"):
        records.append({"id": None, "document_id": None, "section": action.section.number if action.section else None,
                        "section_title": action.section.title if action.section else None, "kind": action.kind,
                        "partnership": action.partnership or None, "text": action.text, "organisations": [],
                        "review_state": None, "sources": [], "sdgs": action.sdg_goals, "themes": action.themes, **tracked(action)})
    return records


def iati(user=None) -> bytes:
    from territoria.workplan.iati import export

    return export(_plans(user))
