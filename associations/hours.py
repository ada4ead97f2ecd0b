"""Opening hours as visitors read them: "Vandaag open tot 16 u" on a card, the week on a profile, and
schema.org's openingHoursSpecification for search engines.

What a card says depends on the moment, taken in the site's time zone (Europe/Brussels) when the
page is built. The page cache (core/pagecache.py) keeps a page PAGE_CACHE_SECONDS (5 minutes; a CDN
PAGE_CACHE_CDN_SECONDS more), so around an opening or closing time, and at midnight, a card may be
that many minutes behind: "open tot 16 u" can still show at 16.03. That bound is accepted rather
than keeping such pages out of the cache.
"""

import datetime

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from associations.holidays import public_holiday, public_holidays_between
from associations.models import Closure, OpeningHours

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Public holidays announced in the JSON-LD: the year ahead.
HOLIDAYS_AHEAD = datetime.timedelta(days=365)


def clock(moment):
    """A time as Belgians write it: "9.30", and "16" on the hour."""
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}.{moment.minute:02d}"


def at_time(moment):
    """ "16 u" """
    return _("%(time)s h") % {"time": clock(moment)}


def span(opens, closes):
    """ "9.30-12 u", with an en dash."""
    return f"{clock(opens)}\u2013{at_time(closes)}"


def upcoming_closures(day):
    """Prefetch of an association's closures not over on `day`, as `association.upcoming_closures`."""
    return Prefetch("closures", queryset=Closure.objects.not_over(day), to_attr="upcoming_closures")


def _closed_because(closures, closed_on_public_holidays, day):
    """(closed, reason) on `day`: one of the `closures` (starts_on, ends_on, reason), or a public holiday."""
    for starts_on, ends_on, reason in closures:
        if starts_on <= day <= ends_on:
            return True, reason
    holiday = public_holiday(day) if closed_on_public_holidays else None
    return (True, str(holiday)) if holiday else (False, "")


def merged_spans(spans):
    """A day's (opens, closes) spans in order, overlapping or touching ones (two places) joined."""
    merged = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def today_text(association, now):
    """What a card says about today at `now` (aware): "" for an association without opening hours."""
    rows = [(row.weekday, row.opens, row.closes) for row in association.opening_hours.all()]
    closures = [(closure.starts_on, closure.ends_on, closure.reason) for closure in association.upcoming_closures]
    return _today_text(rows, closures, association.closed_on_public_holidays, timezone.localtime(now))


def _today_text(rows, closures, closed_on_public_holidays, now):
    """`rows`: (weekday, opens, closes) of the whole week; `closures`: (starts_on, ends_on, reason)."""
    if not rows:
        return ""
    closed, reason = _closed_because(closures, closed_on_public_holidays, now.date())
    if closed:
        return _("Closed today: %(reason)s") % {"reason": reason} if reason else _("Closed today")
    moment = now.time()
    for opens, closes in merged_spans((opens, closes) for weekday, opens, closes in rows if weekday == now.weekday()):
        if opens <= moment < closes:
            return _("Open today until %(time)s") % {"time": at_time(closes)}
        if moment < opens:
            return _("Open today from %(time)s") % {"time": at_time(opens)}
    return _("Closed today")


def show_today(associations, now=None):
    """Give each association (or card) of a page its `open_today` text.

    One query whatever the number of cards: the week's opening hours (a card needs to know whether
    there are any, and today's) and the reasons of the closures covering today, as plain rows in one
    statement. Model instances and prefetching cost a list page more than the rest of its cards
    together; two querysets of tuples still cost 1.1 ms of CPU per page (the ORM building the SQL),
    the statement written out 0.07 ms."""
    now = timezone.localtime(now)
    today = now.date()
    rows, closures = {}, {}
    for association_id, weekday, opens, closes, reason, starts_on, closure_id in _week_and_closures(
        [association.pk for association in associations], today
    ):
        if weekday is None:
            closures.setdefault(association_id, []).append((starts_on, closure_id, reason))
        else:
            rows.setdefault(association_id, []).append((weekday, _time(opens), _time(closes)))
    for association in associations:
        covering = [(today, today, reason) for _start, _id, reason in sorted(closures.get(association.pk, []))]
        association.open_today = _today_text(
            rows.get(association.pk, []), covering, association.closed_on_public_holidays, now
        )
    return associations


