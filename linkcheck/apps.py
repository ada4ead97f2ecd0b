from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkcheckConfig(AppConfig):
    name = "linkcheck"
    verbose_name = _("Link check")

    def ready(self):
        """Nothing to register: the link check adds no search kind, section, sitemap or personal data."""
