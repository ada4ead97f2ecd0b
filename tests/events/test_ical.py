"""iCal: /agenda.ics and one .ics per event, parsed with the icalendar library and checked the way
calendar apps read them (RFC 5545 structure, folding, CRLF, time zones, statuses)."""

import datetime

import icalendar
import pytest

from network.models import Theme
from tests.factories import BRUSSELS, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def parse(response):
    return icalendar.Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def assert_valid_calendar(raw):
    """What calendar clients insist on: CRLF line ends, lines of at most 75 octets, required properties."""
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "a bare LF or CR"
    assert all(len(line) <= 75 for line in lines), [line for line in lines if len(line) > 75]
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.name == "VCALENDAR"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"]
    uses_tzid = False
    for event in calendar.walk("VEVENT"):
        for name in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"]:
            assert name in event, f"{name} missing in {event.get('SUMMARY')}"
        assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0)
        for name in ["DTSTART", "DTEND"]:
            if "TZID" in event[name].params:
                uses_tzid = True
                assert event[name].params["TZID"] == "Europe/Brussels"
        assert event["DTEND"].dt > event["DTSTART"].dt
    timezones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert timezones == (["Europe/Brussels"] if uses_tzid else [])
    return calendar


def test_feed_is_a_valid_calendar_with_every_published_event(client, world):
    one = make_event(world["nta"], "een", title="Een heel lange titel " * 8, themes=[world["wonen"]])
    two = make_event(world["tpa"], "twee", start_time=None, end_time=None)
    make_event(world["tpa"], "concept", published=False)
    make_event(world["tpa"], "lang-voorbij", days=-400)
    recent = make_event(world["tpa"], "vorige-maand", days=-30)
    response = fetch(client, "/agenda.ics")
    calendar = assert_valid_calendar(response.content)
    assert calendar["X-WR-CALNAME"] == nl("Calendar")
    assert set(events_by_uid(calendar)) == {str(one.uid), str(two.uid), str(recent.uid)}
    entry = events_by_uid(calendar)[str(one.uid)]
    assert entry["SUMMARY"] == one.title
    assert entry["URL"] == "http://testserver/agenda/een/"
    assert entry["LOCATION"] == "Zaal De Kring, Kerkstraat 1, 3500 Hasselt"
    assert entry["STATUS"] == "CONFIRMED"
    assert [str(category) for category in entry["CATEGORIES"].cats] == ["Wonen"]
    assert entry["ORGANIZER"].params["CN"] == world["nta"].name
    assert "Inleiding een" in entry["DESCRIPTION"]
    assert not response.cookies


def test_the_feed_says_how_often_to_refresh_in_rfc_5545_durations(client, world):
    """Issue 17, 18.5: X-PUBLISHED-TTL said "6:00:00" (Python's spelling), which calendar apps cannot read."""
    make_event(world["nta"], "een")
    raw = fetch(client, "/agenda.ics").content
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in raw
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in raw
    assert b"6:00:00" not in raw


def test_times_are_right_across_the_change_to_winter_time(client, world):
    event = make_event(
        world["nta"],
        "nachtwake",
        start_date=datetime.date(2026, 10, 24),
        start_time=datetime.time(20, 0),
        end_date=datetime.date(2026, 10, 25),
        end_time=datetime.time(10, 0),
    )
    for path in ["/agenda.ics", "/agenda/nachtwake.ics"]:
        raw = fetch(client, path).content
        assert b"DTSTART;TZID=Europe/Brussels:20261024T200000\r\n" in raw
        assert b"DTEND;TZID=Europe/Brussels:20261025T100000\r\n" in raw
        calendar = assert_valid_calendar(raw)
        entry = events_by_uid(calendar)[str(event.uid)]
        assert entry["DTSTART"].dt.astimezone(UTC) == datetime.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)
        assert entry["DTEND"].dt.astimezone(UTC) == datetime.datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
        # A client without a zone database reads the offsets from our VTIMEZONE: they must agree.
        zone = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
        assert datetime.datetime(2026, 10, 24, 20, 0, tzinfo=zone).utcoffset() == datetime.timedelta(hours=2)
        assert datetime.datetime(2026, 10, 25, 10, 0, tzinfo=zone).utcoffset() == datetime.timedelta(hours=1)


def test_all_day_events_are_dates_with_an_exclusive_end(client, world):
    make_event(
        world["tpa"],
        "twee-dagen",
        start_date=datetime.date(2026, 10, 17),
        end_date=datetime.date(2026, 10, 18),
        start_time=None,
        end_time=None,
    )
    raw = fetch(client, "/agenda/twee-dagen.ics").content
    assert b"DTSTART;VALUE=DATE:20261017\r\n" in raw
    assert b"DTEND;VALUE=DATE:20261019\r\n" in raw
    calendar = assert_valid_calendar(raw)
    [entry] = calendar.walk("VEVENT")
    assert entry["DTSTART"].dt == datetime.date(2026, 10, 17)
    assert entry["DTEND"].dt == datetime.date(2026, 10, 19)
    assert calendar.walk("VTIMEZONE") == []


