"""The sitemap of every public page, served at /sitemap.xml and named in robots.txt.

Each section is a Sitemap class in `SITEMAPS`; its queries do not grow with the content
(one query for its items, one to count them). Documents are files, not pages: they stay
out, because crawlers and the browser quality gate (tests/browser/quality.py) read this
sitemap as a list of HTML pages.

A later app adds its pages by registering a section, e.g. in its AppConfig.ready():

    from config.sitemaps import register
    register("campaigns", CampaignSitemap)
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse

from associations.models import Association, Story
from network.models import Network, NewsPost, Page, Theme

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
        return [name for name in FIXED_PAGES if _reverses(name)]

    def location(self, name):
        return reverse(name)


class NetworkSitemap(Sitemap):
    """Each network's home, partners and donate page; lastmod is the newest change of its published pages."""

    def items(self):
        networks = Network.objects.annotate(
            pages_updated_at=Max("pages__updated_at", filter=Q(pages__published=True))
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


class NewsSitemap(Sitemap):
    def items(self):
        return NewsPost.objects.published().only("slug", "publish_at", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class AssociationSitemap(Sitemap):
    def items(self):
        return Association.objects.active().only("slug", "updated_at")

    def lastmod(self, association):
        return association.updated_at


class StorySitemap(Sitemap):
    """Published "Vereniging in beeld" stories of active associations."""

    def items(self):
        return Story.objects.published().only("slug", "date")

    def lastmod(self, story):
        return story.date


SITEMAPS = {
    "pages": FixedPageSitemap,
    "networks": NetworkSitemap,
    "network-pages": PageSitemap,
    "themes": ThemeSitemap,
    "news": NewsSitemap,
    "associations": AssociationSitemap,
    "stories": StorySitemap,
}


def register(name, sitemap_class):
    """Add a section to /sitemap.xml (the URLconf holds this very dict, so it sees the addition)."""
    if name in SITEMAPS and SITEMAPS[name] is not sitemap_class:
        raise ValueError(f"A sitemap section named {name!r} exists already.")
    SITEMAPS[name] = sitemap_class


def _reverses(name):
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True
