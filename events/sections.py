"""The calendar's sections on home and theme pages (see core/home.py)."""

from django.urls import reverse

from core.home import register_home_section, register_theme_section
from events.models import Event

SECTION_SIZE = 4


def _upcoming(queryset):
    return list(queryset.published().upcoming().cards()[:SECTION_SIZE])


def upcoming_events(request, network):
    """The network's next events; the main network's home shows those of its regional networks too."""
    events = _upcoming(Event.objects.of_network(network))
    if events:
        more = reverse("events:list") + ("" if network.parent_id is None else f"?netwerk={network.slug}")
        return {"template": "events/section_upcoming.html", "events": events, "more_url": more}
    return None


def theme_events(request, theme):
    """The next events on this theme, of every network."""
    events = _upcoming(Event.objects.filter(themes=theme))
    if events:
        more = reverse("events:list") + f"?thema={theme.slug}"
        return {"template": "events/section_upcoming.html", "events": events, "more_url": more}
    return None


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(30, upcoming_events)
    register_theme_section(25, theme_events)
