from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from campaigns import dashboard, personal_data, previews, revisions, search, sections, sitemaps

        search.register()
        sections.register()
        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
