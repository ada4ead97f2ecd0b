"""The calendar pages: upcoming by month, filters, archive, printable year, one event with JSON-LD,
home and theme sections, search, sitemap, and queries that do not grow with the number of events."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from network.models import NetworkMembership
from network.permissions import Role
from tests.factories import make_event
from tests.helpers import PROJECT_DIR, nl, with_mfa

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
CARD_TITLE = re.compile(r'<h3><a href="/agenda/([\w-]+)/">')
MONTH = re.compile(r'<h2 class="event-month">(.*?)</h2>')


def slugs(response):
    return CARD_TITLE.findall(response.content.decode())


def json_ld(response):
    return json.loads(JSON_LD.search(response.content.decode()).group(1))


def queries(client, path):
    client.get(path)  # the site's network is cached by the first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def test_list_shows_upcoming_and_ongoing_events_by_month_soonest_first(client, world):
    nta, tpa = world["nta"], world["tpa"]
    make_event(nta, "later", days=40)
    make_event(tpa, "eerst", days=5)
    make_event(nta, "gisteren", days=-1)
    make_event(nta, "nu-bezig", days=0, start_time=datetime.time(10), end_time=datetime.time(18))
    make_event(nta, "concept", days=3, published=False)
    response = client.get("/agenda/")
    assert response.status_code == 200
    assert slugs(response) == ["nu-bezig", "eerst", "later"]
    assert MONTH.findall(response.content.decode()) == ["oktober 2026", "november 2026"]
    assert not response.cookies, "reading the calendar sets no cookie"


def test_list_filters_by_network_theme_and_format(client, world):
    nta, tpa = world["nta"], world["tpa"]
    make_event(nta, "wonen-fysiek", themes=[world["wonen"]])
    make_event(tpa, "werk-hybride", themes=[world["werk"]], online_url="https://meet.example.org/a")
    make_event(
        tpa,
        "werk-online",
        themes=[world["werk"]],
        online_url="https://meet.example.org/b",
        place_name="",
        street_address="",
        postcode="",
        municipality="",
    )
    assert slugs(client.get("/agenda/?netwerk=tpa")) == ["werk-hybride", "werk-online"]
    assert slugs(client.get("/agenda/?thema=wonen")) == ["wonen-fysiek"]
    assert slugs(client.get("/agenda/?formaat=online")) == ["werk-online"]
    assert slugs(client.get("/agenda/?formaat=hybride")) == ["werk-hybride"]
    assert slugs(client.get("/agenda/?formaat=fysiek&netwerk=nta")) == ["wonen-fysiek"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("netwerk=bestaat-niet", "Selecteer een geldige keuze"),
        ("thema=%00", "Null-tekens zijn niet toegestaan"),
        ("formaat=teleportatie", "Selecteer een geldige keuze"),
    ],
)
@pytest.mark.parametrize("path", ["/agenda/", "/agenda/archief/", "/agenda/2026/"])
def test_a_bad_filter_gets_a_dutch_message_and_400(client, world, path, query, message):
    make_event(world["nta"], "iets")
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert nl("One of the filters is not right") in html
    field = query.split("=")[0]
    assert f'<a href="#id_{field}">' in html, "the summary links to the field"
    assert message in html
    assert slugs(response) == []


def test_archive_shows_past_events_latest_first(client, world):
    make_event(world["nta"], "lang-geleden", days=-300)
    make_event(world["nta"], "vorige-week", days=-7)
    make_event(world["nta"], "straks", days=7)
    response = client.get("/agenda/archief/")
    assert slugs(response) == ["vorige-week", "lang-geleden"]
    assert MONTH.findall(response.content.decode()) == ["september 2026", "december 2025"]


def test_year_calendar_has_every_month_and_the_events_of_that_year(client, world):
    make_event(world["nta"], "januari", days=-250)  # 24 January 2026
    make_event(world["tpa"], "fakkeltocht", days=16)  # 17 October 2026
    make_event(world["nta"], "volgend-jaar", days=100)
    make_event(  # begun in 2025, still going on New Year's Day: shown in January
        world["nta"],
        "oudjaar",
        start_date=datetime.date(2025, 12, 31),
        end_date=datetime.date(2026, 1, 1),
        start_time=None,
        end_time=None,
    )
    response = client.get("/agenda/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    months = re.findall(r'<h2 id="month-\d+">(\w+)</h2>', html)
    assert months == [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    found = re.findall(r'<span class="year-events__when">.*?</span>\s*<a href="/agenda/([\w-]+)/">', html, re.S)
    assert found == ["oudjaar", "januari", "fakkeltocht"]
    assert 'class="wrap calendar-year"' in html
    assert 'href="/agenda/2025/"' in html and 'href="/agenda/2027/"' in html
    # No links on into years without events: crawlers and the print menu need not walk back to 2000.
    assert 'href="/agenda/2024/"' not in client.get("/agenda/2025/").content.decode()
    assert 'href="/agenda/2028/"' not in client.get("/agenda/2027/").content.decode()
    css = (PROJECT_DIR / "static/css/site.css").read_text()
    print_rules = css[css.index("/* Calendar (events app) */") : css.index("@media (prefers-reduced-motion")]
    assert "@media print" in print_rules and "@page year-calendar" in print_rules


@pytest.mark.parametrize("year", ["1999", "2032", "0001", "99999"])
def test_a_year_out_of_range_is_a_404_with_a_message(client, world, year):
    response = client.get(f"/agenda/{year}/")
    assert response.status_code == 404
    assert nl("The calendar covers the years %(first)s to %(last)s.") % {"first": 2000, "last": 2031} in (
        response.content.decode()
    )


def test_unknown_or_unpublished_event_is_not_found(client, world):
    draft = make_event(world["nta"], "concept", published=False)
    assert client.get("/agenda/bestaat-niet/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_of_its_network_preview_an_unpublished_event(client, world):
    draft = make_event(world["tpa"], "concept", published=False)
    editor = with_mfa(User.objects.create_user("redacteur", "r@example.org", "x", is_staff=True))
    editor.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
    NetworkMembership.objects.create(user=editor, network=world["bpa"])
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 404
    NetworkMembership.objects.create(user=editor, network=world["tpa"])
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_detail_shows_times_right_across_the_change_to_winter_time(client, world):
    event = make_event(
        world["nta"],
        "nachtwake",
        start_date=datetime.date(2026, 10, 24),
        start_time=datetime.time(20, 0),
        end_date=datetime.date(2026, 10, 25),
        end_time=datetime.time(10, 0),
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert '<time datetime="2026-10-24T20:00:00+02:00">zaterdag 24 oktober 2026, 20:00</time>' in html
    assert '<time datetime="2026-10-25T10:00:00+01:00">zondag 25 oktober 2026, 10:00</time>' in html
    data = json_ld(client.get(event.get_absolute_url()))
    assert (data["startDate"], data["endDate"]) == ("2026-10-24T20:00:00+02:00", "2026-10-25T10:00:00+01:00")
    listing = client.get("/agenda/").content.decode()
    assert '<time datetime="2026-10-24T20:00:00+02:00">zaterdag 24 oktober, 20:00</time>' in listing


def test_json_ld_of_a_physical_event(client, world):
    event = make_event(world["tpa"], "trefdag", audience="Leden van de verenigingen")
    response = client.get(event.get_absolute_url())
    data = json_ld(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Activiteit trefdag"
    assert data["url"] == "http://testserver/agenda/trefdag/"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Zaal De Kring",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Kerkstraat 1",
            "postalCode": "3500",
            "addressLocality": "Hasselt",
            "addressCountry": "BE",
        },
    }
    assert data["organizer"]["name"] == world["tpa"].name
    assert data["audience"]["audienceType"] == "Leden van de verenigingen"


def test_json_ld_of_a_hybrid_cancelled_event_and_an_online_all_day_one(client, world):
    hybrid = make_event(
        world["nta"],
        "forum",
        online_url="https://meet.example.org/forum",
        status="geannuleerd",
        status_reason="Storm op komst.",
    )
    data = json_ld(client.get(hybrid.get_absolute_url()))
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert [location["@type"] for location in data["location"]] == ["Place", "VirtualLocation"]
    assert data["location"][1]["url"] == "https://meet.example.org/forum"
    page = client.get(hybrid.get_absolute_url()).content.decode()
    assert nl("This event is cancelled.") in page and "Storm op komst." in page

    online = make_event(
        world["nta"],
        "online-dag",
        place_name="",
        street_address="",
        postcode="",
        municipality="",
        online_url="https://meet.example.org/dag",
        start_time=None,
        end_time=None,
        status="uitgesteld",
        status_reason="Nieuwe datum volgt.",
    )
    data = json_ld(client.get(online.get_absolute_url()))
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventPostponed"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/dag"}
    assert data["startDate"] == data["endDate"] == online.start_date.isoformat()


def test_json_ld_cannot_be_broken_out_of(client, world):
    event = make_event(world["nta"], "script", title="</script><script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(client.get(event.get_absolute_url()))["name"] == "</script><script>alert(1)</script>"


def test_detail_tells_how_to_take_part(client, world):
    event = make_event(
        world["nta"],
        "alles",
        online_url="https://meet.example.org/alles",
        wheelchair_accessible=True,
        childcare=True,
        travel_costs_refunded=True,
        access_notes="Bus 5, halte Markt.",
        registration_mode="formulier",
        capacity=10,
    )
    html = client.get(event.get_absolute_url()).content.decode()
    for text in [
        nl("The place is wheelchair accessible."),
        nl("There is childcare."),
        nl("Your travel costs are refunded."),
        "Bus 5, halte Markt.",
        'href="https://meet.example.org/alles"',
        'href="/agenda/alles/inschrijven/"',
        'href="/agenda/alles.ics"',
        nl("On location and online"),
    ]:
        assert text in html, text


def test_home_of_the_main_network_shows_the_regional_networks_events_too(client, world):
    make_event(world["nta"], "van-nta", days=3)
    make_event(world["tpa"], "van-tpa", days=4)
    make_event(world["bpa"], "voorbij", days=-4)
    assert slugs(client.get("/")) == ["van-nta", "van-tpa"]
    assert slugs(client.get("/netwerken/tpa/")) == ["van-tpa"]
    html = client.get("/netwerken/tpa/").content.decode()
    assert 'href="/agenda/?netwerk=tpa"' in html
    assert nl("Upcoming events") not in client.get("/netwerken/bpa/").content.decode()


def test_theme_page_shows_upcoming_events_on_that_theme(client, world):
    make_event(world["tpa"], "over-wonen", themes=[world["wonen"]])
    make_event(world["tpa"], "over-werk", themes=[world["werk"]])
    make_event(world["tpa"], "vroeger-wonen", days=-30, themes=[world["wonen"]])
    response = client.get("/themas/wonen/")
    assert slugs(response) == ["over-wonen"]
    assert 'href="/agenda/?thema=wonen"' in response.content.decode()


def test_search_finds_published_events(client, world):
    make_event(world["tpa"], "fakkeltocht", title="Fakkeltocht tegen armoede", intro="Op 17 oktober.")
    make_event(world["tpa"], "geheim", title="Fakkeltocht in voorbereiding", published=False)
    response = client.get("/zoeken/?q=fakkeltocht&soort=agenda")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/agenda/fakkeltocht/"' in html
    assert "/agenda/geheim/" not in html
    assert nl("Calendar") in html


def test_sitemap_lists_the_calendar_and_published_events(client, world):
    event = make_event(world["nta"], "openbaar")
    make_event(world["nta"], "verborgen", published=False)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = {urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", namespace)}
    assert {"/agenda/", "/agenda/archief/", "/agenda/2026/", event.get_absolute_url()} <= paths
    assert "/agenda/verborgen/" not in paths


def _many(world, count):
    for number in range(count):
        network = world["tpa"] if number % 2 else world["nta"]
        make_event(
            network,
            f"activiteit-{number}",
            days=(-20, 10)[number % 2] + number,
            themes=[world["wonen"], world["werk"]],
            online_url="https://meet.example.org/x" if number % 3 else "",
        )


@pytest.mark.parametrize(
    "path",
    [
        "/agenda/",
        "/agenda/?netwerk=tpa&thema=wonen&formaat=hybride",
        "/agenda/archief/",
        "/agenda/2026/",
        "/agenda/activiteit-1/",
        "/agenda.ics",
        "/agenda/activiteit-1.ics",
        "/",
        "/themas/wonen/",
        "/sitemap.xml",
    ],
)
def test_queries_do_not_grow_with_the_number_of_events(client, world, path):
    """A card, a feed entry or a section touching a relation the view never fetched would show here."""
    _many(world, 2)
    few = queries(client, path)
    Event.objects.all().delete()
    _many(world, 30)
    assert queries(client, path) == few


def test_list_query_count(client, world, django_assert_num_queries):
    _many(world, 30)
    client.get("/agenda/")  # the site network and the filters' choices are cached after the first request
    # One page of events with their networks' short names and, in the same query, the count of all of them.
    with django_assert_num_queries(1):
        client.get("/agenda/")
