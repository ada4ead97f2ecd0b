"""The campaigns' sections on home and theme pages (see core/home.py)."""

from campaigns.models import Campaign
from core.home import register_home_section, register_theme_section


def running_campaign(request, network):
    """The network's running campaigns (usually one) right below its introduction."""
    campaigns = list(Campaign.objects.running().filter(network=network).order_by("ends_on", "pk")[:2])
    if campaigns:
        return {"template": "campaigns/section_home.html", "campaigns": campaigns}
    return None


def theme_campaigns(request, theme):
    campaigns = list(theme.campaigns.published().select_related("network").order_by("-ends_on", "pk")[:4])
    if campaigns:
        return {"template": "campaigns/section_theme.html", "campaigns": campaigns}
    return None


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(15, running_campaign)
    register_theme_section(15, theme_campaigns)
