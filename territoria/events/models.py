"""The calendar: every event the network names, from extraction or by hand.

An event keeps its dates as written — local dates and times in its own time zone — and
the UTC instants computed from them (`starts_at`, `ends_at`) for ordering, reminders and
iCalendar. An extracted event is tied to its extraction fact; the fact's sources (one per
passage that names it, in any document and language) are the event's sources. When the
sources disagree, `conflicts` keeps each reading until an editor settles the field.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext_lazy as _

from territoria.directory.models import Organisation


MAX_DAYS = 400  # the longest event: longer periods (a year-long campaign) are not calendar events


class Kind(models.TextChoices):
    STATUTORY = "statutory", _("Statutory meeting")
    ANNUAL = "annual", _("Annual meeting")
    WEBINAR = "webinar", _("Webinar")
    CONFERENCE = "conference", _("Conference")
    UN_PROCESS = "un_process", _("UN process")
    DONOR = "donor", _("Donor meeting")
    DEADLINE = "deadline", _("Deadline")
    OTHER = "other", _("Other event")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft (editors only)")
    MEMBERS = "members", _("Members")
    PUBLIC = "public", _("Public")


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Series(models.Model):
    """Events that recur: every CIB annual meeting, every HLPF. `match` lists words
    (separated by |) that put an extracted event in the series when its name has them all."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    match = models.CharField(_("matching words"), max_length=500, blank=True,
                             help_text=_("Alternatives separated by |, each a few words an event's name contains"))

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        from territoria.core.roles import can_edit, is_member

        if can_edit(user):
            return self
        if is_member(user):
            return self.exclude(visibility=Visibility.DRAFT)
        return self.filter(visibility=Visibility.PUBLIC)

    def overlapping(self, first: date, last: date):
        """Events with at least one day in [first, last]. No event lasts more than MAX_DAYS
        (forms refuse longer ones), which bounds the index scan from below too."""
        return self.filter(start_date__lte=last, start_date__gte=first - timedelta(days=MAX_DAYS), end_date__gte=first)


class Event(models.Model):
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=300, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("series"))
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Empty for an all-day event"))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, help_text=_("IANA name, e.g. Europe/Paris"))
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    year_inferred = models.BooleanField(default=False)
    starts_at = models.DateTimeField(db_index=True, editable=False)
    ends_at = models.DateTimeField(editable=False)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(_("region"), max_length=20, blank=True)
    mode = models.CharField(_("attendance"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    online_url = models.URLField(_("online link"), blank=True)
    organisers = models.ManyToManyField(Organisation, blank=True, related_name="events", verbose_name=_("organisers"))
    organiser_text = models.CharField(_("organiser (as written)"), max_length=300, blank=True)
    sdgs = models.JSONField(default=list, blank=True)
    themes = models.JSONField(default=list, blank=True)
    tags = models.CharField(max_length=500, blank=True, editable=False, help_text="' sdg:5 theme:gender ' for filtering")
    documents = models.ManyToManyField("library.Document", blank=True, related_name="events", verbose_name=_("related documents"))
    actions = models.ManyToManyField("workplan.Action", blank=True, related_name="events", verbose_name=_("related actions"))
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    registration_open = models.BooleanField(_("registration open"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit"))
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="calendar_event")
    origin = models.CharField(max_length=10, choices=[("extraction", _("Extraction")), ("editor", _("Editor"))], default="editor")
    edited = models.BooleanField(default=False, help_text="An editor changed it: extraction no longer overwrites its fields")
    conflicts = models.JSONField(default=dict, blank=True, help_text='{"end": [{"value": "2023-05-17", "documents": [3]}, ...]}')
    settled = models.JSONField(default=list, blank=True, help_text="Fields an editor settled")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["start_date", "end_date"]), models.Index(fields=["visibility", "start_date"])]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """The name in the reader's language when an editor gave one."""
        return getattr(self, f"name_{(get_language() or 'en')[:2]}", "") or self.name

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.timezone)

    def compute_instants(self) -> None:
        """UTC instants from the local dates and times, daylight saving included (zoneinfo)."""
        start = datetime.combine(self.start_date, self.start_time or time(0), self.zone)
        if self.all_day:
            end = datetime.combine(self.end_date + timedelta(days=1), time(0), self.zone)
        else:
            end = datetime.combine(self.end_date, self.end_time or self.start_time, self.zone)
        self.starts_at, self.ends_at = start.astimezone(ZoneInfo("UTC")), max(start, end).astimezone(ZoneInfo("UTC"))

    def compute_tags(self) -> None:
        self.tags = " " + " ".join([f"sdg:{g}" for g in self.sdgs] + [f"theme:{t}" for t in self.themes]) + " "

    def normalise(self) -> None:
        """The derived fields (end within bounds, UTC instants, tags, region), as saved."""
        if self.end_date is None or self.end_date < self.start_date:
            self.end_date = self.start_date
        self.end_date = min(self.end_date, self.start_date + timedelta(days=MAX_DAYS))
        self.compute_instants()
        self.compute_tags()
        if self.country and not self.region:
            from territoria.directory.areas import region_of

            self.region = region_of(self.country)

    def stored_values(self) -> list:
        """What a save would write, bar the update time: equal lists mean nothing to save."""
        return [getattr(self, f.attname) for f in self._meta.concrete_fields if f.name != "updated_at"]

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.country) if p)

    @property
    def confirmed_count(self) -> int:
        return self.registrations.filter(status=Registration.Status.CONFIRMED).count()


def zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    title = models.TextField(_("item"))
    speakers = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    fact = models.OneToOneField("extraction.Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="calendar_item")

    class Meta:
        ordering = ["event", "order", "start_time", "id"]


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="registration_unique_user")]


class Preference(models.Model):
    """A member's calendar settings: time zone, reminders, weekly digest (both opt-in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_preference")
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    reminders = models.BooleanField(_("email me a reminder the day before events I registered for"), default=False)
    digest = models.BooleanField(_("email me a weekly digest of upcoming events"), default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
