"""Documents, their versions and their passages.

A Document is a stable identity (a path on disk or an uploaded file name). Each distinct
content (by SHA-256) of it is a Version; the newest is `current` and only its passages are
in the search index. Old versions, their files and passages are kept.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DocType(models.TextChoices):
    WORKPLAN = "workplan", _("Work plan")
    AGENDA = "agenda", _("Agenda")
    NEWS = "news", _("News")
    CALL = "call", _("Call for applications")
    REPORT = "report", _("Report")
    POLICY = "policy", _("Policy paper")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members-only documents are a reserved space: hidden from visitors."""
        from territoria.core.roles import is_member

        qs = self.filter(current__isnull=False)
        return qs if is_member(user) else qs.filter(visibility=Visibility.PUBLIC)


class Document(models.Model):
    key = models.CharField(max_length=1000, unique=True, help_text="Source path or upload name")
    title = models.CharField(max_length=500)
    language = models.CharField(max_length=2, choices=Language.choices, db_index=True)
    doc_type = models.CharField(max_length=20, choices=DocType.choices, default=DocType.OTHER)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    current = models.ForeignKey("Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:document", args=[self.pk])


class Version(models.Model):
    class Status(models.TextChoices):
        SUCCESS = "success", _("Success")
        PARTIAL = "partial", _("Partial")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to="originals/%Y/%m/")
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    text_chars = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    errors = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.document_id} v{self.number}"


class Passage(models.Model):
    class Kind(models.TextChoices):
        HEADING = "heading", _("Heading")
        PARAGRAPH = "paragraph", _("Paragraph")
        LIST_ITEM = "list_item", _("List item")
        TABLE_ROW = "table_row", _("Table row")

    # Ingestion writes ~100 passages per document, so each per-row cost counts: the (version,
    # order) index below serves lookups by version, and document is a copy of version.document
    # whose integrity the version's constraint already guards (the ORM still cascades deletes).
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="passages", db_index=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="passages", db_constraint=False)
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=40, blank=True, help_text="Section number of a heading")
    section = models.CharField(max_length=40, blank=True, help_text="Innermost numbered section")
    section_title = models.CharField(max_length=500, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    text = models.TextField()

    class Meta:
        ordering = ["version", "order"]
        indexes = [models.Index(fields=["version", "order"])]

    def __str__(self):
        return self.text[:80]

    @property
    def section_label(self) -> str:
        """What a search hit shows as its place: '2.2.2.4' or the heading's text."""
        return self.section or self.section_title
