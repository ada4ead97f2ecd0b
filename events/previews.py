"""The preview of an event (core/previews.py): its public page, unpublished events included."""

from core import previews
from events.models import Event
from events.views import detail_events, render_event


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(Event, render_event, queryset=detail_events, published=Event.objects.published)
