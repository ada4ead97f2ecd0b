import pytest
import time_machine

from tests.factories import (
    EVENTS_NOW,
    ThemeFactory,
    make_network,
)

# A Thursday in summer time, three weeks before the clocks go back (25 October 2026); make_event
# counts its days from here.
NOW = EVENTS_NOW


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
        "wonen": ThemeFactory(name="Wonen", slug="wonen"),
        "werk": ThemeFactory(name="Werk", slug="werk"),
    }
