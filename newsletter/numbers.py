"""Per-issue numbers without tracking: no pixel in the mail, no link rewritten, nobody stored with a number.

What can be known without following readers: the copies (sent, failed, uncertain; newsletter/sending.py),
what came back (bounces and complaints; newsletter/bounces.py), who left the list soon after, and how
often the public web version was loaded. Whether a copy was opened or a link clicked is not known,
by design.

Leaving is counted when it happens: a reader who leaves a list (or has their data erased) within
LEAVING_DAYS after the sending of an issue of that list they received adds one to that issue's
counter. Nothing links the count to the person, and it survives the erasure of the subscription.
"""

import datetime

from django.db.models import F
from django.utils import timezone

from newsletter.models import Delivery, Issue

LEAVING_DAYS = 7


def count_leaving(subscriber_id, mailing_list_id, now=None):
    """One more leaver for the latest issue of the list this subscriber received within LEAVING_DAYS."""
    now = now or timezone.now()
    delivery = (
        Delivery.objects.filter(
            subscriber_id=subscriber_id,
            issue__mailing_list_id=mailing_list_id,
            issue__sending_started_at__gte=now - datetime.timedelta(days=LEAVING_DAYS),
            status=Delivery.Status.SENT,
        )
        .order_by("-issue__sending_started_at")
        .first()
    )
    if delivery is not None:
        Issue.objects.filter(pk=delivery.issue_id).update(unsubscribed_count=F("unsubscribed_count") + 1)


def count_view(issue):
    """One more load of the issue's public web version: one UPDATE, no signal, no page made stale."""
    Issue.objects.filter(pk=issue.pk).update(web_views=F("web_views") + 1)


def leaving_window_ends(issue):
    """The moment after which nobody leaving counts for this issue any more (None before it is sent)."""
    if issue.sending_started_at is None:
        return None
    return issue.sending_started_at + datetime.timedelta(days=LEAVING_DAYS)


def issue_numbers(issue):
    """What the numbers page shows, in one query for the copies."""
    copies = Delivery.objects.filter(issue=issue).progress()
    return {
        "recipients": issue.recipient_count,
        "sent": copies["sent"],
        "failed": copies["failed"],
        "uncertain": copies["uncertain"],
        "waiting": copies["remaining"] + copies["sending"],
        "skipped": copies["skipped"],
        "bounced": issue.bounced_count,
        "complained": issue.complained_count,
        "unsubscribed": issue.unsubscribed_count,
        "web_views": issue.web_views,
        "leaving_window_ends": leaving_window_ends(issue),
    }
