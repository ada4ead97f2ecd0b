"""Subscribing and leaving: pending subscriptions, the confirmation mail with a signed link,
confirming, unsubscribing, changing lists and erasing.

The answer to the visitor is the same whether or not the address is known; only the mail
sent to the address differs (a confirmation link for the lists it does not have yet, or a
note that it already receives them, with its preferences link). Links carry the
subscriber's id and random nonce: confirmation links expire, unsubscribe and preferences
links do not, and erasing the subscriber makes every one of them worthless. A confirmation
link also names the lists of its sign-up and confirms those only: a sign-up made by someone
else for the same address is not confirmed along with the owner's own.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import MailNotSent, send_mail
from core.tokens import TokenExpired, TokenInvalid, make_token, read_token, read_token_parts
from newsletter import numbers
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Bounce, MailingList, Subscriber, Subscription

CONFIRM = "newsletter-confirm"
UNSUBSCRIBE = "newsletter-unsubscribe"
PREFERENCES = "newsletter-preferences"

logger = logging.getLogger(__name__)


def absolute_url(path, request=None):
    """An absolute URL: the host the visitor used, or SITE_URL for mail sent by the worker."""
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def signed_url(url_name, purpose, value, request=None):
    """The absolute URL of a link with a token for `purpose` carrying `value`."""
    return absolute_url(reverse(url_name, kwargs={"token": make_token(purpose, value)}), request)


def confirm_url(subscriber, lists, request=None):
    """The link that confirms exactly these lists (the ones its sign-up asked for)."""
    list_ids = sorted(mailing_list.pk for mailing_list in lists)
    return signed_url("newsletter:confirm", CONFIRM, [subscriber.pk, subscriber.nonce, list_ids], request)


def preferences_url(subscriber, request=None):
    return signed_url("newsletter:preferences", PREFERENCES, [subscriber.pk, subscriber.nonce], request)


def _consent():
    return {"consent_version": CONSENT_VERSION, "consent_text": str(CONSENT_TEXT), "consented_at": timezone.now()}


@transaction.atomic
def record_subscription(*, email, name, lists):
    """The subscriber for `email` and the chosen lists it still has to confirm (pending now).

    A known address keeps its confirmed lists and its name: a later sign-up only gives a name to
    an unconfirmed address that has none yet, so nobody can put their text in someone else's
    mail ("Beste …") before that person confirms (the preferences page changes a name).
    """
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.get_or_create(email=email, defaults={"name": name})
    except IntegrityError:  # the same address posted at the same moment
        subscriber, created = Subscriber.objects.get(email=email), False
    if not created and not subscriber.is_confirmed and name and not subscriber.name:
        subscriber.name = name
        subscriber.save(update_fields=["name"])
    existing = {item.mailing_list_id: item for item in subscriber.subscriptions.filter(mailing_list__in=lists)}
    to_confirm = []
    for mailing_list in lists:
        subscription = existing.get(mailing_list.pk)
        if subscription is not None and subscription.status == Subscription.Status.CONFIRMED:
            if subscriber.is_suspended:
                # A suspended address (it bounced or complained) receives again once its owner confirms it.
                to_confirm.append(mailing_list)
            continue
        if subscription is None:
            Subscription.objects.create(subscriber=subscriber, mailing_list=mailing_list, **_consent())
        else:
            for field, value in {**_consent(), "status": Subscription.Status.PENDING, "unsubscribed_at": None}.items():
                setattr(subscription, field, value)
            subscription.save()
        to_confirm.append(mailing_list)
    return subscriber, to_confirm


def send_subscription_mail(request, subscriber, to_confirm):
    """The confirmation mail for the lists in `to_confirm`, or a note that the address has them all already."""
    context = {"subscriber": subscriber, "lists": to_confirm, "site_name": settings.SITE_NAME}
    if to_confirm:
        subject = _("Confirm your subscription to the newsletter")
        template = "newsletter/mail/confirm"
        context["confirm_url"] = confirm_url(subscriber, to_confirm, request)
    else:
        subject = _("You already receive this newsletter")
        template = "newsletter/mail/already_subscribed"
        context["preferences_url"] = preferences_url(subscriber, request)
    try:
        send_mail(subscriber.email, subject, template, context, request=request)
    except MailNotSent:
        logger.exception("Newsletter confirmation mail for subscriber %s not sent", subscriber.pk)
        raise


def subscriber_for_token(purpose, token, max_age=None):
    """The subscriber a confirm or preferences link points at, or None when erased; TokenError for a bad link."""
    pk, nonce = read_token_parts(purpose, token, int, str, max_age=max_age)
    return Subscriber.objects.filter(pk=pk, nonce=nonce).first()


def confirmation_for_token(token):
    """(subscriber, list ids) a confirmation link names; subscriber None when erased; TokenError for a bad link."""
    value = read_token(CONFIRM, token)
    if isinstance(value, list) and len(value) == 2 and type(value[0]) is int and type(value[1]) is str:
        # A link from before links named their lists: it would confirm every pending list.
        raise TokenExpired
    if not (
        isinstance(value, list)
        and len(value) == 3
        and type(value[0]) is int
        and type(value[1]) is str
        and isinstance(value[2], list)
        and value[2]
        and all(type(pk) is int for pk in value[2])
    ):
        raise TokenInvalid
    pk, nonce, list_ids = value
    return Subscriber.objects.filter(pk=pk, nonce=nonce).first(), list_ids


def pending_lists(subscriber, list_ids):
    """Those of `list_ids` the subscriber still has to confirm: all of them while the address is suspended."""
    statuses = [Subscription.Status.PENDING]
    if subscriber.is_suspended:
        statuses.append(Subscription.Status.CONFIRMED)
    return list(
        MailingList.objects.filter(
            pk__in=list_ids, subscriptions__subscriber=subscriber, subscriptions__status__in=statuses
        ).select_related("network")
    )


def subscription_for_unsubscribe_token(token):
    """The subscription an unsubscribe link points at, or None when it is gone; TokenError for a bad link."""
    pk, nonce, list_pk = read_token_parts(UNSUBSCRIBE, token, int, str, int, max_age=0)
    return (
        Subscription.objects.select_related("subscriber", "mailing_list__network")
        .filter(subscriber_id=pk, subscriber__nonce=nonce, mailing_list_id=list_pk)
        .first()
    )


@transaction.atomic
def confirm(subscriber, list_ids):
    """Confirm the address and those of `list_ids` still pending, no other list; a second call
    changes nothing. The lists confirmed now."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    confirmed = pending_lists(subscriber, list_ids)
    # Confirming anew proves the address works: a suspension (bounces, a complaint) ends here.
    Subscriber.objects.filter(pk=subscriber.pk).update(suspended_at=None, suspension_reason="", soft_bounces=0)
    subscriber.suspended_at, subscriber.suspension_reason, subscriber.soft_bounces = None, "", 0
    pending = Subscription.objects.pending().filter(subscriber=subscriber, mailing_list_id__in=list_ids)
    pending.update(status=Subscription.Status.CONFIRMED, confirmed_at=now)
    return confirmed


