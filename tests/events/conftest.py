import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext, ngettext

from events.models import Event
from network.models import Theme
from tests.network.test_permissions import make_network

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# A Thursday in summer time, three weeks before the clocks go back (25 October 2026).
NOW = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=BRUSSELS)


def nl(message):
    """A UI text as the Dutch visitor reads it (the English msgid until the catalog has it)."""
    with translation.override("nl"):
        return gettext(message)


def nl_plural(singular, plural, count):
    with translation.override("nl"):
        return ngettext(singular, plural, count) % {"counter": count}


def make_event(network, slug, *, days=10, themes=(), **fields):
    """A published physical event `days` after NOW, 14:00-16:00 Brussels time, unless `fields` say otherwise."""
    start = (NOW + datetime.timedelta(days=days)).date()
    values = {
        "title": f"Activiteit {slug}",
        "intro": f"Inleiding {slug}",
        "description": "<p>Beschrijving</p>",
        "start_date": start,
        "start_time": datetime.time(14, 0),
        "end_time": datetime.time(16, 0),
        "place_name": "Zaal De Kring",
        "street_address": "Kerkstraat 1",
        "postcode": "3500",
        "municipality": "Hasselt",
        **fields,
    }
    event = Event(network=network, slug=slug, **values)
    event.full_clean()
    event.save()
    event.themes.set(themes)
    return event


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    nta = make_network("nta", 0)
    bpa = make_network("bpa", 1)
    tpa = make_network("tpa", 2)
    for child in (bpa, tpa):
        child.parent = nta
        child.save()
    nta.email = "info@nta.example.org"
    nta.save()
    return {
        "nta": nta,
        "bpa": bpa,
        "tpa": tpa,
        "wonen": Theme.objects.create(name="Wonen", slug="wonen"),
        "werk": Theme.objects.create(name="Werk", slug="werk"),
    }
