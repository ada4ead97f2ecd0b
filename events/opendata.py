"""The calendar as open data: the published events that have not ended, as JSON beside the iCal feed.

The fields are documented in schemas/agenda.schema.json (served at /agenda/open-data.schema.json and
explained on /agenda/open-data/). Only what the event pages publish: never registrations, seats or needs.
"""

from pathlib import Path

from django.urls import reverse

from events.models import EVENT_TIME_ZONE, Event

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "agenda.schema.json"


def registration_url(request, event):
    if event.registration_mode == Event.RegistrationMode.EXTERNAL:
        return event.registration_url
    if event.registration_mode == Event.RegistrationMode.FORM:
        return request.build_absolute_uri(reverse("events:register", kwargs={"slug": event.slug}))
    return ""


def record(request, event):
    """One event as the schema describes it."""
    network, parent = event.network, event.network.parent
    themes = sorted(event.themes.all(), key=lambda theme: (theme.name, theme.pk))
    closes_at = event.registration_closes_at
    return {
        "uid": str(event.uid),
        "slug": event.slug,
        "title": event.title,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "ics_url": request.build_absolute_uri(reverse("events:ics", kwargs={"slug": event.slug})),
        "intro": event.intro,
        "audience": event.audience,
        "is_example": event.is_example,
        "status": event.status,
        "status_reason": event.status_reason,
        "all_day": event.all_day,
        "starts_at": event.starts_at.astimezone(EVENT_TIME_ZONE).isoformat(),
        "ends_at": event.ends_at.astimezone(EVENT_TIME_ZONE).isoformat(),
        "start_date": event.start_date.isoformat(),
        "end_date": event.last_date.isoformat(),
        "format": str(event.format),
        "place_name": event.place_name,
        "street_address": event.street_address,
        "postcode": event.postcode,
        "municipality": event.municipality,
        "online_url": event.online_url,
        "network": network.name,
        "network_slug": network.slug,
        "parent_network": parent.name if parent else None,
        "parent_network_slug": parent.slug if parent else None,
        "themes": [theme.name for theme in themes],
        "theme_slugs": [theme.slug for theme in themes],
        "wheelchair_accessible": event.wheelchair_accessible,
        "childcare": event.childcare,
        "travel_costs_refunded": event.travel_costs_refunded,
        "access_notes": event.access_notes,
        "registration": event.registration_mode,
        "registration_url": registration_url(request, event),
        "registration_closes_at": closes_at.astimezone(EVENT_TIME_ZONE).isoformat() if closes_at else None,
        "updated_at": event.updated_at.astimezone(EVENT_TIME_ZONE).isoformat(),
    }
