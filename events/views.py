"""The calendar: upcoming events by month, the archive, a printable year, one event, iCal, and registration."""

import datetime
from functools import wraps
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core import pagecache, previews, sites
from core.forms import PublicPost, check_public_post
from core.listing import page_of_rows, script_json
from core.opendata import LICENCE, load_schema, open_data, schema_fields, schema_response
from core.pagecache import token_page
from core.sites import ALL_NETWORKS, list_query
from core.tokens import TokenError, TokenExpired
from events import ical, opendata
from events.forms import EventFilterForm, FeedFilterForm, RegistrationForm, StaffRegistrationForm
from events.jsonld import event_json_ld
from events.models import EVENT_TIME_ZONE, Event
from events.permissions import can_register_others, can_see_registrations, coordinator_associations
from events.registrations import (
    CONFIRM_PURPOSE,
    RegistrationClosed,
    RegistrationExpired,
    cancel,
    confirm,
    register,
    register_for_others,
    registration_for_token,
    seats_left,
)
from network.permissions import can_preview

PER_PAGE = 30
FIRST_YEAR = 2000
# How many years ahead the year calendar goes.
YEARS_AHEAD = 5
# How long after its end an event stays in the feed (calendars keep their history).
FEED_HISTORY = datetime.timedelta(days=365)


def _public_events():
    return Event.objects.published().select_related("network")


def card_page(request, queryset):
    """The page `?pagina=N` of `queryset`'s cards (Event.objects.cards(counted=True)) and the number of all of
    them, in one query; 404 if there is no such page."""
    return page_of_rows(request, queryset, PER_PAGE)


def by_month(events):
    """[(first day of the month, [events]), ...] in the order the events come."""
    return [
        (month, list(items)) for month, items in groupby(events, key=lambda event: event.start_date.replace(day=1))
    ]


def _this_year():
    return timezone.localdate(timezone=EVENT_TIME_ZONE).year


@require_safe
def event_list(request):
    """Upcoming events of every network, soonest first, by month; filtered by network, theme and format."""
    form = EventFilterForm(list_query(request), request=request)
    events, status = form.apply(Event.objects.published().upcoming().cards(counted=True))
    page = card_page(request, events)
    context = {
        "form": form,
        "page": page,
        "months": by_month(page.object_list),
        "this_year": _this_year(),
        "feed_query": _feed_query(form),
    }
    return render(request, "events/event_list.html", context, status=status)


def _feed_query(form):
    """The query string of the iCal feed with the same network and theme as the valid filters."""
    if not form.is_bound or form.errors:
        return ""
    chosen = {key: form.cleaned_data[key].slug for key in ("netwerk", "thema") if form.cleaned_data[key]}
    if "netwerk" in form.data and "netwerk" not in chosen:
        chosen["netwerk"] = ALL_NETWORKS  # on a network's own domain the feed without it is that network's
    return urlencode(chosen)


@require_safe
def event_archive(request):
    """Events that are over, the latest first, by month."""
    form = EventFilterForm(list_query(request), request=request)
    events, status = form.apply(Event.objects.published().past().cards(counted=True))
    page = card_page(request, events)
    context = {"form": form, "page": page, "months": by_month(page.object_list), "this_year": _this_year()}
    return render(request, "events/event_archive.html", context, status=status)


