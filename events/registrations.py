"""Registrations with the site's form: confirmation by mail, seats, the waiting list, cancelling, and the mails.

A registration starts pending and takes nothing: the registrant gets a mail with a link, and
only confirming through it (a page with one button, so a mail scanner fetching the link
confirms nothing) gives a seat, or a place on the waiting list when the event is full by then.
Made-up addresses therefore take no seats, and every count shows confirmed seats only. A
pending registration expires with its link (CONFIRMATION_MAX_AGE) and `purge_registrations`
erases it; it holds no seat meanwhile, so a hold cannot be used to block seats either.

A post for an address that is already registered (pending or confirmed) changes nothing and
answers exactly like a new one; only the mail to that address says it was known. So neither
the page nor the public count tells a visitor whether someone registered.

Only a change of the confirmed seats changes a public page (the event's free seats), so only
that invalidates the page cache (`_seats_changed`); events.registration itself is ignored by
the page cache's signals.

Every decision about seats is taken inside a transaction that holds a lock on the
event's row (`select_for_update`), so two people registering at the same moment on
different app servers never both get the last seat. Mails go out after the
transaction, so nobody waits on the mail server while holding the lock.

The waiting list is served in the order people confirmed: when seats come free, each
waiting registration that fits in the free seats moves up, the first confirmed first.
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pagecache
from core.mail import MailNotSent, send_mail
from core.tokens import TokenInvalid, make_token, read_token_parts
from events.models import Event, Registration

logger = logging.getLogger(__name__)

CANCEL_PURPOSE = "event-registration-cancel"
CONFIRM_PURPOSE = "event-registration-confirm"


class RegistrationClosed(Exception):
    """The event takes no (more) registrations or cancellations through the site."""


class RegistrationExpired(Exception):
    """The registration was not confirmed within the confirmation link's lifetime."""


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


def confirm_token(registration):
    return make_token(CONFIRM_PURPOSE, [registration.pk, registration.nonce])


def registration_for_token(token, purpose=CANCEL_PURPOSE):
    """The registration a cancel (never expires) or confirm link (CONFIRMATION_MAX_AGE) is for.

    TokenExpired for an old confirm link; TokenInvalid for a tampered link or one whose registration is gone.
    """
    max_age = 0 if purpose == CANCEL_PURPOSE else None
    pk, nonce = read_token_parts(purpose, token, int, str, max_age=max_age)
    registration = Registration.objects.select_related("event__network").filter(pk=pk, nonce=nonce).first()
    if registration is None:
        raise TokenInvalid
    return registration


def _lock(event):
    return Event.objects.select_for_update().get(pk=event.pk)


def _seats_changed(event):
    """The confirmed seats changed, so the event's page (its free seats) is rebuilt once this is committed."""
    transaction.on_commit(functools.partial(pagecache.key_changed, "event", event.pk))


def _promote(event):
    """Move waiting registrations up into free seats, first confirmed first; the ones moved up. Lock the event."""
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
    group_reason="",
    needs_transport=False,
    needs_childcare=False,
    needs_diet=False,
    needs_accessibility=False,
    remarks="",
):
    """Record a pending registration and mail its confirmation link; it takes no seat until confirmed.

    An address already registered for this event (pending and not expired, confirmed or
    waiting) gets no second registration and keeps its first data, only a mail to that address
    with its status: the page a visitor sees and the public count are the same either way.
    Returns (registration, created).
    """
    with transaction.atomic():
        event = _lock(event)
        if not event.registration_open():
            raise RegistrationClosed
        existing = event.registrations.current().filter(email__iexact=email).first()
        if existing is None:
            registration = Registration(
                event=event,
                name=name,
                email=email,
                association=association,
                people=people,
                group_reason=group_reason,
                needs_transport=needs_transport,
                needs_childcare=needs_childcare,
                needs_diet=needs_diet,
                needs_accessibility=needs_accessibility,
                remarks=remarks,
                status=Registration.Status.PENDING,
            )
            registration.full_clean()
            registration.save()
    if existing is not None:
        send_registration_mail(existing, "known", request)
        return existing, False
    send_registration_mail(registration, "pending", request)
    return registration, True


def register_for_others(
    *,
    event,
    registered_by,
    name,
    phone="",
    association="",
    people=1,
    group_reason="",
    needs_transport=False,
    needs_childcare=False,
    needs_diet=False,
    needs_accessibility=False,
    remarks="",
):
    """Staff register people who have no email address: confirmed at once, no mail.

    The staff member vouches for them, so there is no confirmation link to wait for: the
    registration gets a seat when all its people fit, else a place on the waiting list, by the
    same rule and under the same lock as a confirmation by mail. Staff tell the people
    themselves. RegistrationClosed once the event takes no staff registrations
    (Event.takes_staff_registrations).
    """
    with transaction.atomic():
        event = _lock(event)
        if not event.takes_staff_registrations():
            raise RegistrationClosed
        fits = event.capacity is None or seats_taken(event) + people <= event.capacity
        registration = Registration(
            event=event,
            name=name,
            phone=phone,
            association=association,
            people=people,
            group_reason=group_reason,
            needs_transport=needs_transport,
            needs_childcare=needs_childcare,
            needs_diet=needs_diet,
            needs_accessibility=needs_accessibility,
            remarks=remarks,
            registered_by=registered_by,
            status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITING,
            confirmed_at=timezone.now(),
        )
        registration.full_clean()
        registration.save()
        if fits:
            _seats_changed(event)
    return registration


