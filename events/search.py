"""The calendar in the site search (see core/search.py)."""

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.search import Result, register_kind
from events.models import Event

# get_status_display() makes the field's choices hashable on every call.
STATUS_LABELS = dict(Event.Status.choices)


def describe(event):
    meta = [event.network.short_name, formats.date_format(event.start_date, "DATE_FORMAT")]
    if event.municipality:
        meta.append(event.municipality)
    if event.status != Event.Status.SCHEDULED:
        meta.append(str(STATUS_LABELS.get(event.status, event.status)))
    return Result(event.title, event.get_absolute_url(), tuple(meta))


def register():
    """Called by the app's AppConfig.ready()."""
    register_kind(
        "agenda",
        label=_("Calendar"),
        queryset=lambda: Event.objects.published().select_related("network"),
        fields={"A": ["title"], "B": ["intro", "place_name", "municipality"], "C": ["description", "audience"]},
        describe=describe,
        snippet_fields=["intro", "description"],
        position=30,
        stored=True,
        columns=["title", "slug", "start_date", "municipality", "status", "network__short_name"],
    )
