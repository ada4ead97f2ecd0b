from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Calendar")

    def ready(self):
        from core.sitemaps import register
        from events import search, sections  # noqa: F401
        from events.sitemaps import EventPagesSitemap, EventSitemap

        register("events-pages", EventPagesSitemap)
        register("events", EventSitemap)
