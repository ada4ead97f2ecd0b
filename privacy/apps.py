from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        # Every app's personal_data.py registers the kinds of personal data it holds (privacy/registry.py).
        autodiscover_modules("personal_data")
