"""Copies that came back, and complaints: recorded per delivery, and the address suspended.

Two ways a bounce arrives:
- the mail provider's tracking webhook (django-anymail, under /anymail/, behind the basic-auth
  secret WEBHOOK_SECRET): its provider-agnostic `tracking` signal names the recipient, and the
  copy is the latest one that went to that address;
- a delivery status notification (RFC 3464) in the bounce mailbox of a plain SMTP relay, read by
  `manage.py read_bounces` (newsletter/dsn.py). Every copy carries a signed token naming its
  delivery, in the COPY_HEADER header and, when NEWSLETTER_BOUNCE_ADDRESS is set, in the envelope
  sender (VERP: bounces+<token>@example.org), so a report finds its copy and nobody can forge a
  report about someone else's address.

A hard bounce or a complaint suspends the address at once, NEWSLETTER_SOFT_BOUNCE_LIMIT soft bounces
since its last confirmation too. A suspended address gets no issue (Subscription.objects.receiving)
until its owner confirms it anew through the sign-up form (subscribing.confirm). The issue counts
its bounced copies and complaints anonymously; the bounce records themselves are personal data.
"""

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletter.models import Bounce, BounceKind, Delivery, Issue, Subscriber

logger = logging.getLogger(__name__)

COPY_HEADER = "X-Newsletter-Copy"
_SALT = "newsletter.bounces.copy"
_TOKEN = re.compile(r"(\d{1,18})\.([0-9a-f]{20})")
_VERP = re.compile(r"\+(\d{1,18}\.[0-9a-f]{20})@", re.IGNORECASE)


def _signature(delivery_pk):
    return salted_hmac(_SALT, str(delivery_pk)).hexdigest()[:20]


def copy_token(delivery_pk):
    """The token that names one copy in its header and its envelope sender: "<delivery id>.<signature>"."""
    return f"{delivery_pk}.{_signature(delivery_pk)}"


def delivery_pk_for_token(token):
    """The delivery id a token names, or None when it is no token of ours."""
    match = _TOKEN.fullmatch((token or "").strip().lower())
    if match is None or not constant_time_compare(match[2], _signature(match[1])):
        return None
    return int(match[1])


def token_in_address(address):
    """The token in a VERP address (bounces+<token>@example.org), or None."""
    match = _VERP.search(address or "")
    return match[1].lower() if match else None


def return_path(delivery_pk):
    """The envelope sender of one copy: its VERP address, or None when NEWSLETTER_BOUNCE_ADDRESS is not set."""
    address = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not address:
        return None
    local, domain = address.rsplit("@", 1)
    return f"{local}+{copy_token(delivery_pk)}@{domain}"


def latest_copy_to(email):
    """The latest copy that went to an address (what a provider's webhook is about), or None."""
    return (
        Delivery.objects.filter(
            subscriber__email=email.strip().lower(),
            status__in=[Delivery.Status.SENT, Delivery.Status.UNCERTAIN],
        )
        .order_by("-handed_over_at", "-pk")
        .first()
    )


COUNTERS = {
    BounceKind.HARD: "bounced_count",
    BounceKind.SOFT: "bounced_count",
    BounceKind.COMPLAINT: "complained_count",
}


def record(delivery, kind, *, source, detail="", event_id=""):
    """Record a bounce or complaint of one copy and suspend the address when it must be. The Bounce, or
    None when this report was recorded before (a webhook sent again, a report read twice)."""
    event_id = (event_id or "")[:255]
    try:
        with transaction.atomic():
            bounce = Bounce.objects.create(
                delivery=delivery, kind=kind, source=source, detail=(detail or "")[:500], event_id=event_id
            )
    except IntegrityError:
        return None
    with transaction.atomic():
        counter = COUNTERS[kind]
        same = [key for key, name in COUNTERS.items() if name == counter]
        if not delivery.bounces.filter(kind__in=same).exclude(pk=bounce.pk).exists():
            Issue.objects.filter(pk=delivery.issue_id).update(**{counter: F(counter) + 1})
        if delivery.subscriber_id is not None:
            _count_against(delivery.subscriber_id, kind)
    logger.info("Newsletter %s bounce of delivery %s recorded (%s)", kind, delivery.pk, source)
    return bounce


def _count_against(subscriber_id, kind):
    subscribers = Subscriber.objects.filter(pk=subscriber_id)
    if kind == BounceKind.SOFT:
        subscribers.update(soft_bounces=F("soft_bounces") + 1)
        subscribers = subscribers.filter(soft_bounces__gte=settings.NEWSLETTER_SOFT_BOUNCE_LIMIT)
    subscribers.filter(suspended_at__isnull=True).update(suspended_at=timezone.now(), suspension_reason=kind)


# The provider's webhook ----------------------------------------------------------------------

# An enhanced status code (RFC 3463) or a basic reply code that says "temporary".
_TEMPORARY = re.compile(r"(?<![\d.])(4\.\d{1,3}\.\d{1,3}|4\d\d(?=[\s-]))")


def webhook_kind(event):
    """What a normalised anymail tracking event means here: a BounceKind, or None (not a bounce)."""
    from anymail.signals import EventType, RejectReason

    if event.event_type == EventType.COMPLAINED:
        return BounceKind.COMPLAINT
    if event.event_type == EventType.REJECTED:
        # The provider refused to send: the address bounced or complained before, or is invalid.
        if event.reject_reason == RejectReason.SPAM:
            return BounceKind.COMPLAINT
        return BounceKind.HARD if event.reject_reason in (RejectReason.BOUNCED, RejectReason.INVALID) else None
    if event.event_type == EventType.BOUNCED:
        words = " ".join(filter(None, [event.mta_response, event.description]))
        return BounceKind.SOFT if _TEMPORARY.search(words) else BounceKind.HARD
    # Deferred copies are tried again by the provider and end as "bounced" or "delivered".
    return None


def tracking_received(sender, event, esp_name, **kwargs):
    """anymail's `tracking` signal: a bounce or complaint of a copy of ours is recorded; the rest is ignored."""
    kind = webhook_kind(event)
    if kind is None or not event.recipient:
        return
    delivery = latest_copy_to(event.recipient)
    if delivery is None:
        logger.info("%s reported a %s bounce for an address that got no issue", esp_name, kind)
        return
    detail = " ".join(filter(None, [event.mta_response, event.description]))
    event_id = f"{esp_name}:{event.event_id}" if event.event_id else ""
    record(delivery, kind, source=Bounce.Source.WEBHOOK, detail=detail, event_id=event_id)
