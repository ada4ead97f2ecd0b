"""The news in the sitemap (core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap

from core import sitemaps
from network.models import Network
from news.models import NewsPost


class NewsSitemap(Sitemap):
    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None))
        return NewsPost.objects.published().filter(here).only("slug", "publish_at", "updated_at")

    def lastmod(self, post):
        return post.updated_at


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("news", NewsSitemap)