@transaction.atomic
def unsubscribe(subscription):
    """Leave one list; harmless when already left. True when this call unsubscribed."""
    left = (
        Subscription.objects.filter(pk=subscription.pk)
        .exclude(status=Subscription.Status.UNSUBSCRIBED)
        .update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    if left:
        MailingList.objects.filter(pk=subscription.mailing_list_id).update(
            unsubscribed_count=F("unsubscribed_count") + 1
        )
        numbers.count_leaving(subscription.subscriber_id, subscription.mailing_list_id)
    return bool(left)


@transaction.atomic
def update_preferences(subscriber, *, lists, name):
    """Receive exactly `lists` from now on. Opening the link proves the address, so new lists count as confirmed."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    if name != subscriber.name:
        subscriber.name = name
        subscriber.save(update_fields=["name"])
    wanted = {mailing_list.pk: mailing_list for mailing_list in lists}
    for subscription in subscriber.subscriptions.all():
        mailing_list = wanted.pop(subscription.mailing_list_id, None)
        if mailing_list is None:
            if subscription.status == Subscription.Status.CONFIRMED:
                unsubscribe(subscription)
            elif subscription.status == Subscription.Status.PENDING:
                subscription.delete()
        elif subscription.status != Subscription.Status.CONFIRMED:
            for field, value in {**_consent(), "status": Subscription.Status.CONFIRMED, "confirmed_at": now}.items():
                setattr(subscription, field, value)
            subscription.unsubscribed_at = None
            subscription.save()
    for mailing_list in wanted.values():
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=now,
            **_consent(),
        )


@transaction.atomic
def leave_all(subscriber):
    for subscription in subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED):
        if subscription.status == Subscription.Status.PENDING:
            subscription.delete()
        else:
            unsubscribe(subscription)


@transaction.atomic
def erase(subscriber):
    """Delete the address, the name, every subscription and so every link; keep anonymous counts only.

    Each list the subscriber was on counts one erasure; the subscriber's deliveries stay,
    without the subscriber, so the numbers sent per issue stay right; the bounce records go (the
    issue keeps their anonymous counts).
    """
    lists = MailingList.objects.filter(
        subscriptions__subscriber=subscriber, subscriptions__status=Subscription.Status.CONFIRMED
    )
    list_ids = list(lists.values_list("pk", flat=True))
    MailingList.objects.filter(pk__in=list_ids).update(erased_count=F("erased_count") + 1)
    # Leaving by erasure counts for the issue that preceded it, like an unsubscription.
    for list_id in list_ids:
        numbers.count_leaving(subscriber.pk, list_id)
    # A bounce record says that this address bounced (and its words may quote it): it goes too.
    Bounce.objects.filter(delivery__subscriber=subscriber).delete()
    Subscriber.objects.filter(pk=subscriber.pk).delete()
