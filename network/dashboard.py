"""The network app's part of the staff dashboard (core/dashboard.py): the networks a user works for,
draft pages, pages to review and, once pages have a publication time, scheduled pages."""

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import dashboard
from network.models import Network, Page
from network.permissions import network_ids

REVIEW_MONTHS = 12


def network_choices(user):
    networks = Network.objects.order_by("position", "name")
    if not user.is_superuser:
        networks = networks.filter(pk__in=network_ids(user))
    return networks.values_list("pk", "slug", "name")


def _changed(obj):
    return _("%(network)s · changed %(date)s") % {
        "network": obj.network.short_name,
        "date": date_format(timezone.localtime(obj.updated_at), "j F Y"),
    }


def draft_pages(scope):
    pages = Page.objects.filter(published=False).select_related("network").order_by("-updated_at", "pk")
    return dashboard.objects_section(scope, pages, _("Pages"), _changed, "?published__exact=0")


def scheduled_pages(scope):
    return dashboard.scheduled_section(
        scope, Page.objects.filter(published=True).select_related("network"), _("Pages")
    )


def pages_to_review(scope):
    """Published pages nobody checked in the last 12 months, the longest ago first."""
    since = timezone.localtime(scope.now).date() - relativedelta(months=REVIEW_MONTHS)
    pages = (
        Page.objects.published()
        .filter(last_reviewed__lt=since)
        .select_related("network")
        .order_by("last_reviewed", "pk")
    )
    return dashboard.objects_section(
        scope,
        pages,
        _("Not checked in the last %(months)s months") % {"months": REVIEW_MONTHS},
        lambda page: (
            _("%(network)s · last checked %(date)s")
            % {"network": page.network.short_name, "date": date_format(page.last_reviewed, "j F Y")}
        ),
        "?published__exact=1&o=5",
    )


def register():
    dashboard.register_network_choices(network_choices)
    dashboard.register_section(dashboard.DRAFTS, 20, draft_pages)
    if dashboard.has_publication_window(Page):
        dashboard.register_section(dashboard.SCHEDULED, 20, scheduled_pages)
    dashboard.register_section(dashboard.REVIEW, 10, pages_to_review)
