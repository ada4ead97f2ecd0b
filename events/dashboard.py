"""The calendar's part of the staff dashboard (core/dashboard.py): draft events still ahead, and the
upcoming events with the site's registration form, their seats and waiting lists."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import dashboard
from events.models import Event, Registration


def _when(event):
    return _("%(network)s · %(date)s") % {
        "network": event.network.short_name,
        "date": date_format(timezone.localtime(event.starts_at), "j F Y"),
    }


def draft_events(scope):
    events = Event.objects.filter(published=False).upcoming(scope.now).select_related("network")
    return dashboard.objects_section(scope, events, _("Events"), _when, "?published__exact=0")


def upcoming_registrations(scope):
    """The next events with the site's registration form: seats taken of the capacity, registrations
    confirmed and the waiting list, in one query."""
    if not scope.may("events.view_event"):
        return None
    confirmed, waiting = (
        Q(registrations__status=Registration.Status.CONFIRMED),
        Q(registrations__status=Registration.Status.WAITING),
    )
    events = (
        Event.objects.upcoming(scope.now)
        .filter(registration_mode=Event.RegistrationMode.FORM)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("network")
        .annotate(
            seats_taken=Sum("registrations__people", filter=confirmed, default=0),
            registration_count=Count("registrations", filter=confirmed),
            waiting_count=Count("registrations", filter=waiting),
        )
    )
    events, more = dashboard.first_rows(scope.of_networks(events))
    if not events:
        return None
    may_see_registrations = scope.may("events.view_registration")
    registrations = reverse("admin:events_registration_changelist")
    rows = [
        {
            "event": event,
            "url": dashboard.admin_url(event),
            "when": _when(event),
            "registrations_url": f"{registrations}?event__id__exact={event.pk}" if may_see_registrations else "",
        }
        for event in events
    ]
    return {
        "template": "admin/dashboard/_events.html",
        "heading": _("With registration on this site"),
        "rows": rows,
        "more": more,
        "more_url": dashboard.admin_url(Event, "changelist") + "?registration_mode__exact=formulier",
    }


def scheduled_events(scope):
    events = Event.objects.filter(published=True).select_related("network")
    return dashboard.scheduled_section(scope, events, _("Events"))


def register():
    dashboard.register_section(dashboard.DRAFTS, 30, draft_events)
    dashboard.register_section(dashboard.SCHEDULED, 30, scheduled_events)
    dashboard.register_section(dashboard.EVENTS, 10, upcoming_registrations)
