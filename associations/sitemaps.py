"""The associations app's sections of /sitemap.xml (see core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap

from associations.models import Association, Story
from core import sitemaps
from network.models import Network


class AssociationSitemap(Sitemap):
    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None))
        return Association.objects.active().filter(here).only("slug", "updated_at")

    def lastmod(self, association):
        return association.updated_at


class StorySitemap(Sitemap):
    """Published "Vereniging in beeld" stories of active associations."""

    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None), "association__network")
        return Story.objects.published().filter(here).only("slug", "date")

    def lastmod(self, story):
        return story.date


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("associations", AssociationSitemap)
    sitemaps.register("stories", StorySitemap)
