"""The newsletter's pages in /sitemap.xml (see core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from core import sitemaps
from network.models import Network
from newsletter.models import Issue


class NewsletterPagesSitemap(Sitemap):
    """The sign-up form, the archive, and the archive of every network that sent an issue."""

    def items(self):
        if getattr(self, "host_network", None) is not None:
            return []  # the newsletter's pages are shared: canonical on the main host (core/sites.py)
        slugs = Network.objects.filter(mailing_lists__issues__status=Issue.Status.SENT).distinct()
        return [("newsletter:subscribe", None), ("newsletter:archive", None)] + [
            ("newsletter:network_archive", slug) for slug in slugs.order_by("slug").values_list("slug", flat=True)
        ]

    def location(self, item):
        name, slug = item
        return reverse(name, args=[slug] if slug else [])


class IssueSitemap(Sitemap):
    def items(self):
        if getattr(self, "host_network", None) is not None:
            return []
        return Issue.objects.archived().select_related("mailing_list__network")

    def lastmod(self, issue):
        return issue.sent_at


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("newsletter-pages", NewsletterPagesSitemap)
    sitemaps.register("newsletter-issues", IssueSitemap)
