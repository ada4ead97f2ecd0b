from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from anymail.signals import tracking

        from newsletter import bounces, dashboard, personal_data, previews, revisions, sitemaps

        sitemaps.register()
        personal_data.register()
        revisions.register()
        previews.register()
        dashboard.register()
        # Bounces and complaints reported by the mail provider's webhook (/anymail/).
        tracking.connect(bounces.tracking_received, dispatch_uid="newsletter.bounces")
