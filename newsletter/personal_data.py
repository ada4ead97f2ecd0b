"""Personal data of the newsletter: subscribers, their lists and the copies sent to them, and the
issues a staff member wrote (see core/personaldata.py).

Erasure goes through `subscribing.erase`, the same path as the preferences page: the address,
the name and every subscription go, the lists count one erasure each, and the copies sent
stay as anonymous numbers.
"""

import re

from django.utils.translation import gettext_lazy

from core import personaldata
from core.personaldata import ANONYMISED, REMOVED, Kind, UserOwnedKind, describe
from newsletter import subscribing
from newsletter.models import Bounce, Delivery, Subscriber, Subscription


class Subscribers(Kind):
    key = "newsletter.subscriber"
    label = gettext_lazy("Newsletter subscriber")
    models = ("newsletter.Subscriber",)
    order = 30

    def find(self, subject):
        return list(Subscriber.objects.filter(email__iexact=subject.email).order_by("pk"))

    def export(self, subscriber):
        return describe(
            subscriber,
            "email",
            "name",
            "created_at",
            "confirmed_at",
            "suspended_at",
            "suspension_reason",
            "soft_bounces",
        )

    def erase(self, records, subject):
        for subscriber in records:
            subscribing.erase(subscriber)
        return len(records)


class Subscriptions(Kind):
    key = "newsletter.subscription"
    label = gettext_lazy("Newsletter subscriptions")
    models = ("newsletter.Subscription",)
    # After the subscriber: erasing it deletes these and counts them on their lists.
    order = 31

    def find(self, subject):
        return list(
            Subscription.objects.filter(subscriber__email__iexact=subject.email)
            .select_related("mailing_list__network")
            .order_by("pk")
        )

    def export(self, subscription):
        return describe(
            subscription,
            "mailing_list",
            "status",
            "consent_version",
            "consent_text",
            "consented_at",
            "confirmed_at",
            "unsubscribed_at",
        )

    def erase(self, records, subject):
        # Gone with their subscriber already; this only catches one that was not.
        Subscription.objects.filter(pk__in=[record.pk for record in records]).delete()
        return len(records)


class Deliveries(Kind):
    key = "newsletter.delivery"
    label = gettext_lazy("Newsletter issues sent to you")
    models = ("newsletter.Delivery",)
    order = 32
    outcome = ANONYMISED

    def find(self, subject):
        return list(
            Delivery.objects.filter(subscriber__email__iexact=subject.email).select_related("issue").order_by("pk")
        )

    def export(self, delivery):
        return describe(delivery, "issue", "status", "attempts", "handed_over_at", "sent_at", "error", "resolution")

    def erase(self, records, subject):
        # The subscriber is gone (SET_NULL); a mail server's refusal may still quote the address.
        address = re.compile(re.escape(subject.email), re.IGNORECASE)
        for delivery in Delivery.objects.filter(pk__in=[record.pk for record in records]):
            delivery.subscriber = None
            delivery.error = address.sub(REMOVED, delivery.error)
            delivery.save(update_fields=["subscriber", "error"])
        return len(records)


class Bounces(Kind):
    key = "newsletter.bounce"
    label = gettext_lazy("Newsletter copies that came back, and complaints")
    models = ("newsletter.Bounce",)
    order = 33

    def find(self, subject):
        return list(
            Bounce.objects.filter(delivery__subscriber__email__iexact=subject.email)
            .select_related("delivery__issue")
            .order_by("pk")
        )

    def export(self, bounce):
        return describe(bounce, "delivery", "kind", "source", "received_at", "detail")

    # Erased (deleted): the issue keeps its anonymous counts of bounced copies and complaints.


class IssuesWritten(UserOwnedKind):
    key = "newsletter.issue"
    label = gettext_lazy("Newsletter issues you wrote")
    models = ("newsletter.Issue",)
    order = 64
    outcome = ANONYMISED
    history_is_personal = False
    user_field = "created_by"
    select_related = ("mailing_list__network",)

    def export(self, issue):
        return describe(issue, "subject", "mailing_list", "status", "created_at", "sent_at")

    def erase(self, records, subject):
        # The issue stays; its author is the anonymised account (privacy/personal_data.py).
        return len(records)


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(Subscribers, Subscriptions, Bounces, Deliveries, IssuesWritten)
