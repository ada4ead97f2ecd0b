"""The newsletter's part of the staff dashboard (core/dashboard.py): draft issues, issues being sent
(or sent in the last week) with their progress, and the confirmed sign-ups per week."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import dashboard
from newsletter.models import Delivery, Issue, Subscription

RECENTLY_SENT_DAYS = 7


def _network(issue):
    return issue.mailing_list.network.short_name


def draft_issues(scope):
    issues = (
        Issue.objects.filter(status=Issue.Status.DRAFT)
        .select_related("mailing_list__network")
        .order_by("-updated_at", "pk")
    )
    return dashboard.objects_section(
        scope,
        issues,
        _("Draft issues"),
        lambda issue: (
            _("%(network)s · %(list)s · changed %(date)s")
            % {
                "network": _network(issue),
                "list": issue.mailing_list.name,
                "date": date_format(timezone.localtime(issue.updated_at), "j F Y"),
            }
        ),
        "?status__exact=draft",
    )


def sending(scope):
    """Issues scheduled, being sent, or sent in the last week, with how many copies are done, in one query."""
    if not scope.may("newsletter.view_issue"):
        return None
    since = scope.now - datetime.timedelta(days=RECENTLY_SENT_DAYS)
    done = [Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.UNCERTAIN, Delivery.Status.SKIPPED]
    issues = (
        Issue.objects.filter(
            Q(status__in=[Issue.Status.SCHEDULED, Issue.Status.SENDING])
            | Q(status=Issue.Status.SENT, sent_at__gte=since)
        )
        .select_related("mailing_list__network")
        .annotate(
            copies=Count("deliveries"),
            copies_done=Count("deliveries", filter=Q(deliveries__status__in=done)),
            copies_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            copies_failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            copies_uncertain=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.UNCERTAIN)),
        )
        # Those still on their way first (no sent_at yet), then the latest sent.
        .order_by(F("sent_at").desc(nulls_first=True), "send_at", "pk")
    )
    issues, more = dashboard.first_rows(scope.of_networks(issues))
    if not issues:
        return None
    rows = [
        {
            "issue": issue,
            "url": dashboard.admin_url(issue),
            "network": _network(issue),
            "moment": _moment(issue),
        }
        for issue in issues
    ]
    return {
        "template": "admin/dashboard/_sending.html",
        "heading": _("Sending"),
        "rows": rows,
        "more": more,
        "more_url": dashboard.admin_url(Issue, "changelist"),
    }


def _moment(issue):
    if issue.status == Issue.Status.SCHEDULED and issue.send_at:
        return _("sends from %(moment)s") % {"moment": date_format(timezone.localtime(issue.send_at), "j F Y H:i")}
    if issue.status == Issue.Status.SENT and issue.sent_at:
        return _("sent %(moment)s") % {"moment": date_format(timezone.localtime(issue.sent_at), "j F Y H:i")}
    return issue.get_status_display()


def signups_per_week(scope):
    """Sign-ups confirmed per week on the lists of the networks shown (numbers only, no addresses)."""
    if not scope.may("newsletter.view_subscription"):
        return None
    subscriptions = scope.of_networks(Subscription.objects.filter(confirmed_at__isnull=False))
    counts = dashboard.week_counts(subscriptions, "confirmed_at", scope.now)
    return dashboard.week_chart("signups", _("Newsletter sign-ups"), counts)


def register():
    dashboard.register_section(dashboard.NEWSLETTER, 10, draft_issues)
    dashboard.register_section(dashboard.NEWSLETTER, 20, sending)
    dashboard.register_section(dashboard.CHARTS, 20, signups_per_week)
