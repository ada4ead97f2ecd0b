"""An event's "when" and its card in the calendar, as HTML built in Python.

A calendar page shows thirty cards. As a Django template included per card (with a template
tag for the dates) they were most of the page's time: a template variable lookup for every
field, the translation of the same labels, `reverse()` for every link and Django's date
formatting for every date. Here each card is one string format: what never changes while
the process runs (the labels in the active language, the days in words, the address of an
event without its slug) is worked out once and kept; per card only the event's own fields
are escaped and joined. The markup is the one the template had, to the byte
(tests/events/test_cards.py pins it).
"""

import functools
import re
from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.models import EVENT_TIME_ZONE, Event, EventFormat, event_format

SCHEDULED, CANCELLED = Event.Status.SCHEDULED.value, Event.Status.CANCELLED.value
DATE_FORMATS = {"full": "l j F Y", "short": "l j F", "compact": "D j M"}

# A slug Django's SlugField accepts: the address is the prefix and the slug, nothing to quote.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_MARK = "slug-of-the-event"

CARD = (
    '<li class="card event-card{cancelled}">\n'
    '  <h3><a href="{url}">{title}</a></h3>\n'
    "  {status}\n"
    '  <p class="event-card__when">{when}</p>\n'
    '  <p class="muted">{format}{municipality} · {network}</p>\n'
    "  {example}\n"
    "  <p>{intro}</p>\n"
    "</li>\n"
)


YEAR_ITEM = (
    "\n        <li{cancelled}>\n"
    '          <span class="year-events__when">{when}</span>\n'
    '          <a href="{url}">{title}</a>\n'
    '          <span class="year-events__meta">{status}{network} · {place}</span>\n'
    "        </li>\n        "
)


@functools.lru_cache(maxsize=4096)
def _day(day, date_format, language):
    """A date in words in the active `language` ("zaterdag 24 oktober 2026"), escaped for HTML, worked out once
    per process: the calendar shows the same few hundred days on every request."""
    return escape(formats.date_format(day, date_format))


@functools.lru_cache(maxsize=8)
def _labels(language):
    """The texts of cards and dates in `language`, translated once per process."""
    return {
        "status": {value: escape(str(label)) for value, label in Event.Status.choices},
        "format": {value: escape(str(label)) for value, label in EventFormat.choices},
        "example": escape(_("Example data")),
        "and_online": escape(_("and online")),
        "online": escape(_("online")),
        "days": _("{start} up to and including {end}"),
        "moments": _("{start} to {end}"),
    }


@functools.lru_cache(maxsize=16)
def _detail_address(urlconf, script_prefix):
    """An event's address as (before, after) its slug, reversed once per URL configuration and prefix."""
    return tuple(reverse("events:detail", kwargs={"slug": SLUG_MARK}).split(SLUG_MARK))


def _address():
    return _detail_address(get_urlconf(settings.ROOT_URLCONF), get_script_prefix())


def event_url(slug, address=None):
    """The address of the event with this slug, as Event.get_absolute_url() gives it, without reversing each time;
    `address`: _address() for the current request, when the caller has it already."""
    if not PLAIN_SLUG.fullmatch(slug):
        return reverse("events:detail", kwargs={"slug": slug})
    before, after = address or _address()
    return f"{before}{slug}{after}"


def _time(value, text):
    return f'<time datetime="{value.isoformat()}">{text}</time>'


def _when(event, date_format, language, labels):
    start_day = _day(event.start_date, date_format, language)
    last_date = event.end_date or event.start_date
    one_day = event.start_date == last_date
    if event.start_time is None:
        if one_day:
            return _time(event.start_date, start_day)
        end_day = _day(last_date, date_format, language)
        return labels["days"].format(start=_time(event.start_date, start_day), end=_time(last_date, end_day))
    start, end = event.starts_at.astimezone(EVENT_TIME_ZONE), event.ends_at.astimezone(EVENT_TIME_ZONE)
    start_text = f"{start_day}, {start:%H:%M}"
    if one_day:
        return f"{_time(start, start_text)} \u2013 {_time(end, f'{end:%H:%M}')}"
    end_text = f"{_day(last_date, date_format, language)}, {end:%H:%M}"
    return labels["moments"].format(start=_time(start, start_text), end=_time(end, end_text))


def when(event, style="full"):
    """ "zaterdag 24 oktober 2026, 20:00 - 22:00", "... 20:00 tot zondag 25 oktober 2026, 10:00", or dates only,
    with <time> elements, in Brussels time."""
    language = get_language()
    return SafeString(_when(event, DATE_FORMATS[style], language, _labels(language)))


def cards(events, style="short"):
    """The <li> cards of `events` (rows of Event.objects.cards()), as one piece of HTML."""
    language = get_language()
    labels = _labels(language)
    date_format = DATE_FORMATS[style]
    statuses, formats_ = labels["status"], labels["format"]
    address = _address()
    parts = []
    for event in events:
        status = event.status
        status_line = (
            "" if status == SCHEDULED else f'<p class="event-status">{statuses.get(status) or escape(status)}</p>'
        )
        municipality = event.municipality
        parts.append(
            CARD.format(
                cancelled=" event-card--cancelled" if status == CANCELLED else "",
                url=escape(event_url(event.slug, address)),
                title=escape(event.title),
                status=status_line,
                when=_when(event, date_format, language, labels),
                format=formats_[event_format(event.place_name, event.online_url)],
                municipality=f" · {escape(municipality)}" if municipality else "",
                network=escape(event.network_short_name),
                example=f'<p class="example-mark">{labels["example"]}</p>' if event.is_example else "",
                intro=escape(event.intro),
            )
        )
    return SafeString("".join(parts))


def year_items(events):
    """The <li> items of `events` (rows of Event.objects.cards()) in a month of the year calendar."""
    language = get_language()
    labels = _labels(language)
    date_format = DATE_FORMATS["compact"]
    statuses = labels["status"]
    address = _address()
    parts = []
    for event in events:
        status, municipality = event.status, event.municipality
        if not municipality:
            place = labels["online"]
        elif event.online_url:
            place = f"{escape(municipality)} {labels['and_online']}"
        else:
            place = escape(municipality)
        parts.append(
            YEAR_ITEM.format(
                cancelled=' class="year-events--cancelled"' if status == CANCELLED else "",
                when=_when(event, date_format, language, labels),
                url=escape(event_url(event.slug, address)),
                title=escape(event.title),
                status="" if status == SCHEDULED else f"<strong>{statuses.get(status) or escape(status)}</strong> · ",
                network=escape(event.network_short_name),
                place=place,
            )
        )
    return SafeString("".join(parts))