def test_cancelled_and_postponed_events_stay_in_the_feed_with_their_status(client, world):
    cancelled = make_event(world["nta"], "afgelast", status="geannuleerd", status_reason="Storm.")
    postponed = make_event(world["nta"], "later", status="uitgesteld", status_reason="Zaal bezet.")
    entries = events_by_uid(assert_valid_calendar(fetch(client, "/agenda.ics").content))
    assert entries[str(cancelled.uid)]["STATUS"] == "CANCELLED"
    assert entries[str(cancelled.uid)]["SUMMARY"] == nl("Cancelled: %(title)s") % {"title": cancelled.title}
    assert "Storm." in entries[str(cancelled.uid)]["DESCRIPTION"]
    assert entries[str(postponed.uid)]["STATUS"] == "TENTATIVE"
    assert b"STATUS:CANCELLED\r\n" in fetch(client, "/agenda/afgelast.ics").content


def test_hybrid_event_has_both_location_and_url_and_the_online_link(client, world):
    make_event(world["nta"], "forum", online_url="https://meet.example.org/forum")
    make_event(
        world["nta"],
        "online",
        online_url="https://meet.example.org/online",
        place_name="",
        street_address="",
        postcode="",
        municipality="",
    )
    [hybrid] = assert_valid_calendar(fetch(client, "/agenda/forum.ics").content).walk("VEVENT")
    assert hybrid["LOCATION"] == "Zaal De Kring, Kerkstraat 1, 3500 Hasselt"
    assert hybrid["URL"] == "http://testserver/agenda/forum/"
    assert str(hybrid["CONFERENCE"]) == "https://meet.example.org/forum"
    assert hybrid["CONFERENCE"].params["VALUE"] == "URI"
    assert "https://meet.example.org/forum" in hybrid["DESCRIPTION"]
    [online] = assert_valid_calendar(fetch(client, "/agenda/online.ics").content).walk("VEVENT")
    assert online["LOCATION"] == "https://meet.example.org/online"
    assert online["URL"] == "http://testserver/agenda/online/"


def test_feed_filters_by_network_and_theme(client, world):
    nta_wonen = make_event(world["nta"], "nta-wonen", themes=[world["wonen"]])
    tpa_wonen = make_event(world["tpa"], "tpa-wonen", themes=[world["wonen"]])
    tpa_werk = make_event(world["tpa"], "tpa-werk", themes=[world["werk"]])

    def uids(query):
        calendar = assert_valid_calendar(fetch(client, f"/agenda.ics?{query}").content)
        return set(events_by_uid(calendar)), str(calendar["X-WR-CALNAME"])

    assert uids("netwerk=tpa") == ({str(tpa_wonen.uid), str(tpa_werk.uid)}, f"{nl('Calendar')} · Netwerk tpa")
    assert uids("thema=wonen")[0] == {str(nta_wonen.uid), str(tpa_wonen.uid)}
    assert uids("netwerk=tpa&thema=wonen") == ({str(tpa_wonen.uid)}, f"{nl('Calendar')} · Netwerk tpa · Wonen")
    Theme.objects.create(name="Onderwijs", slug="onderwijs")
    assert uids("thema=onderwijs")[0] == set()


@pytest.mark.parametrize("query", ["netwerk=onbekend", "thema=x%00y", "netwerk=" + "a" * 5000])
def test_feed_with_a_bad_filter_is_a_400_with_a_dutch_message(client, world, query):
    response = client.get(f"/agenda.ics?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert nl("This calendar feed does not exist.") in response.content.decode()


def test_event_ics_is_a_download_of_one_published_event(client, world):
    event = make_event(world["nta"], "een")
    make_event(world["nta"], "concept", published=False)
    response = fetch(client, "/agenda/een.ics")
    assert response["Content-Disposition"] == 'attachment; filename="een.ics"'
    calendar = assert_valid_calendar(response.content)
    assert [str(entry["UID"]) for entry in calendar.walk("VEVENT")] == [str(event.uid)]
    assert calendar["X-WR-CALNAME"] == event.title
    assert client.get("/agenda/concept.ics").status_code == 404
    assert client.get("/agenda/bestaat-niet.ics").status_code == 404


def test_uid_is_stable_whatever_the_host_and_dtstamp_follows_changes(client, world, frozen):
    event = make_event(world["nta"], "een")
    first = events_by_uid(parse(fetch(client, "/agenda.ics")))[str(event.uid)]
    other_host = events_by_uid(parse(client.get("/agenda.ics", HTTP_HOST="localhost")))
    assert str(event.uid) in other_host
    frozen.shift(datetime.timedelta(hours=3))
    event.title = "Nieuwe titel"
    event.save()
    changed = events_by_uid(parse(fetch(client, "/agenda.ics")))[str(event.uid)]
    assert changed["DTSTAMP"].dt - first["DTSTAMP"].dt == datetime.timedelta(hours=3)
    assert changed["LAST-MODIFIED"].dt == changed["DTSTAMP"].dt
    assert first["DTSTART"].dt == changed["DTSTART"].dt == event.starts_at.astimezone(BRUSSELS)


def test_the_calendar_offers_the_feed_of_what_is_filtered(client, world):
    make_event(world["tpa"], "een", themes=[world["wonen"]])
    html = client.get("/agenda/").content.decode()
    assert 'href="webcal://testserver/agenda.ics"' in html and 'href="/agenda.ics"' in html
    html = client.get("/agenda/?netwerk=tpa&thema=wonen&formaat=fysiek").content.decode()
    assert 'href="webcal://testserver/agenda.ics?netwerk=tpa&amp;thema=wonen"' in html
    assert 'href="/agenda.ics?netwerk=tpa&amp;thema=wonen"' in html
