"""Facts extracted from documents, each linked to its sources and reviewable by a person.

One table holds every kind of fact (action, organisation, person, place, event, agenda item)
with its fields in `data`, so review, merging and re-extraction work the same way for all.
A fact's `key` is its identity across runs: re-extraction finds the same fact again and never
overwrites what a person confirmed, corrected, rejected or merged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from territoria.library.models import Document, Passage


class Kind(models.TextChoices):
    ACTION = "action", _("Action")
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    EVENT = "event", _("Event")
    AGENDA_ITEM = "agenda_item", _("Agenda item")


class State(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted")
    CONFIRMED = "confirmed", _("Confirmed")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")


class FactQuerySet(models.QuerySet):
    def live(self):
        """What exports and pages show: not rejected, not merged into another fact."""
        return self.exclude(state=State.REJECTED).filter(merged_into=None)


class Fact(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=300)
    data = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.EXTRACTED)
    # Mostly empty columns, indexed only where they have a value (below): an index entry per
    # fact for a NULL was paid on every fact of every extraction.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged", db_index=False)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="facts", db_index=False,
                                 help_text="The document of a document-scoped fact (action, agenda item)")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        # The unique (kind, key) index also serves every query by kind; the foreign keys are indexed where set.
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="fact_unique_key")]
        indexes = [models.Index(fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=f"fact_{name}")
                   for name in ("merged_into", "document", "reviewed_by")]

    def __str__(self):
        return f"{self.kind}: {self.label}"

    @property
    def label(self) -> str:
        return str(self.data.get("name") or self.data.get("text") or self.key)[:200]

    @property
    def reviewed(self) -> bool:
        return self.state != State.EXTRACTED or self.merged_into_id is not None


class Source(models.Model):
    """Where a fact was read: a character span of a passage."""

    # No database constraints: sources are derived rows, all rebuilt at each extraction (a plain
    # DELETE by document, then inserts), and facts and passages are only deleted through Django,
    # which cascades. PostgreSQL checked each row's keys at every commit: with the fact and the
    # passage checked, the commit of the annotated set and the demo took 24 ms instead of 9.
    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="sources", db_constraint=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="fact_sources", db_constraint=False)  # the passage's, copied for filtering
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="fact_sources", db_constraint=False)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["document", "passage__order", "start"]
        # No index beyond the foreign keys' (by fact, document, passage): each one more is paid
        # on every source of every extraction.

    def as_dict(self) -> dict:
        return {"document_id": self.document_id, "passage_id": self.passage_id, "start": self.start, "end": self.end}


class Topic(models.Model):
    """An SDG or a theme a passage addresses, with a score in [0, 1]."""

    class Scheme(models.TextChoices):
        SDG = "sdg", _("SDG")
        THEME = "theme", _("Theme")

    # No database constraints: topics are derived rows, all rebuilt at each extraction, for
    # passages that are never deleted but through Django (which cascades). Checking ~450 rows a
    # document at every commit was a seventh of extraction on PostgreSQL.
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="topics", db_constraint=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="topics", db_constraint=False)
    scheme = models.CharField(max_length=5, choices=Scheme.choices)
    code = models.CharField(max_length=40)
    score = models.FloatField()
    explicit = models.BooleanField(default=False)
    # Topics are read by passage and deleted by document: the foreign keys' indexes are enough.


class Run(models.Model):
    """One extraction of one document version: status, errors, timings, counts."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="extraction_runs")
    version_number = models.PositiveIntegerField()
    status = models.CharField(max_length=10)  # success | partial | failure
    errors = models.JSONField(default=list)
    timings = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
