"""An event's "when", its card in the calendar and its item in the year calendar.

A calendar page shows thirty cards, the year calendar a few hundred items. As a Django template
included per card (with a template tag for the dates) they were most of the page's time: a template
variable lookup for every field, the translation of the same labels, `reverse()` for every link,
Django's date formatting for every date and a model instance of every event and its network. Now
they are Jinja2 fragments (events/jinja2/events/, rendered by core/jinja.py, autoescaped) fed with
rows of Event.objects.cards() (named tuples, no model instances), and what never changes while the
process runs is worked out once and kept: the labels in the active language, the days in words,
the address of an event around its slug. The markup is the one the Django templates had, but for
quotes, which Jinja2 escapes as &#34; and &#39; (tests/events/test_cards.py).
"""

import functools
import re
import typing

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import jinja
from core.listing import slug_address
from events.models import EVENT_TIME_ZONE, Event, EventFormat, event_format

DATE_FORMATS = {"full": "l j F Y", "short": "l j F", "compact": "D j M"}


@functools.lru_cache(maxsize=4096)
def _day(day, date_format, language):
    """A date in words in the active `language` ("zaterdag 24 oktober 2026"), worked out once per process:
    the calendar shows the same few hundred days on every request."""
    return formats.date_format(day, date_format)


class Labels(typing.NamedTuple):
    """The texts of cards and dates in one language (attributes: Jinja2 reads them fastest)."""

    example: str
    and_online: str
    online: str
    days: tuple  # the text before, between and after the first and last day, and whether the start comes first
    moments: tuple


def _around(pattern):
    """("{start} tot {end}") -> ("", " tot ", "", True): the text around the start and the end, and their order."""
    before, first, between, _second, after = re.split(r"(\{start\}|\{end\})", pattern)
    return before, between, after, first == "{start}"


@functools.lru_cache(maxsize=8)
def _labels(language):
    """The texts of cards and dates in `language`, translated once per process."""
    return (
        {value: str(label) for value, label in Event.Status.choices},
        {value: str(label) for value, label in EventFormat.choices},
        Labels(
            example=_("Example data"),
            and_online=_("and online"),
            online=_("online"),
            days=_around(_("{start} up to and including {end}")),
            moments=_around(_("{start} to {end}")),
        ),
    )


class When(typing.NamedTuple):
    """What events/jinja2/events/when.html writes: <time> elements of the start and (if any) the end, with text
    before, between and after them."""

    start: str
    start_text: str
    end: str = ""
    end_text: str = ""
    before: str = ""
    between: str = ""
    after: str = ""


ONE_DAY_TIMES = " \u2013 "


def event_url(slug):
    """The address of the event with this slug, as Event.get_absolute_url() gives it, without reversing each time."""
    return slug_address("events:detail")(slug)


def moments(event, date_format, language, labels):
    """When `event` (an Event or a card row) happens, for events/jinja2/events/when.html: its start and, unless
    it is one whole day, its end, as ISO values and texts, and the text around them."""
    start_day = _day(event.start_date, date_format, language)
    last_date = event.end_date or event.start_date
    if event.start_time is None:
        if event.start_date == last_date:
            return When(event.start_date.isoformat(), start_day)
        start, start_text = event.start_date.isoformat(), start_day
        end, end_text = last_date.isoformat(), _day(last_date, date_format, language)
        around = labels.days
    else:
        start_moment = event.starts_at.astimezone(EVENT_TIME_ZONE)
        end_moment = event.ends_at.astimezone(EVENT_TIME_ZONE)
        start, start_text = start_moment.isoformat(), f"{start_day}, {start_moment:%H:%M}"
        end = end_moment.isoformat()
        if event.start_date == last_date:
            return When(start, start_text, end, f"{end_moment:%H:%M}", between=ONE_DAY_TIMES)
        end_text = f"{_day(last_date, date_format, language)}, {end_moment:%H:%M}"
        around = labels.moments
    before, between, after, start_first = around
    if start_first:
        return When(start, start_text, end, end_text, before, between, after)
    return When(end, end_text, start, start_text, before, between, after)


def when(event, style="full"):
    """ "zaterdag 24 oktober 2026, 20:00 - 22:00", "... 20:00 tot zondag 25 oktober 2026, 10:00", or dates only,
    with <time> elements, in Brussels time."""
    language = get_language()
    labels = _labels(language)[2]
    return jinja.render("events/when.html", {"w": moments(event, DATE_FORMATS[style], language, labels)})


def _list_context(events, style):
    language = get_language()
    statuses, formats_, labels = _labels(language)
    date_format = DATE_FORMATS[style]
    address = slug_address("events:detail")
    return {
        "events": events,
        "statuses": statuses,
        "formats": formats_,
        "labels": labels,
        "scheduled": Event.Status.SCHEDULED.value,
        "cancelled": Event.Status.CANCELLED.value,
        "url": address,
        "moments": lambda event: moments(event, date_format, language, labels),
        "format_of": event_format,
    }


def cards(events, style="short"):
    """The <li> cards of `events` (rows of Event.objects.cards()), as one piece of HTML."""
    return jinja.render("events/cards.html", _list_context(events, style))


def year_items(events):
    """The <li> items of `events` (rows of Event.objects.cards()) in a month of the year calendar."""
    return jinja.render("events/year_items.html", _list_context(events, "compact"))
