from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from core.sitemaps import register
        from newsletter.sitemaps import IssueSitemap, NewsletterPagesSitemap

        register("newsletter-pages", NewsletterPagesSitemap)
        register("newsletter-issues", IssueSitemap)
