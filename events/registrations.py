"""Registrations with the site's form: seats, the waiting list, cancelling, and the mails about them.

Every decision about seats is taken inside a transaction that holds a lock on the
event's row (`select_for_update`), so two people registering at the same moment on
different app servers never both get the last seat. Mails go out after the
transaction, so nobody waits on the mail server while holding the lock.

The waiting list is served in order of registration: when seats come free, each
waiting registration that fits in the free seats moves up, the oldest first.
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Event, Registration
from network.mail import MailNotSent, send_mail
from network.tokens import TokenInvalid, make_token, read_token_parts

logger = logging.getLogger(__name__)

CANCEL_PURPOSE = "event-registration-cancel"


class RegistrationClosed(Exception):
    """The event takes no (more) registrations or cancellations through the site."""


def seats_taken(event):
    """How many people hold a confirmed seat."""
    return event.registrations.confirmed().aggregate(total=Coalesce(Sum("people"), 0))["total"]


def seats_left(event):
    """Free seats, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def cancel_token(registration):
    return make_token(CANCEL_PURPOSE, [registration.pk, registration.nonce])


def registration_for_token(token):
    """The registration a cancel link is for; TokenInvalid for a tampered link or one whose registration is gone."""
    pk, nonce = read_token_parts(CANCEL_PURPOSE, token, int, str, max_age=0)
    registration = Registration.objects.select_related("event__network").filter(pk=pk, nonce=nonce).first()
    if registration is None:
        raise TokenInvalid
    return registration


def _lock(event):
    return Event.objects.select_for_update().get(pk=event.pk)


def _promote(event):
    """Move waiting registrations up into free seats, oldest first; the ones moved up. Call with the event locked."""
    if event.status != Event.Status.SCHEDULED or event.has_started():
        return []
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    promoted = []
    for registration in event.registrations.waiting():
        if free is not None and registration.people > free:
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        promoted.append(registration)
        if free is not None:
            free -= registration.people
    return promoted


def register(
    *,
    event,
    name,
    email,
    request,
    association="",
    people=1,
    needs_transport=False,
    needs_childcare=False,
    needs_diet=False,
    remarks="",
):
    """Register for an event: a seat if there is room for all `people`, else the waiting list.

    An address already registered (and not cancelled) for this event gets no second
    registration, only a mail with its status: the page a visitor sees is the same
    either way, so it reveals nothing about who registered. Returns (registration, created).
    """
    with transaction.atomic():
        event = _lock(event)
        if not event.registration_open():
            raise RegistrationClosed
        existing = event.registrations.active().filter(email__iexact=email).first()
        if existing is None:
            registration = Registration(
                event=event,
                name=name,
                email=email,
                association=association,
                people=people,
                needs_transport=needs_transport,
                needs_childcare=needs_childcare,
                needs_diet=needs_diet,
                remarks=remarks,
            )
            fits = event.capacity is None or seats_taken(event) + people <= event.capacity
            registration.status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITING
            registration.full_clean()
            registration.save()
    if existing is not None:
        send_registration_mail(existing, "known", request)
        return existing, False
    send_registration_mail(registration, "confirmed" if fits else "waiting", request)
    return registration, True


def cancel(*, registration, request):
    """Cancel a registration and give its seats to the waiting list; False if it was cancelled already."""
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return False
        if event.has_started():
            raise RegistrationClosed
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = _promote(event)
    send_registration_mail(registration, "cancelled", request)
    for other in promoted:
        send_registration_mail(other, "promoted", request)
    return True


def erase(*, registration):
    """Delete a registration for good (a request to erase personal data), freeing its seats like a cancellation.

    The waiting list moves up as after `cancel`, and those moved up are told by mail once the
    erasure is committed; the erased person gets no mail. Also for an event that has begun.
    """
    with transaction.atomic():
        event = _lock(registration.event)
        Registration.objects.filter(pk=registration.pk).delete()
        promoted = _promote(event)
    for other in promoted:
        transaction.on_commit(functools.partial(send_registration_mail, other, "promoted", None))


def promote_waiting(*, event, request):
    """Fill seats that came free some other way (a larger capacity, a deleted registration)."""
    with transaction.atomic():
        promoted = _promote(_lock(event))
    for registration in promoted:
        send_registration_mail(registration, "promoted", request)
    return promoted


def _subject(kind, title):
    subjects = {
        "confirmed": _("Your registration for %(title)s"),
        "waiting": _("You are on the waiting list for %(title)s"),
        "promoted": _("A seat has come free for you: %(title)s"),
        "cancelled": _("Your registration for %(title)s is cancelled"),
        "known": _("You had already registered for %(title)s"),
        "event_cancelled": _("Cancelled: %(title)s"),
        "event_postponed": _("Postponed: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def _absolute_url(path, request):
    """The host the visitor used, or SITE_URL for a mail sent without a request (an erasure by a command)."""
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def send_registration_mail(registration, kind, request):
    """One of the registration mails; a failing mail server is logged, the registration stands."""
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "network": event.network,
        "event_url": _absolute_url(event.get_absolute_url(), request),
        "cancel_url": _absolute_url(reverse("events:cancel", kwargs={"token": cancel_token(registration)}), request),
        "kind": kind,
    }
    try:
        send_mail(
            registration.email,
            _subject(kind, event.title),
            f"events/mail/registration_{kind}",
            context,
            request=request,
        )
    except MailNotSent:
        logger.exception("Could not send the %s mail of registration %s", kind, registration.pk)


def notify_status_change(*, event, request):
    """Tell everyone registered (or waiting) that the event is cancelled or postponed, with the reason."""
    kind = {Event.Status.CANCELLED: "event_cancelled", Event.Status.POSTPONED: "event_postponed"}.get(event.status)
    if kind is None:
        return 0
    registrations = list(event.registrations.active().select_related("event__network"))
    for registration in registrations:
        send_registration_mail(registration, kind, request)
    return len(registrations)
