from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    # The package is `territoria.events` (not `calendar`, which would shadow the standard
    # library's module when imported top-level); the pages live under /calendar/.
    name = "territoria.events"
    label = "events"
    verbose_name = _("Calendar")
