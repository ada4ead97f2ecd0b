"""The campaigns' home and theme sections, search kind and sitemap section."""

from django.contrib.sitemaps import Sitemap
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.home import home_section, theme_section
from core.search import Result, register_kind
from core.sitemaps import register


@home_section(15)
def running_campaign(request, network):
    """The network's running campaigns (usually one) right below its introduction."""
    campaigns = list(Campaign.objects.running().filter(network=network).order_by("ends_on", "pk")[:2])
    if campaigns:
        return {"template": "campaigns/section_home.html", "campaigns": campaigns}
    return None


@theme_section(15)
def theme_campaigns(request, theme):
    campaigns = list(theme.campaigns.published().select_related("network").order_by("-ends_on", "pk")[:4])
    if campaigns:
        return {"template": "campaigns/section_theme.html", "campaigns": campaigns}
    return None


class CampaignSitemap(Sitemap):
    def items(self):
        return Campaign.objects.published().only("slug", "updated_at")

    def lastmod(self, campaign):
        return campaign.updated_at


register("campaigns", CampaignSitemap)

register_kind(
    "acties",
    label=_("Campaigns"),
    queryset=lambda: Campaign.objects.published().select_related("network"),
    fields={"A": ["title", "hashtag"], "B": ["intro"], "C": ["body"]},
    describe=lambda campaign: Result(
        campaign.title,
        campaign.get_absolute_url(),
        (campaign.network.short_name, date_format(campaign.starts_on, "F Y")),
    ),
    position=15,
    stored=True,
)
