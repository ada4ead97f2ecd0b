"""The campaigns' part of the staff dashboard (core/dashboard.py): draft campaigns and the confirmed
signatures per week."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Signature
from core import dashboard


def draft_campaigns(scope):
    campaigns = Campaign.objects.filter(is_published=False).select_related("network").order_by("-updated_at", "pk")
    return dashboard.objects_section(
        scope,
        campaigns,
        _("Campaigns"),
        lambda campaign: (
            _("%(network)s · changed %(date)s")
            % {
                "network": campaign.network.short_name,
                "date": date_format(timezone.localtime(campaign.updated_at), "j F Y"),
            }
        ),
        "?is_published__exact=0",
    )


def signatures_per_week(scope):
    """Signatures confirmed per week in the campaigns of the networks shown (numbers only, no names)."""
    if not scope.may("campaigns.view_signature"):
        return None
    counts = dashboard.week_counts(scope.of_networks(Signature.objects.confirmed()), "confirmed_at", scope.now)
    return dashboard.week_chart("signatures", _("Confirmed signatures"), counts)


def scheduled_campaigns(scope):
    campaigns = Campaign.objects.filter(is_published=True).select_related("network")
    return dashboard.scheduled_section(scope, campaigns, _("Campaigns"))


def register():
    dashboard.register_section(dashboard.DRAFTS, 40, draft_campaigns)
    dashboard.register_section(dashboard.SCHEDULED, 40, scheduled_campaigns)
    dashboard.register_section(dashboard.CHARTS, 10, signatures_per_week)
