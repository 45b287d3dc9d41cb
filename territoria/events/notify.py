"""Reminders and the weekly digest, sent with Django's email backend by `territoria
calendar remind` / `territoria calendar digest` (run by a scheduler, e.g. hourly and daily).
Both are opt-in (`Preference`) and idempotent: a reminder is sent once per registration, a
digest at most once in six days per member."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territoria.events.models import Event, Preference, Registration
from territoria.events.services import describe_when

DIGEST_DAYS = 14
DIGEST_EVERY = timedelta(days=6)


def send_reminders(now=None) -> int:
    """One email per confirmed registration whose event starts within a day."""
    now = now or timezone.now()
    due = Registration.objects.filter(status=Registration.Status.CONFIRMED, reminded_at=None, event__starts_at__gt=now,
                                      event__starts_at__lte=now + timedelta(days=1), user__calendar_preference__reminders=True)
    sent = 0
    for registration in due.select_related("event", "user"):
        if registration.user.email:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Reminder: %(event)s") % {"event": registration.event.title}
                body = "\n".join([subject, _("When: %(when)s") % {"when": describe_when(registration.event)}])
            send_mail(subject[:200], body, None, [registration.user.email])
            sent += 1
        registration.reminded_at = now
        registration.save(update_fields=["reminded_at"])
    return sent


def send_digests(now=None) -> int:
    """The events of the next two weeks each member may see, to members who asked for it."""
    now = now or timezone.now()
    sent = 0
    for preference in Preference.objects.filter(digest=True).select_related("user"):
        if preference.digest_sent_at and now - preference.digest_sent_at < DIGEST_EVERY or not preference.user.email:
            continue
        events = list(Event.objects.visible_to(preference.user).filter(starts_at__gte=now, starts_at__lte=now + timedelta(days=DIGEST_DAYS))[:100])
        if events:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Upcoming events: the next two weeks")
                lines = [f"- {describe_when(e)}: {e.title}" + (f" ({e.city})" if e.city else "") for e in events]
            send_mail(subject, "\n".join([subject, "", *lines]), None, [preference.user.email])
            sent += 1
        preference.digest_sent_at = now
        preference.save(update_fields=["digest_sent_at"])
    return sent
