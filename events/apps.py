from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Calendar")

    def ready(self):
        from events import dashboard, personal_data, previews, revisions, search, sections, sitemaps

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
