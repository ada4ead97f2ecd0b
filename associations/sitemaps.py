"""The associations app's sections of /sitemap.xml (core/sitemaps.py), registered in AssociationsConfig.ready()."""

from django.contrib.sitemaps import Sitemap

from associations.models import Association, Story
from core.sitemaps import register


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


def register_sections():
    register("associations", AssociationSitemap)
    register("stories", StorySitemap)
