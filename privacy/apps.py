from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        # The kinds of personal data the privacy app covers itself: staff accounts, sessions, logs.
        from privacy import personal_data

        personal_data.register()
