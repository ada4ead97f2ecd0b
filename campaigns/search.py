"""The campaigns in the site search (see core/search.py)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.search import Result, register_kind


def register():
    """Called by the app's AppConfig.ready()."""
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
        columns=["title", "slug", "starts_on", "network__short_name"],
    )
