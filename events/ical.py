"""The calendar as iCalendar (RFC 5545), built with the icalendar library.

Timed events carry their Brussels wall-clock time with TZID=Europe/Brussels and a
VTIMEZONE describing that zone for the years the events span, so a calendar app shows
the right hour on both sides of a daylight-saving change. All-day events are DATE
values with an exclusive DTEND (the day after the last day). Cancelled events stay in
the feed with STATUS:CANCELLED, so subscribed calendars take them out.
"""

import datetime
import html
import re

import icalendar
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from events.models import EVENT_TIME_ZONE, Event

PRODID = "-//Netwerk tegen Armoede//Agenda//NL"
STATUS = {
    Event.Status.SCHEDULED: "CONFIRMED",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CANCELLED: "CANCELLED",
}
REFRESH = datetime.timedelta(hours=6)
BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote)>|<br\s*/?>")


def _plain(rich_text):
    """Rich text as plain lines: one per paragraph, heading or list item."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", rich_text or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def summary(event):
    if event.is_cancelled:
        return _("Cancelled: %(title)s") % {"title": event.title}
    if event.is_postponed:
        return _("Postponed: %(title)s") % {"title": event.title}
    return event.title


def description(event, url):
    parts = []
    if event.status != Event.Status.SCHEDULED:
        parts.append(f"{event.get_status_display()}: {event.status_reason}")
    parts.append(event.intro)
    text = _plain(event.description)
    if text:
        parts.append(text)
    if event.audience:
        parts.append(_("For whom: %(audience)s") % {"audience": event.audience})
    if event.online_url:
        parts.append(_("Take part online: %(link)s") % {"link": event.online_url})
    parts.append(_("More information and registration: %(link)s") % {"link": url})
    return "\n\n".join(parts)


def vevent(event, url):
    """One event as a VEVENT; `url` is the absolute address of its page."""
    component = icalendar.Event()
    component.add("uid", str(event.uid))
    component.add("dtstamp", event.updated_at.astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    if event.all_day:
        component.add("dtstart", event.start_date)
        component.add("dtend", event.last_date + datetime.timedelta(days=1))
    else:
        component.add("dtstart", event.starts_at.astimezone(EVENT_TIME_ZONE))
        component.add("dtend", event.ends_at.astimezone(EVENT_TIME_ZONE))
    component.add("summary", summary(event))
    component.add("description", description(event, url))
    component.add("url", url)
    if event.is_physical:
        component.add("location", event.location_line)
    elif event.is_online:
        component.add("location", event.online_url)
    if event.is_online:
        component.add(
            "conference", event.online_url, parameters={"value": "URI", "feature": "VIDEO", "label": _("Online")}
        )
    component.add("status", STATUS[event.status])
    component.add("transp", "OPAQUE")
    component.add("class", "PUBLIC")
    organizer = icalendar.vCalAddress(f"mailto:{event.network.email}" if event.network.email else url)
    organizer.params["cn"] = event.network.name
    component.add("organizer", organizer)
    themes = [theme.name for theme in event.themes.all()]
    if themes:
        component.add("categories", themes)
    return component


def calendar(events, *, name, absolute_url):
    """The iCalendar bytes of `events`; `absolute_url(event)` gives an event page's full address."""
    feed = icalendar.Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", PRODID)
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    feed.add("name", name)
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    feed.add("refresh-interval", REFRESH, parameters={"value": "DURATION"})
    # An RFC 5545 duration (PT6H): added as a plain timedelta the library writes Python's "6:00:00".
    feed.add("x-published-ttl", icalendar.vDuration(REFRESH))
    years = []
    for event in events:
        feed.add_component(vevent(event, absolute_url(event)))
        if not event.all_day:
            years += [event.start_date.year, event.last_date.year]
    if years:
        # The zone's rules for the years the timed events span, not for 1970-2038.
        feed.add_missing_timezones(
            first_date=datetime.date(min(years), 1, 1), last_date=datetime.date(max(years) + 1, 1, 1)
        )
    return feed.to_ical()
