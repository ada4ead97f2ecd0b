"""When an event happens, and the cards of a list of events (events/cards.py)."""

from django import template

from events import cards

register = template.Library()


@register.simple_tag
def event_when(event, style="full"):
    """ "zaterdag 24 oktober 2026, 20:00 - 22:00", "... 20:00 tot zondag 25 oktober 2026, 10:00", or dates only."""
    return cards.when(event, style)


@register.simple_tag
def event_cards(events, style="short"):
    """The <li> cards of `events` (fetched with Event.objects.cards()), for inside a <ul class="event-list">."""
    return cards.cards(events, style)


@register.simple_tag
def event_year_items(events):
    """The <li> items of `events` (fetched with Event.objects.cards()), for a month of the year calendar."""
    return cards.year_items(events)
