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

# On a network's own domain: the pages that show that network there (the lists default to it).
DOMAIN_FIXED_PAGES = [
    "network:home",
    "associations:list",
    "news:list",
    "campaigns:list",
    "network:document_list",
    "network:donate",
]

# The pages every network has, besides its content pages.
NETWORK_PAGES = ["network:detail", "network:partners", "network:network_donate"]
ROOT_PAGES = {"network:detail", "network:network_donate"}


class FixedPageSitemap(Sitemap):
    def items(self):
        names = FIXED_PAGES if getattr(self, "host_network", None) is None else DOMAIN_FIXED_PAGES
        return [name for name in names if reverses(name)]

    def location(self, name):
        return reverse(name)


class NetworkSitemap(Sitemap):
    """Each network's home, partners and donate page; lastmod is the newest change of its published pages."""

    def items(self):
        host_network = getattr(self, "host_network", None)
        networks = (
            Network.objects.filter(Network.canonical_on(host_network, "pk"))
            .annotate(
                pages_updated_at=Max(
                    "pages__updated_at", filter=Q(pages__published=True) & window_q(Page, prefix="pages__")
                )
            )
            .only("slug", "parent_id", "position", "name")
            # Spelled out: Django leaves the model's ordering out of a query that aggregates, and the
            # network at / is the first one without a parent in this order (Network.objects.main()).
            .order_by("position", "name", "pk")
        )
        # The home and donate page of the network at / (its own domain's, or the main network on the main
        # host, the first without a parent) are / and /steun-ons/, the fixed pages: listed once.
        at_root = host_network or next((network for network in networks if network.parent_id is None), None)
        return [
            (network, name)
            for network in networks
            for name in NETWORK_PAGES
            if network != at_root or name not in ROOT_PAGES
        ]

    def location(self, item):
        network, name = item
        kwarg = "slug" if name == "network:detail" else "network_slug"
        return reverse(name, kwargs={kwarg: network.slug})

    def lastmod(self, item):
        return item[0].pages_updated_at


class PageSitemap(Sitemap):
    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None))
        pages = Page.objects.published().filter(here).select_related("network")
        return pages.only("slug", "updated_at", "network__slug")

    def lastmod(self, page):
        return page.updated_at


class ThemeSitemap(Sitemap):
    """Themes are shared: on the main host only."""

    def items(self):
        return Theme.objects.only("slug") if getattr(self, "host_network", None) is None else []


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("pages", FixedPageSitemap)
    sitemaps.register("networks", NetworkSitemap)
    sitemaps.register("network-pages", PageSitemap)
    sitemaps.register("themes", ThemeSitemap)
