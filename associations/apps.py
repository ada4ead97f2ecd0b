from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associations")

    def ready(self):
        from associations import dashboard, personal_data, previews, revisions, search, sections, sitemaps

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