def _week_and_closures(ids, today):
    """(association id, weekday, opens, closes, None, None, None) per opening hour of the associations `ids`, and
    (association id, None, None, None, reason, starts_on, id) per closure of theirs covering `today`."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    hours_table, closures_table = (
        connection.ops.quote_name(model._meta.db_table) for model in (OpeningHours, Closure)
    )
    # Only placeholders and the models' own table names go into the text; the values are parameters.
    sql = (
        f"SELECT association_id, weekday, opens, closes, NULL, NULL, NULL FROM {hours_table} "  # noqa: S608
        f"WHERE association_id IN ({marks}) "
        "UNION ALL "
        f"SELECT association_id, NULL, NULL, NULL, reason, starts_on, id FROM {closures_table} "
        f"WHERE association_id IN ({marks}) AND starts_on <= %s AND ends_on >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, today.isoformat(), today.isoformat()])
        return cursor.fetchall()


def _time(value):
    """A time column read without the ORM: SQLite gives it as text."""
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)


def week(association):
    """The rows of the week for the profile's table, each with its day's name and its hours as text."""
    return [
        {"day": WEEKDAYS[row.weekday], "hours": span(row.opens, row.closes), "what": row.what, "place": row.place}
        for row in association.opening_hours.all()
    ]


def closures_text(association):
    """The closures not over yet, as sentences."""
    lines = []
    for closure in association.upcoming_closures:
        dates = {"first": date_format(closure.starts_on, "j F Y"), "last": date_format(closure.ends_on, "j F Y")}
        if closure.starts_on == closure.ends_on:
            line = _("Closed on %(first)s") % dates
        else:
            line = _("Closed from %(first)s to %(last)s") % dates
        lines.append(f"{line}: {closure.reason}" if closure.reason else line)
    return lines


def json_ld_places(association, today, own_place):
    """schema.org Places with the weekly hours, and their exceptions as specialOpeningHoursSpecification.

    An Organization has no opening hours in schema.org, a Place has: the association's `location` is
    `own_place` (its address) for rows without a place, and a Place named after each other place.
    """
    by_place = {}
    for row in association.opening_hours.all():
        by_place.setdefault(" ".join(row.place.split()), []).append(
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[row.weekday]}",
                "opens": f"{row.opens:%H:%M}",
                "closes": f"{row.closes:%H:%M}",
            }
        )
    special = _closed_days_json_ld(association, today)
    places = []
    # The association's own address first, then the other places in the order of their first row.
    for name, specifications in sorted(by_place.items(), key=lambda item: item[0] != ""):
        place = {
            **(own_place if not name else {"@type": "Place", "name": name}),
            "openingHoursSpecification": specifications,
        }
        if special:
            place["specialOpeningHoursSpecification"] = special
        places.append(place)
    return places


def _closed_days_json_ld(association, today):
    """Closed all day, as schema.org writes it: opens and closes both at 00:00 from validFrom to validThrough."""
    closed = [(closure.starts_on, closure.ends_on, closure.reason) for closure in association.upcoming_closures]
    if association.closed_on_public_holidays:
        holidays = public_holidays_between(today, today + HOLIDAYS_AHEAD)
        closed += [(day, day, str(name)) for day, name in holidays]
    specifications = []
    for first, last, reason in sorted(closed, key=lambda closure: closure[:2]):
        specification = {
            "@type": "OpeningHoursSpecification",
            "validFrom": first.isoformat(),
            "validThrough": last.isoformat(),
            "opens": "00:00",
            "closes": "00:00",
        }
        if reason:
            specification["name"] = reason
        specifications.append(specification)
    return specifications
