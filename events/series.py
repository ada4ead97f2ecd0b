"""Repeating events: the first event of a series holds the rule, and each later date becomes a real
event of its own.

Real rows rather than dates computed on the fly: every date then has its own page, seats,
waiting list, registrations, reminders and attendance list, and the list, the iCal feeds (one
VEVENT per date), the sitemap and search show it without knowing about series. The price is that
the dates exist only as far ahead as SERIES_HORIZON; running `sync_series` again (the admin's
save or its action "Create or update the series") makes the dates that came within reach.

`sync_series` is idempotent. It never touches a date that has begun or that has registrations:
the first event's changes (its text, place, times, rule) reach the future dates without
registrations, which are updated, made or removed to match the rule; a date with registrations
stays as it is (staff cancel it through its status, which tells the people registered).
"""

import datetime
from dataclasses import dataclass, field

from dateutil.rrule import MONTHLY, WEEKLY, rrule, rruleset, weekday
from django.db import transaction
from django.utils import timezone

from events.models import EVENT_TIME_ZONE, Event, Repeat

# How far ahead the dates of a series are made.
SERIES_HORIZON = datetime.timedelta(days=365)
# What each date takes over from the first event. Not its own: the slug, the dates and moments, the
# status and its reason, the report, and the rule.
COPIED_FIELDS = [
    "network",
    "title",
    "published",
    "intro",
    "description",
    "audience",
    "start_time",
    "end_time",
    "place_name",
    "street_address",
    "postcode",
    "municipality",
    "online_url",
    "wheelchair_accessible",
    "childcare",
    "travel_costs_refunded",
    "access_notes",
    "registration_mode",
    "registration_url",
    "capacity",
    "asks_transport",
    "asks_childcare",
    "asks_diet",
    "asks_accessibility",
    "is_example",
]


@dataclass
class SeriesResult:
    """What a run did, by date."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    # Future dates left as they are because people registered for them.
    kept: list = field(default_factory=list)
    # Dates whose times do not exist in Brussels (the night the clocks go forward).
    impossible: list = field(default_factory=list)


def _midnight(date):
    return datetime.datetime.combine(date, datetime.time(0))


def _rule(event):
    """The dateutil rule of the event's series, from its first date."""
    start = event.start_date
    options = {"dtstart": _midnight(start), "interval": event.repeat_interval}
    if event.repeat_count:
        options["count"] = event.repeat_count
    elif event.repeat_until:
        options["until"] = _midnight(event.repeat_until)
    if event.repeat == Repeat.WEEKLY:
        return rrule(WEEKLY, **options)
    if event.repeat == Repeat.MONTHLY_DATE:
        return rrule(MONTHLY, bymonthday=start.day, **options)
    # The nth weekday of the month; a 5th one is not in every month, so it reads as the last.
    nth = (start.day - 1) // 7 + 1
    return rrule(MONTHLY, byweekday=weekday(start.weekday(), -1 if nth == 5 else nth), **options)


def series_dates(event, today):
    """The dates of the series after its first one, up to `today` + SERIES_HORIZON, skipped dates left out.

    As in iCalendar (RRULE with EXDATE), a count counts the skipped dates too.
    """
    if not event.repeat:
        return []
    dates = rruleset()
    dates.rrule(_rule(event))
    for skipped in event.skip_dates:
        dates.exdate(_midnight(skipped))
    horizon = _midnight(today + SERIES_HORIZON)
    return [moment.date() for moment in dates.between(_midnight(event.start_date), horizon, inc=True)][1:]


def _slug(origin, date, occurrence):
    """The first event's slug with the date: "praatcafe-2026-11-10"; a number added if another event has it."""
    base = f"{origin.slug[: 200 - 14]}-{date.isoformat()}"
    slug, number = base, 1
    while Event.objects.filter(slug=slug).exclude(pk=occurrence.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _copy(origin, occurrence, date):
    """Make `occurrence` the first event moved to `date`; its start, or None when its times do not exist then."""
    for name in COPIED_FIELDS:
        setattr(occurrence, name, getattr(origin, name))
    occurrence.start_date = date
    occurrence.end_date = date + (origin.last_date - origin.start_date)
    starts_at, ends_at = occurrence._moments()
    if starts_at is None or ends_at is None:
        return None
    occurrence.registration_closes_at = None
    if origin.registration_closes_at is not None:
        occurrence.registration_closes_at = starts_at - (origin.starts_at - origin.registration_closes_at)
    occurrence.series = origin
    occurrence.slug = _slug(origin, date, occurrence)
    return starts_at


@transaction.atomic
def sync_series(origin, now=None):
    """Bring the future dates of `origin`'s series in line with it and its rule (see the module's docstring)."""
    now = now or timezone.now()
    result = SeriesResult()
    wanted = set(series_dates(origin, now.astimezone(EVENT_TIME_ZONE).date()))
    # Dates that have begun are history: never made again, never changed.
    wanted -= set(origin.occurrences.filter(starts_at__lte=now).values_list("start_date", flat=True))
    existing = {}
    for occurrence in origin.occurrences.filter(starts_at__gt=now).select_for_update().order_by("starts_at", "pk"):
        if occurrence.registrations.exists():
            result.kept.append(occurrence.start_date)
            wanted.discard(occurrence.start_date)
        elif occurrence.start_date in wanted and occurrence.start_date not in existing:
            existing[occurrence.start_date] = occurrence
        else:
            result.removed.append(occurrence.start_date)
            occurrence.delete()
    themes = list(origin.themes.all())
    for date in sorted(wanted):
        occurrence = existing.get(date) or Event()
        is_new = occurrence.pk is None
        starts_at = _copy(origin, occurrence, date)
        if starts_at is None or starts_at <= now:
            if starts_at is None:
                result.impossible.append(date)
            if not is_new:
                result.removed.append(date)
                occurrence.delete()
            continue
        occurrence.save()
        occurrence.themes.set(themes)
        (result.created if is_new else result.updated).append(date)
    return result