def confirm(*, registration, request):
    """The registrant confirms: a seat if there is room for all its people now, else the waiting list.

    True if this confirmed it; False if it was confirmed (or cancelled) before, which changes nothing.
    RegistrationExpired after the confirmation link's lifetime, RegistrationClosed once the event
    takes no registrations.
    """
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_related("event__network").get(pk=registration.pk)
        if not registration.is_pending:
            return False
        if registration.has_expired():
            raise RegistrationExpired
        if not event.registration_open():
            raise RegistrationClosed
        fits = event.capacity is None or seats_taken(event) + registration.people <= event.capacity
        registration.status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITING
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        if fits:
            _seats_changed(event)
    send_registration_mail(registration, "confirmed" if fits else "waiting", request)
    return True


def cancel(*, registration, request):
    """Cancel a registration and give its seats to the waiting list; False if it was cancelled already."""
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return False
        if event.has_started():
            raise RegistrationClosed
        had_seat = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = _promote(event)
        if had_seat or promoted:
            _seats_changed(event)
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
        had_seat = Registration.objects.filter(pk=registration.pk).confirmed().exists()
        Registration.objects.filter(pk=registration.pk).delete()
        promoted = _promote(event)
        if had_seat or promoted:
            _seats_changed(event)
    for other in promoted:
        transaction.on_commit(functools.partial(send_registration_mail, other, "promoted", None))


def promote_waiting(*, event, request):
    """Fill seats that came free some other way (a larger capacity, a registration deleted in the admin)."""
    with transaction.atomic():
        event = _lock(event)
        promoted = _promote(event)
        # Seats came free: the public count changed even when nobody was waiting.
        _seats_changed(event)
    for registration in promoted:
        send_registration_mail(registration, "promoted", request)
    return promoted


def send_reminders(*, now=None):
    """Mail every registration due for its reminder (EVENT_REMINDER_DAYS ahead) once; how many were sent.

    Safe to run every hour, on several servers at once: each registration is claimed by one
    UPDATE that sets `reminded_at` only where it is still empty, before its mail is sent, so two
    runs never both send it. A mail the server refuses is logged and not tried again: one
    reminder at most, never two.
    """
    now = now or timezone.now()
    sent = 0
    for pk in list(Registration.objects.due_for_reminder(now).values_list("pk", flat=True)):
        claimed = Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue
        registration = Registration.objects.select_related("event__network").get(pk=pk)
        send_registration_mail(registration, "reminder", None)
        sent += 1
    return sent


def _subject(kind, title):
    subjects = {
        "pending": _("Confirm your registration for %(title)s"),
        "confirmed": _("Your registration for %(title)s"),
        "waiting": _("You are on the waiting list for %(title)s"),
        "promoted": _("A seat has come free for you: %(title)s"),
        "cancelled": _("Your registration for %(title)s is cancelled"),
        "known": _("You had already registered for %(title)s"),
        "reminder": _("Reminder: %(title)s"),
        "event_cancelled": _("Cancelled: %(title)s"),
        "event_postponed": _("Postponed: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def _absolute_url(path, request):
    """The host the visitor used, or SITE_URL for a mail sent without a request (an erasure by a command)."""
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def send_registration_mail(registration, kind, request):
    """One of the registration mails; a failing mail server is logged, the registration stands.

    People registered by staff have no address: they get nothing, staff tell them. When such a
    registration moves up from the waiting list, the staff member who made it is told instead.
    """
    if not registration.email:
        if kind == "promoted":
            _tell_staff_of_promotion(registration, request)
        return
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "network": event.network,
        "event_url": _absolute_url(event.get_absolute_url(), request),
        "cancel_url": _absolute_url(reverse("events:cancel", kwargs={"token": cancel_token(registration)}), request),
        "kind": kind,
        "confirm_days": settings.CONFIRMATION_MAX_AGE // (24 * 3600),
    }
    if registration.is_pending:
        # Only the pending mails carry the confirm link; nothing can be cancelled before it is confirmed.
        token = confirm_token(registration)
        context["confirm_url"] = _absolute_url(reverse("events:confirm", kwargs={"token": token}), request)
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


def _tell_staff_of_promotion(registration, request):
    """Mail who registered these people (or, their account gone, the network) that they have a seat now."""
    event = registration.event
    staff = registration.registered_by
    to = staff.email if staff is not None and staff.email else event.network.email
    if not to:
        logger.warning("Nobody to tell that registration %s moved up", registration.pk)
        return
    context = {
        "registration": registration,
        "event": event,
        "network": event.network,
        "event_url": _absolute_url(event.get_absolute_url(), request),
    }
    subject = _("A seat has come free for %(name)s: %(title)s") % {"name": registration.name, "title": event.title}
    try:
        send_mail(to, subject, "events/mail/staff_promoted", context, request=request)
    except MailNotSent:
        logger.exception("Could not tell staff that registration %s moved up", registration.pk)


def notify_status_change(*, event, request):
    """Tell everyone registered (or waiting) that the event is cancelled or postponed, with the reason."""
    kind = {Event.Status.CANCELLED: "event_cancelled", Event.Status.POSTPONED: "event_postponed"}.get(event.status)
    if kind is None:
        return 0
    # People registered by staff have no address; staff tell them (send_registration_mail).
    registrations = list(event.registrations.active().exclude(email="").select_related("event__network"))
    for registration in registrations:
        send_registration_mail(registration, kind, request)
    return len(registrations)
