from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from news import dashboard, personal_data, previews, revisions, search, sections, sitemaps

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
