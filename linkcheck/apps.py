from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkcheckConfig(AppConfig):
    name = "linkcheck"
    verbose_name = _("Link check")

    def ready(self):
        """The link check adds no search kind, section, sitemap or personal data; only its dashboard section."""
        from linkcheck import dashboard

        dashboard.register()
