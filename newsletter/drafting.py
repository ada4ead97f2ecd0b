"""Drafts from content: a new issue pre-filled with what the network published since its last issue.

The newsletter manager starts from the network's own content instead of an empty form, then edits
it like any draft (nothing is sent by making it). "Since" is the moment the network's last issue
went out (on any of its lists), or DRAFT_DAYS ago when it never sent one. What comes in:

- news posts published since then (and not scheduled for later);
- events added to the calendar since then that are not over yet: a newsletter announces, it does
  not report on what already took place;
- campaigns added or started since then that have not ended.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from events.models import Event
from news.models import NewsPost
from newsletter.models import Issue

# Without an earlier issue of the network, a draft gathers this many days of content.
DRAFT_DAYS = 30


def since(network, now):
    """When the network's last issue went out, or DRAFT_DAYS before `now`."""
    last = Issue.objects.archived().filter(mailing_list__network=network).order_by("-sent_at").first()
    return last.sent_at if last is not None else now - datetime.timedelta(days=DRAFT_DAYS)


def gather(network, start, now):
    """The network's published news posts, events and campaigns that belong in an issue after `start`."""
    return {
        "news_posts": NewsPost.objects.published().filter(network=network, publish_at__gt=start),
        "events": Event.objects.published().filter(network=network, created_at__gt=start, ends_at__gte=now),
        "campaigns": Campaign.objects.published().filter(
            Q(created_at__gt=start) | Q(starts_on__gt=timezone.localdate(start)),
            network=network,
            ends_on__gte=timezone.localdate(now),
        ),
    }


def draft_from_content(mailing_list, user, now=None):
    """A new draft issue of `mailing_list` holding its network's content since the last issue."""
    now = now or timezone.now()
    network = mailing_list.network
    start = since(network, now)
    content = gather(network, start, now)
    issue = Issue.objects.create(
        mailing_list=mailing_list,
        subject=f"{mailing_list.name} · {date_format(timezone.localtime(now), 'F Y')}",
        intro=_("News, events and campaigns of %(network)s since %(date)s.")
        % {"network": network.name, "date": date_format(timezone.localtime(start), "j F Y")},
        created_by=user,
    )
    for field, items in content.items():
        getattr(issue, field).set(items)
    return issue
