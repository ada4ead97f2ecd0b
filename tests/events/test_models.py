"""Events: Brussels wall-clock times made into the right moments, and every rule an editor can break."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, EventFormat
from tests.factories import BRUSSELS, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def errors_of(network, **fields):
    """The validation errors of an event with these fields, by field name."""
    defaults = {
        "title": "Overleg",
        "slug": "overleg",
        "intro": "Kort",
        "start_date": datetime.date(2026, 10, 24),
        "start_time": datetime.time(20, 0),
        "end_time": datetime.time(22, 0),
        "place_name": "Zaal",
        "municipality": "Hasselt",
    }
    event = Event(network=network, **{**defaults, **fields})
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    return caught.value.message_dict


def test_event_across_the_end_of_summer_time_has_the_right_moments(world):
    event = make_event(
        world["nta"],
        "nachtwake",
        start_date=datetime.date(2026, 10, 24),
        start_time=datetime.time(20, 0),
        end_date=datetime.date(2026, 10, 25),
        end_time=datetime.time(10, 0),
    )
    event.refresh_from_db()
    # 20:00 summer time (UTC+2) to 10:00 winter time (UTC+1): fifteen hours, not fourteen.
    assert event.starts_at == datetime.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)
    assert event.ends_at == datetime.datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=15)
    assert event.local_start.utcoffset() == datetime.timedelta(hours=2)
    assert event.local_end.utcoffset() == datetime.timedelta(hours=1)


def test_all_day_event_runs_from_midnight_to_midnight_after_its_last_day(world):
    event = make_event(
        world["nta"],
        "vormingsdagen",
        start_date=datetime.date(2026, 3, 28),
        end_date=datetime.date(2026, 3, 29),
        start_time=None,
        end_time=None,
    )
    assert event.all_day
    assert event.starts_at == datetime.datetime(2026, 3, 28, 0, 0, tzinfo=BRUSSELS)
    # The clocks go forward in the night of the 29th: the days are 24 and 23 hours long.
    assert event.ends_at == datetime.datetime(2026, 3, 30, 0, 0, tzinfo=BRUSSELS)
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=47)


def test_one_day_event_without_end_date_ends_that_day(world):
    event = make_event(world["nta"], "kort")
    assert event.end_date == event.start_date
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=2)


def test_a_time_that_does_not_exist_in_brussels_is_refused(world):
    errors = errors_of(
        world["nta"], start_date=datetime.date(2026, 3, 29), start_time=datetime.time(2, 30), end_time=datetime.time(4)
    )
    assert errors["start_time"] == [nl("This time does not exist in Brussels: the clocks go forward that night.")]


def test_end_must_come_after_start(world):
    assert errors_of(world["nta"], end_date=datetime.date(2026, 10, 23))["end_date"] == [
        nl("The event cannot end before the day it starts.")
    ]
    assert errors_of(world["nta"], end_time=datetime.time(19, 0))["end_time"] == [
        nl("The event must end after it starts.")
    ]
    # 02:30 on the night the clocks go back is the first 02:30: 02:45 the same night is after it.
    make_event(
        world["nta"],
        "nacht",
        start_date=datetime.date(2026, 10, 25),
        start_time=datetime.time(2, 30),
        end_time=datetime.time(2, 45),
    )


def test_both_times_or_neither(world):
    message = nl("Give both a start and an end time, or neither for an all-day event.")
    assert errors_of(world["nta"], end_time=None)["end_time"] == [message]
    assert errors_of(world["nta"], start_time=None)["start_time"] == [message]


def test_place_or_online_link_and_the_format_they_make(world):
    assert errors_of(world["nta"], place_name="", municipality="")["place_name"] == [
        nl("Give a place, an online link or both.")
    ]
    assert errors_of(world["nta"], municipality="")["municipality"] == [nl("Give the municipality of the place.")]
    assert "place_name" in errors_of(world["nta"], place_name="", online_url="https://meet.example.org/x")
    physical = make_event(world["nta"], "fysiek")
    online = make_event(
        world["nta"],
        "online",
        place_name="",
        street_address="",
        postcode="",
        municipality="",
        online_url="https://meet.example.org/online",
    )
    hybrid = make_event(world["nta"], "hybride", online_url="https://meet.example.org/hybride")
    assert [physical.format, online.format, hybrid.format] == [
        EventFormat.PHYSICAL,
        EventFormat.ONLINE,
        EventFormat.HYBRID,
    ]
    assert {event.slug for event in Event.objects.with_format(EventFormat.HYBRID)} == {"hybride"}
    assert {event.slug for event in Event.objects.with_format(EventFormat.ONLINE)} == {"online"}
    assert {event.slug for event in Event.objects.with_format(EventFormat.PHYSICAL)} == {"fysiek"}


def test_links_must_be_secure(world):
    message = nl("Give a secure link that starts with https://.")
    assert errors_of(world["nta"], online_url="http://meet.example.org/x")["online_url"] == [message]
    errors = errors_of(world["nta"], registration_mode="extern", registration_url="http://example.org/inschrijven")
    assert errors["registration_url"] == [message]


def test_cancelled_or_postponed_needs_a_reason(world):
    for status in ("geannuleerd", "uitgesteld"):
        assert errors_of(world["nta"], status=status, status_reason=" ")["status_reason"] == [
            nl("Tell people why the event is cancelled or postponed.")
        ]
    make_event(world["nta"], "afgelast", status="geannuleerd", status_reason="De zaal is onder water gelopen.")


def test_registration_rules(world):
    assert errors_of(world["nta"], registration_mode="extern")["registration_url"] == [
        nl("Give the link where people register.")
    ]
    assert errors_of(world["nta"], registration_url="https://example.org/in")["registration_url"] == [
        nl("A registration link is only for registration through a link elsewhere.")
    ]
    assert errors_of(world["nta"], capacity=20)["capacity"] == [
        nl("A capacity only counts for registration with the form on this site.")
    ]
    assert "capacity" in errors_of(world["nta"], registration_mode="formulier", capacity=0)
    make_event(world["nta"], "met-formulier", registration_mode="formulier", capacity=20)


@pytest.mark.parametrize("slug", ["2026", "archief", "inschrijving"])
def test_slugs_that_would_clash_with_calendar_addresses_are_refused(world, slug):
    errors = errors_of(world["nta"], slug=slug)
    assert list(errors) == ["slug"]


def test_save_without_validation_refuses_a_time_that_does_not_exist(world):
    event = Event(
        network=world["nta"],
        title="x",
        slug="x",
        intro="x",
        start_date=datetime.date(2026, 3, 29),
        start_time=datetime.time(2, 15),
        end_time=datetime.time(5, 0),
        place_name="Zaal",
        municipality="Gent",
    )
    with pytest.raises(ValueError, match="does not exist"):
        event.save()
    assert not Event.objects.exists()
