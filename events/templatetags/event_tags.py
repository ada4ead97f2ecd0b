"""When an event happens, as text with <time> elements, in Brussels time."""

import functools

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

DATE_FORMATS = {"full": "l j F Y", "short": "l j F", "compact": "D j M"}


@functools.lru_cache(maxsize=4096)
def _day(day, date_format, language):
    """A date in words in the active `language` ("zaterdag 24 oktober 2026"), worked out once per process:
    the calendar shows the same few dozen days on every request, and Django's date formatting is
    a good part of what a calendar page costs."""
    return formats.date_format(day, date_format)


def _time(value, text):
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)


@register.simple_tag
def event_when(event, style="full"):
    """ "zaterdag 24 oktober 2026, 20:00 - 22:00", "... 20:00 tot zondag 25 oktober 2026, 10:00", or dates only."""
    date_format = DATE_FORMATS[style]
    language = get_language()
    start_day = _day(event.start_date, date_format, language)
    end_day = _day(event.last_date, date_format, language)
    one_day = event.start_date == event.last_date
    if event.all_day:
        if one_day:
            return _time(event.start_date, start_day)
        return format_html(
            _("{start} up to and including {end}"),
            start=_time(event.start_date, start_day),
            end=_time(event.last_date, end_day),
        )
    start, end = event.local_start, event.local_end
    start_text = f"{start_day}, {formats.time_format(start, 'H:i')}"
    if one_day:
        return format_html("{} \u2013 {}", _time(start, start_text), _time(end, formats.time_format(end, "H:i")))
    end_text = f"{end_day}, {formats.time_format(end, 'H:i')}"
    return format_html(_("{start} to {end}"), start=_time(start, start_text), end=_time(end, end_text))
