"""The campaigns' section of /sitemap.xml (see core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap

from campaigns.models import Campaign
from core import sitemaps
from network.models import Network


class CampaignSitemap(Sitemap):
    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None))
        return Campaign.objects.published().filter(here).only("slug", "updated_at")

    def lastmod(self, campaign):
        return campaign.updated_at


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("campaigns", CampaignSitemap)
