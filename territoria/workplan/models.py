"""Work plans: plan -> sections -> actions, each action followed to its result.

An action carries what a donor report and an IATI activity need (status, progress, partners
with IATI roles, period, budget and spending, SDGs, countries, indicators) and a timeline
of dated updates. Progress rolls up to sections and the plan, weighted.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from territoria.directory.models import Organisation


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft (editors only)")
    MEMBERS = "members", _("Members")
    PUBLIC = "public", _("Public")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    DROPPED = "dropped", _("Dropped")


# Status -> IATI ActivityStatus (1 pipeline, 2 implementation, 3 finalisation, 5 cancelled).
IATI_STATUS = {"planned": "1", "in_progress": "2", "delayed": "2", "done": "3", "dropped": "5"}
STATUS_FROM_IATI = {"1": "planned", "2": "in_progress", "3": "done", "4": "done", "5": "dropped", "6": "delayed"}


class ActionKind(models.TextChoices):
    CORE = "core", _("Core action")
    REINFORCED = "reinforced", _("Reinforced action")
    PARTNERSHIP = "reinforced_partnership", _("Reinforced by a partnership")
    OTHER = "other", _("Action")


class Role(models.TextChoices):
    """IATI OrganisationRole codes."""
    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(max_length=2, default="fr")
    document = models.ForeignKey("library.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    owner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans", verbose_name=_("owner"))
    iati_identifier = models.CharField(_("IATI identifier"), max_length=150, unique=True)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.DRAFT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    sectors = models.JSONField(default=list, blank=True, help_text='[{"code": "15112", "vocabulary": "1", "percentage": null}]')
    iati_xml = models.TextField(blank=True, help_text="The activity as imported from IATI, kept for export")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500, blank=True)
    pillar = models.CharField(max_length=20, blank=True, help_text="The top-level section it belongs to ('2')")
    pillar_title = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_action")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("action"))
    kind = models.CharField(_("kind"), max_length=25, choices=ActionKind.choices, default=ActionKind.OTHER)
    partnership = models.CharField(_("partnership"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    sdg_goals = models.JSONField(default=list, blank=True)
    sdg_targets = models.JSONField(default=list, blank=True)
    themes = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    sectors = models.JSONField(default=list, blank=True)
    iati_identifier = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["plan", "partnership"])]

    def __str__(self):
        return self.text[:80]

    @property
    def overdue(self) -> bool:
        return bool(self.end and self.end < date.today() and self.status not in (Status.DONE, Status.DROPPED))

    @property
    def money_currency(self) -> str:
        return self.currency or self.plan.currency


class Partner(models.Model):
    """An organisation's role in a plan (action empty) or in one action."""
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="partners")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships")
    role = models.CharField(_("role"), max_length=1, choices=Role.choices, default=Role.IMPLEMENTING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "action", "organisation", "role"], name="partner_unique_role")]

    def as_dict(self) -> dict:
        return {"organisation_id": self.organisation_id, "organisation_name": self.organisation.name, "role": self.get_role_display_en()}

    def get_role_display_en(self) -> str:
        return {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}[self.role]


class Budget(models.Model):
    """A budget line of a plan (action empty) or of an action, for a period."""
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budgets")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="budget_lines")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    value_date = models.DateField()
    type = models.CharField(max_length=1, default="1", help_text="IATI BudgetType: 1 original, 2 revised")
    status = models.CharField(max_length=1, default="1", help_text="IATI BudgetStatus: 1 indicative, 2 committed")

    class Meta:
        ordering = ["period_start"]


class Indicator(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    title = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)

    @property
    def achieved(self) -> int | None:
        """Percentage of the way from baseline to target."""
        if self.target is None or self.actual is None:
            return None
        base = self.baseline or Decimal(0)
        return 100 if self.target == base else max(0, min(100, round((self.actual - base) / (self.target - base) * 100)))


class Update(models.Model):
    """A dated entry of an action's timeline: a progress update (with the status and progress
    it set) or a comment, with its evidence."""
    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        COMMENT = "comment", _("Comment")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.UPDATE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    date = models.DateField(_("date"), default=date.today)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    link = models.URLField(_("evidence link"), blank=True)
    document = models.ForeignKey("library.Document", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("evidence document"))
    event = models.ForeignKey("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              limit_choices_to={"kind": "event"}, verbose_name=_("related event"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
