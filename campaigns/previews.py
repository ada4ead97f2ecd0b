"""The preview of a campaign (core/previews.py): its public page, unpublished campaigns included."""

from campaigns.models import Campaign
from campaigns.views import render_campaign
from core import previews


def _campaigns():
    return Campaign.objects.select_related("network")


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(Campaign, render_campaign, queryset=_campaigns, published=Campaign.objects.published)
