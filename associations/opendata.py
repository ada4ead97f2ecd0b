"""The associations as open data: one record per active association, the same for JSON and CSV.

The fields are documented in schemas/open-data.schema.json (served at /verenigingen/open-data.schema.json
and explained on /verenigingen/open-data/). Only what the profiles publish: the contact person's name
stays out (the association's own address, phone and mail are its public contact), and so do inactive
associations and volunteers' proposals that wait for review.
"""

from pathlib import Path

from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR

from associations.hours import upcoming_closures
from associations.models import Association

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "open-data.schema.json"
FIELDS = [
    "slug",
    "name",
    "url",
    "intro",
    "is_example",
    "street_address",
    "postcode",
    "municipality",
    "province",
    "province_label",
    "latitude",
    "longitude",
    "coordinates_source",
    "phone",
    "email",
    "website",
    "facebook",
    "instagram",
    "network",
    "network_slug",
    "parent_network",
    "parent_network_slug",
    "themes",
    "theme_slugs",
    "opening_hours",
    "closed_on_public_holidays",
    "closures",
    "activities",
    "updated_at",
]
# Separates the entries of a list in one CSV cell; "|" rarely occurs in the texts themselves.
ENTRY_SEPARATOR = " | "


def associations(day):
    """The active associations with everything a record shows, in a fixed number of queries."""
    return (
        Association.objects.active()
        .select_related("network__parent")
        .prefetch_related("themes", "opening_hours", "activities", upcoming_closures(day))
        .order_by("name", "pk")
    )


def coordinate(value):
    return None if value is None else float(value)


def coordinates_source(association):
    if association.latitude is None or association.longitude is None:
        return None
    return "redactie" if association.coordinates_by_editor else "postcode"


def record(request, association):
    """One association as the schema describes it."""
    network, parent = association.network, association.network.parent
    themes = sorted(association.themes.all(), key=lambda theme: (theme.name, theme.pk))
    return {
        "slug": association.slug,
        "name": association.name,
        "url": request.build_absolute_uri(association.get_absolute_url()),
        "intro": association.intro,
        "is_example": association.is_example,
        "street_address": association.street_address,
        "postcode": association.postcode,
        "municipality": association.municipality,
        "province": association.province,
        "province_label": str(association.province_label),
        "latitude": coordinate(association.latitude),
        "longitude": coordinate(association.longitude),
        "coordinates_source": coordinates_source(association),
        "phone": association.phone,
        "email": association.email,
        "website": association.website,
        "facebook": association.facebook_url,
        "instagram": association.instagram_url,
        "network": network.name,
        "network_slug": network.slug,
        "parent_network": parent.name if parent else None,
        "parent_network_slug": parent.slug if parent else None,
        "themes": [theme.name for theme in themes],
        "theme_slugs": [theme.slug for theme in themes],
        "opening_hours": [
            {
                "weekday": row.weekday + 1,
                "day": str(WEEKDAYS[row.weekday]),
                "opens": f"{row.opens:%H:%M}",
                "closes": f"{row.closes:%H:%M}",
                "what": row.what,
                "place": row.place,
            }
            for row in association.opening_hours.all()
        ],
        "closed_on_public_holidays": association.closed_on_public_holidays,
        "closures": [
            {"from": closure.starts_on.isoformat(), "until": closure.ends_on.isoformat(), "reason": closure.reason}
            for closure in association.upcoming_closures
        ],
        "activities": [
            {"what": activity.what, "when": activity.when, "where": activity.where}
            for activity in association.activities.all()
        ],
        "updated_at": timezone.localtime(association.updated_at).isoformat(),
    }


def rows(request, day):
    """Every active association as a record, by name."""
    return [record(request, association) for association in associations(day)]


def hours_text(entry):
    """ "di 09:30-12:00 soep en babbel [Parochiezaal]" """
    text = f"{WEEKDAYS_ABBR[entry['weekday'] - 1]} {entry['opens']}-{entry['closes']}"
    if entry["what"]:
        text += f" {entry['what']}"
    if entry["place"]:
        text += f" [{entry['place']}]"
    return text


def closure_text(entry):
    """ "2026-12-24/2027-01-01 kerstvakantie" (an ISO 8601 interval of days)."""
    return f"{entry['from']}/{entry['until']} {entry['reason']}".strip()


def activity_text(entry):
    """ "Praatgroep (elke dinsdag; Ontmoetingsruimte)" """
    details = "; ".join(part for part in [entry["when"], entry["where"]] if part)
    return f"{entry['what']} ({details})" if details else entry["what"]


CSV_CELLS = {
    "themes": lambda values: ";".join(values),
    "theme_slugs": lambda values: ";".join(values),
    "opening_hours": lambda entries: ENTRY_SEPARATOR.join(hours_text(entry) for entry in entries),
    "closures": lambda entries: ENTRY_SEPARATOR.join(closure_text(entry) for entry in entries),
    "activities": lambda entries: ENTRY_SEPARATOR.join(activity_text(entry) for entry in entries),
    "is_example": lambda value: "true" if value else "false",
    "closed_on_public_holidays": lambda value: "true" if value else "false",
}


def csv_row(record):
    """A record as the cells of one CSV row, in the order of FIELDS; lists in one readable cell each."""
    return [CSV_CELLS[field](record[field]) if field in CSV_CELLS else record[field] for field in FIELDS]