@require_safe
def event_year(request, year):
    """A year's events month by month, laid out to print."""
    last_year = _this_year() + YEARS_AHEAD
    if not FIRST_YEAR <= year <= last_year:
        message = _("The calendar covers the years %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last_year}
        return render(request, "events/not_found.html", {"message": message}, status=404)
    form = EventFilterForm(list_query(request), request=request)
    events, status = form.apply(Event.objects.published().in_year(year).cards())
    grouped = dict(by_month(events))
    first_day = datetime.date(year, 1, 1)
    # Every month of the year, empty ones too; an event begun the year before shows in January.
    months = [(datetime.date(year, number, 1), []) for number in range(1, 13)]
    for month, items in grouped.items():
        months[0 if month < first_day else month.month - 1][1].extend(items)
    context = {
        "form": form,
        "year": year,
        "months": months,
        "count": sum(len(items) for _month, items in months),
        **_neighbour_years(year, last_year),
    }
    return render(request, "events/event_year.html", context, status=status)


def _neighbour_years(year, last_year):
    """Links to the years before and after, as far as there are events (and always around this year)."""
    this_year = _this_year()
    bounds = Event.objects.published().aggregate(first=Min("start_date"), last=Max("end_date"))
    first = min(bounds["first"].year if bounds["first"] else this_year, this_year)
    last = max(bounds["last"].year if bounds["last"] else this_year, this_year)
    return {
        "previous_year": year - 1 if year - 1 >= max(first, FIRST_YEAR) else None,
        "next_year": year + 1 if year + 1 <= min(last, last_year) else None,
    }


def _visible_event(request, slug, queryset=None):
    """A published event, or an unpublished one to staff of its network (to preview it)."""
    if queryset is None:
        queryset = Event.objects.select_related("network")
    event = get_object_or_404(queryset, slug=slug)
    if not event.is_public and not can_preview(request.user, event):
        raise Http404
    return event


def detail_events():
    return Event.objects.select_related("network", "report_document").prefetch_related("themes")


@require_safe
def event_detail(request, slug):
    """One event: when, where, how to take part, access, and registration. An unpublished one is its
    preview, for staff of its network (core/previews.py)."""
    event = _visible_event(request, slug, detail_events())
    if not event.is_public:
        return previews.respond(request, event, shared=False)
    return render_event(request, event)


def render_event(request, event, preview=None):
    """An event's page; `preview` (core/previews.py) marks it as a preview."""
    report_text, report_document = event.report()
    sites.canonical(request, event.network)
    # The free seats change with registrations, which change no other page (network/pagecache_rules.py).
    pagecache.depends_on_keys(request, pagecache.key("event", event.pk))
    context = {
        "event": event,
        "network": event.network,
        "absolute_url": request.build_absolute_uri(event.get_absolute_url()),
        "structured_data": script_json(event_json_ld(request, event)),
        "seats_left": seats_left(event) if event.has_form else None,
        "registration_open": event.registration_open(),
        "closed_message": closed_message(event),
        "is_over": event.is_over(),
        "report_text": report_text,
        "report_document": report_document,
        "preview": preview,
    }
    return render(request, "events/event_detail.html", context)


def _ics_response(content, filename=None):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request, slug):
    """One event as an .ics file, to add to a calendar."""
    event = get_object_or_404(_public_events().prefetch_related("themes"), slug=slug)
    content = ical.calendar(
        [event], name=event.title, absolute_url=lambda item: request.build_absolute_uri(item.get_absolute_url())
    )
    return _ics_response(content, f"{event.slug}.ics")


