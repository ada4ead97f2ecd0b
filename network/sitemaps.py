"""The network app's sections of /sitemap.xml (see core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from core import sitemaps
from core.publication import window_q
from core.sitemaps import reverses
from network.models import Network, Page, Theme

# Pages without an object of their own, by URL name; a name that does not reverse is skipped.
FIXED_PAGES = [
    "network:home",
    "network:network_list",
    "network:theme_list",
    "network:document_list",
    "associations:list",
    "associations:story_list",
    "news:list",
    "campaigns:list",
    "network:donate",
    "privacy",
]

# The pages every network has, besides its content pages.
NETWORK_PAGES = ["network:detail", "network:partners", "network:network_donate"]


class FixedPageSitemap(Sitemap):
    def items(self):
        return [name for name in FIXED_PAGES if reverses(name)]

    def location(self, name):
        return reverse(name)


class NetworkSitemap(Sitemap):
    """Each network's home, partners and donate page; lastmod is the newest change of its published pages."""

    def items(self):
        networks = Network.objects.annotate(
            pages_updated_at=Max(
                "pages__updated_at", filter=Q(pages__published=True) & window_q(Page, prefix="pages__")
            )
        ).only("slug")
        return [(network, name) for network in networks for name in NETWORK_PAGES]

    def location(self, item):
        network, name = item
        kwarg = "slug" if name == "network:detail" else "network_slug"
        return reverse(name, kwargs={kwarg: network.slug})

    def lastmod(self, item):
        return item[0].pages_updated_at


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.published().select_related("network").only("slug", "updated_at", "network__slug")

    def lastmod(self, page):
        return page.updated_at


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.only("slug")


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("pages", FixedPageSitemap)
    sitemaps.register("networks", NetworkSitemap)
    sitemaps.register("network-pages", PageSitemap)
    sitemaps.register("themes", ThemeSitemap)
