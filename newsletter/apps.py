from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from newsletter import personal_data, sitemaps

        sitemaps.register()
        personal_data.register()