@require_safe
def calendar_feed(request):
    """Every event (of a network, of a theme) as an iCal feed to subscribe to; the past year included."""
    form = FeedFilterForm(list_query(request), request=request)
    if form.is_bound and not form.is_valid():
        problems = [f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        message = _("This calendar feed does not exist.") + "\n" + "\n".join(problems) + "\n"
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    events = _public_events().filter(ends_at__gt=timezone.now() - FEED_HISTORY).prefetch_related("themes")
    name = _("Calendar")
    if form.is_bound:
        events = form.filter(events)
        chosen = [form.cleaned_data[key] for key in ("netwerk", "thema") if form.cleaned_data[key]]
        name = " · ".join([str(name), *(str(item) for item in chosen)])
    content = ical.calendar(
        events.order_by("starts_at", "pk"),
        name=name,
        absolute_url=lambda item: request.build_absolute_uri(item.get_absolute_url()),
    )
    return _ics_response(content)


@open_data("events:open_data_schema")
def events_json(request):
    """The published events that have not ended (of a network, of a theme: the iCal feed's filters) as JSON."""
    form = FeedFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        return JsonResponse({"error": _("This calendar feed does not exist."), "problems": problems}, status=400)
    events = _public_events().select_related("network__parent").prefetch_related("themes").upcoming()
    if form.is_bound:
        events = form.filter(events)
    records = [opendata.record(request, event) for event in events]
    document = {
        "licence": LICENCE,
        "schema": request.build_absolute_uri(reverse("events:open_data_schema")),
        "count": len(records),
        "events": records,
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@open_data()
def open_data_schema(request):
    """The JSON Schema of the events feed, at a fixed address."""
    return schema_response(opendata.SCHEMA_FILE)


@require_safe
def open_data_page(request):
    """What the events feed holds, field by field, its filters and its licence."""
    schema = load_schema(opendata.SCHEMA_FILE)
    context = {
        "licence": LICENCE,
        "schema": schema,
        "file_fields": schema_fields(schema),
        "fields": schema_fields(schema, "events"),
    }
    return render(request, "events/open_data.html", context)


# Registration -----------------------------------------------------------------------------


def _form_event(request, slug):
    event = _visible_event(request, slug)
    if not event.has_form:
        raise Http404
    return event


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def registration_form(request, slug):
    """The site's registration form for an event, through the public form flow (core.forms.check_public_post).

    Every accepted post, for a new address or a known one, ends on the same thanks page;
    the mail tells the owner of the address the rest.
    """
    event = _form_event(request, slug)
    context = {
        "event": event,
        "network": event.network,
        "open": event.registration_open(),
        "closed_message": closed_message(event),
    }
    if request.method != "POST":
        context.update(form=RegistrationForm(event=event), seats_left=seats_left(event))
        return render(request, "events/registration_form.html", context)
    form = RegistrationForm(request.POST, event=event)
    context.update(form=form, seats_left=None)
    if not context["open"]:
        return _refuse_closed(request, event, "events/registration_form.html", context)
    outcome = check_public_post(request, form, scope="registration")
    if outcome is PublicPost.INVALID:
        context["seats_left"] = seats_left(event)
        return render(request, "events/registration_form.html", context, status=400)
    if outcome is PublicPost.BOT:
        return redirect("events:registration_thanks", slug=event.slug)
    if outcome is PublicPost.LIMITED:
        context["refusal"] = _(
            "We received many registrations from you in a short time. Wait an hour and try again, or contact us."
        )
        return render(request, "events/registration_form.html", context, status=429)
    try:
        register(event=event, request=request, **form.registration_data())
    except RegistrationClosed:
        return _refuse_closed(request, event, "events/registration_form.html", context)
    return redirect("events:registration_thanks", slug=event.slug)


def closed_message(event):
    """Why the form takes nothing: the deadline with its moment in Brussels time, or closed as such."""
    if event.deadline_passed():
        moment = formats.date_format(timezone.localtime(event.registration_closes_at, EVENT_TIME_ZONE), "j F Y, H:i")
        return _("Registration for this event closed on %(moment)s.") % {"moment": moment}
    return _("Registration for this event is closed.")


def _refuse_closed(request, event, template, context, key="refusal"):
    """A post to a closed form: 410 after the registration deadline, 409 when closed otherwise.

    After the deadline the form is gone for good, whatever happens next: 410 Gone says so (and a
    browser or a client retrying learns nothing will change). A form closed by the event's state
    (begun, cancelled, postponed, unpublished) answers 409 as before: a conflict with the event as
    it is now, which a postponement can undo.
    """
    context[key] = closed_message(event)
    return render(request, template, context, status=410 if event.deadline_passed() else 409)


@require_safe
def registration_thanks(request, slug):
    """After registering: the same page for everyone, the mail tells whether there is a seat."""
    event = _form_event(request, slug)
    return render(request, "events/registration_thanks.html", {"event": event, "network": event.network})


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token):
    """A cancel link from a mail: a page with one button; pressing it cancels, pressing it again changes nothing."""
    try:
        registration = registration_for_token(token)
    except TokenError as error:
        return render(request, "events/registration_cancel.html", {"error": error.message}, status=400)
    event = registration.event
    context = {"registration": registration, "event": event, "network": event.network}
    if request.method == "POST":
        try:
            cancel(registration=registration, request=request)
        except RegistrationClosed:
            context["error"] = _("This event has already begun; your registration can no longer be cancelled here.")
            return render(request, "events/registration_cancel.html", context, status=409)
        return redirect(reverse("events:cancel", kwargs={"token": token}) + "?geannuleerd=1")
    context["cancelled"] = registration.status == registration.Status.CANCELLED
    context["just_cancelled"] = context["cancelled"] and "geannuleerd" in request.GET
    context["started"] = event.has_started()
    return render(request, "events/registration_cancel.html", context)


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def registration_confirm(request, token):
    """A confirm link from a mail: a page with one button; pressing it confirms (a seat or the waiting list).

    Mail scanners open links: the GET changes nothing. Pressing again changes nothing either.
    """
    try:
        registration = registration_for_token(token, CONFIRM_PURPOSE)
    except TokenError as error:
        return render(request, "events/registration_confirm.html", {"error": error.message}, status=400)
    event = registration.event
    context = {"registration": registration, "event": event, "network": event.network}
    if registration.has_expired():
        context["error"] = TokenExpired.message
        return render(request, "events/registration_confirm.html", context, status=400)
    if request.method == "POST":
        try:
            confirm(registration=registration, request=request)
        except RegistrationExpired:
            context["error"] = TokenExpired.message
            return render(request, "events/registration_confirm.html", context, status=400)
        except RegistrationClosed:
            return _refuse_closed(request, event, "events/registration_confirm.html", context, key="error")
        return redirect(reverse("events:confirm", kwargs={"token": token}) + "?bevestigd=1")
    context["just_confirmed"] = not registration.is_pending and "bevestigd" in request.GET
    context.update(open=event.registration_open(), closed_message=closed_message(event))
    return render(request, "events/registration_confirm.html", context)


# Staff pages for one event --------------------------------------------------------------------


def _staff_event(request, slug, allowed):
    """The event, for staff of its network whom `allowed(user, event)` admits; 403 otherwise, as a preview."""
    event = get_object_or_404(Event.objects.select_related("network"), slug=slug)
    if not allowed(request.user, event):
        raise PermissionDenied
    return event


def signed_in_required(view):
    """Signed-out visitors go to the sign-in, as for the admin; who may go on is the per-object rule's
    (events/permissions.py: staff of the event's network, or an association's coordinator)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def register_others(request, slug):
    """Staff register people who have no email address: same seats and waiting list, confirmed at once, no mail."""
    event = _staff_event(request, slug, can_register_others)
    if not event.has_form:
        raise Http404
    form = StaffRegistrationForm(
        request.POST or None, event=event, associations=coordinator_associations(request.user, event)
    )
    context = {"event": event, "network": event.network, "open": event.takes_staff_registrations(), "form": form}
    status = 200
    if request.method == "POST":
        if not context["open"]:
            context["refusal"] = _("Registration for this event is closed.")
            status = 409
        elif form.is_valid():
            try:
                registration = register_for_others(event=event, registered_by=request.user, **form.registration_data())
            except RegistrationClosed:
                context["refusal"] = _("Registration for this event is closed.")
                status = 409
            else:
                messages.success(request, _registered_message(registration))
                return redirect("events:register_others", slug=event.slug)
        else:
            status = 400
    context.update(seats_left=seats_left(event), waiting=event.registrations.waiting().count())
    return render(request, "events/register_others.html", context, status=status)


def _registered_message(registration):
    if registration.status == registration.Status.WAITING:
        return _(
            "%(name)s is on the waiting list: the event is full. Tell them; when seats come free for them, "
            "they move up and you get a mail."
        ) % {"name": registration.name}
    return _("%(name)s is registered. Tell them: they get no mail.") % {"name": registration.name}


@never_cache
@signed_in_required
@require_safe
def attendance(request, slug):
    """The attendance list to print for staff of the event's network: who comes, how many, what they need.

    On the site rather than in the admin: it is one page to print with the site's look and a
    print stylesheet, shared with the page to register others, and it reads the same per-object
    rule (events/permissions.py). Never cached; 403 for another network's event.
    """
    event = _staff_event(request, slug, can_see_registrations)
    if not event.has_form:
        raise Http404
    registrations = event.registrations.select_related("registered_by").order_by("name", "pk")
    own = coordinator_associations(request.user, event)
    if own is not None:  # a coordinator sees the people of their own associations only
        registrations = registrations.filter(association__in=own)
    confirmed = list(registrations.confirmed())
    context = {
        "event": event,
        "network": event.network,
        "confirmed": confirmed,
        "confirmed_people": sum(registration.people for registration in confirmed),
        "waiting": list(registrations.waiting()),
        "may_register_others": can_register_others(request.user, event),
    }
    return render(request, "events/attendance.html", context)
