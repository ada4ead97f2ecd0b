"""What visitors see of the associations: directory, profiles, stories, sections and open data."""

import csv
import datetime
import io
import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from associations.models import Activity, Association, Closure, OpeningHours, Photo, Story
from network.models import Theme
from tests.factories import NetworkFactory, bulk_associations

pytestmark = pytest.mark.django_db

RESULTS_HEADING = re.compile(r'<h2 id="association-results">(\d+) ')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def nta():
    return NetworkFactory(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>x</p>"
    )


@pytest.fixture
def tpa(nta):
    return NetworkFactory(
        name="Trefpunt Armoede", short_name="TPA", slug="tpa", region="limburg", mission="<p>x</p>", parent=nta
    )


@pytest.fixture
def wonen():
    return Theme.objects.create(name="Wonen", slug="wonen")


@pytest.fixture
def werk():
    return Theme.objects.create(name="Werk", slug="werk")


def make(network, name, *, themes=(), **fields):
    defaults = {
        "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        "municipality": "Puurs",
        "postcode": "2870",
        "intro": f"{name} brengt mensen samen.",
        "description": "<p>Wij komen elke week samen.</p>",
    }
    association = Association.objects.create(network=network, name=name, **{**defaults, **fields})
    association.themes.set(themes)
    return association


@pytest.fixture
def directory(nta, tpa, wonen, werk):
    """Five active associations in three provinces, two networks and two themes, and one inactive one."""
    return {
        "schakel": make(nta, "De Schakel", themes=[wonen], intro="Een warme plek in Klein-Brabant."),
        "kans": make(nta, "Kans Antwerpen", municipality="Antwerpen", postcode="2060", themes=[werk]),
        "ommekaar": make(nta, "Ommekaar", municipality="Gent", postcode="9000", themes=[wonen, werk]),
        "vierkant": make(tpa, "Het Vierkant", municipality="Genk", postcode="3600", themes=[wonen]),
        "hasselt": make(tpa, "Buurtwerk Hasselt", municipality="Hasselt", postcode="3500"),
        "gesloten": make(nta, "Gesloten Huis", themes=[wonen], is_active=False),
    }


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def main(page):
    """The page's <main>, without the header and footer every page shares."""
    return page[page.index("<main") : page.index("</main>")]


def names(page):
    return re.findall(r'<li class="card">\s*<h3><a href="/verenigingen/[^"]+/">([^<]+)</a>', page)


def result_count(page):
    return int(RESULTS_HEADING.search(page).group(1))


def png(size=(800, 600)):
    buffer = BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, "PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


# The directory


def test_directory_shows_active_associations_with_place_network_and_intro(client, directory):
    page = html(client.get("/verenigingen/"))
    assert page.count("<h1>") == 1
    assert result_count(page) == 5
    assert names(page) == ["Buurtwerk Hasselt", "De Schakel", "Het Vierkant", "Kans Antwerpen", "Ommekaar"]
    card = page[page.index('<a href="/verenigingen/de-schakel/">') :]
    card = card[: card.index("</li>")]
    assert "Puurs (" in card and " NTA" in card
    assert "Een warme plek in Klein-Brabant." in card
    assert "Gesloten Huis" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("provincie=limburg", ["Buurtwerk Hasselt", "Het Vierkant"]),
        # The main network with its regional network TPA (issue 21: one rule, Network.with_regional_networks).
        ("netwerk=nta", ["Buurtwerk Hasselt", "De Schakel", "Het Vierkant", "Kans Antwerpen", "Ommekaar"]),
        ("netwerk=tpa", ["Buurtwerk Hasselt", "Het Vierkant"]),
        ("thema=wonen", ["De Schakel", "Het Vierkant", "Ommekaar"]),
        ("gemeente=gen", ["Het Vierkant", "Ommekaar"]),  # Genk and Gent, not the postcode
        ("gemeente=GENT", ["Ommekaar"]),
        ("gemeente=2870", ["De Schakel"]),
        ("gemeente=3600", ["Het Vierkant"]),
        ("gemeente=1000", []),
        ("provincie=antwerpen&thema=werk", ["Kans Antwerpen"]),
        ("netwerk=tpa&thema=wonen", ["Het Vierkant"]),
        ("netwerk=tpa&provincie=antwerpen", []),
        ("q=schakel&provincie=antwerpen&netwerk=nta&thema=wonen&gemeente=puurs", ["De Schakel"]),
        (
            "q=&provincie=&netwerk=&thema=&gemeente=",
            ["Buurtwerk Hasselt", "De Schakel", "Het Vierkant", "Kans Antwerpen", "Ommekaar"],
        ),
    ],
)
def test_filters_work_alone_and_combined(client, directory, query, expected):
    page = html(client.get(f"/verenigingen/?{query}"))
    assert names(page) == expected
    assert result_count(page) == len(expected)


def test_search_needs_every_word_in_name_place_postcode_or_intro(client, directory):
    assert names(html(client.get("/verenigingen/?q=klein-brabant"))) == ["De Schakel"]
    assert names(html(client.get("/verenigingen/?q=warme+puurs"))) == ["De Schakel"]
    assert names(html(client.get("/verenigingen/?q=warme+genk"))) == []
    assert names(html(client.get("/verenigingen/?q=36"))) == ["Het Vierkant"]
    assert names(html(client.get("/verenigingen/?q=gesloten"))) == []


def test_chosen_filters_stay_in_the_form(client, directory):
    page = html(client.get("/verenigingen/?provincie=limburg&thema=wonen&q=vierkant"))
    assert '<option value="limburg" selected>' in page
    assert '<option value="wonen" selected>' in page
    assert 'value="vierkant"' in page


def test_pagination_shows_20_a_page_and_keeps_the_filters(client, nta, wonen, werk):
    for number in range(45):
        make(nta, f"Vereniging {number:02}", themes=[wonen])
    make(nta, "Andere vereniging", themes=[werk])
    first = html(client.get("/verenigingen/?thema=wonen"))
    assert result_count(first) == 45
    assert names(first) == [f"Vereniging {n:02}" for n in range(20)]
    assert '<nav class="pagination" aria-label=' in first
    assert 'href="/verenigingen/?thema=wonen&amp;pagina=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = html(client.get("/verenigingen/?thema=wonen&pagina=2"))
    assert names(second) == [f"Vereniging {n:02}" for n in range(20, 40)]
    assert 'href="/verenigingen/?thema=wonen" rel="prev"' in second
    assert 'href="/verenigingen/?thema=wonen&amp;pagina=3" rel="next"' in second
    last = html(client.get("/verenigingen/?pagina=3&thema=wonen"))
    assert names(last) == [f"Vereniging {n:02}" for n in range(40, 45)]
    assert 'rel="next"' not in last
    assert 'href="/verenigingen/?thema=wonen&amp;pagina=2" rel="prev"' in last


def test_one_page_of_results_has_no_pagination(client, directory):
    assert "pagination" not in html(client.get("/verenigingen/"))


@pytest.mark.parametrize("number", ["4", "0", "-1", "abc", "1.5", "99999999999999999999"])
def test_page_out_of_range_or_not_a_number_is_not_found(client, nta, number):
    for index in range(45):
        make(nta, f"Vereniging {index:02}")
    assert client.get(f"/verenigingen/?pagina={number}").status_code == 404


def test_empty_directory_has_a_first_page(client, nta):
    page = html(client.get("/verenigingen/?pagina=1"))
    assert result_count(page) == 0
    assert names(page) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("provincie=atlantis", "provincie"),
        ("netwerk=bestaat-niet", "netwerk"),
        ("thema=bestaat-niet", "thema"),
        ("q=" + "a" * 101, "q"),
        ("gemeente=" + "b" * 81, "gemeente"),
        ("netwerk=nta&provincie=<script>", "provincie"),
    ],
)
def test_bad_filters_answer_400_with_the_error_next_to_the_field_and_no_results(client, directory, query, field):
    response = client.get(f"/verenigingen/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<ul class="errorlist" id="id_{field}_error">' in page
    widget = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in widget
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', widget)
    assert names(page) == []
    assert 'id="association-results"' not in page
    assert page.count("<h1>") == 1


def test_a_101_character_search_is_refused_but_100_characters_are_fine(client, directory):
    assert client.get("/verenigingen/?q=" + "a" * 100).status_code == 200
    assert client.get("/verenigingen/?q=" + "a" * 101).status_code == 400


def filter_answer(name, payload):
    """Free text is searched for, except a NUL character (refused by the form); no network, province or
    theme is called like that (the form refuses the choice), and there is no such page number."""
    if name == "pagina":
        return 404
    if name in ("q", "gemeente"):
        return 400 if "%00" in payload else 200
    return 400


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "' OR '1'='1",
        "1; DROP TABLE associations_association; --",
        "%' OR 1=1 --",
        "\\",
        "%00",
        "2870%00",
        "😀" * 30,
    ],
)
def test_html_and_sql_payloads_never_cause_a_server_error(client, directory, payload):
    for name in ["q", "gemeente", "provincie", "netwerk", "thema", "pagina"]:
        response = client.get(f"/verenigingen/?{name}={payload}")
        assert response.status_code == filter_answer(name, payload), name
        if response.status_code != 404:
            assert "<script>alert(1)" not in main(response.content.decode()), name
            assert "<img src=x" not in main(response.content.decode()), name
    assert Association.objects.count() == 6


def test_directory_links_to_open_data_and_stories(client, directory):
    page = html(client.get("/verenigingen/"))
    assert 'href="/verenigingen/open-data.csv"' in page
    assert 'href="/verenigingen/open-data.json"' in page
    assert 'href="/verenigingen/in-beeld/"' in page


def test_directory_sets_no_cookie(client, directory):
    response = client.get("/verenigingen/?provincie=limburg")
    assert response.status_code == 200
    assert not response.cookies


def test_example_data_is_marked_on_card_and_profile(client, nta):
    make(nta, "Echte Vereniging")
    make(nta, "Verzonnen Vereniging", is_example=True)
    page = html(client.get("/verenigingen/"))
    assert page.count('class="example-mark"') == 1
    card = page[page.index(">Verzonnen Vereniging</a>") :]
    assert 'class="example-mark"' in card[: card.index("</li>")]
    assert 'class="example-mark"' in html(client.get("/verenigingen/verzonnen-vereniging/"))
    assert 'class="example-mark"' not in html(client.get("/verenigingen/echte-vereniging/"))


# The profile


@pytest.fixture
def schakel(nta, wonen, werk):
    association = make(
        nta,
        "De Schakel",
        themes=[wonen, werk],
        street_address="Kerkstraat 1",
        contact_person="Mia Peeters",
        phone="03 / 889.12 34",
        email="info@deschakel.example",
        website="https://deschakel.example/",
        facebook_url="https://facebook.com/deschakel",
        latitude="51.053000",
        longitude="4.283000",
        member_since=datetime.date(2005, 3, 1),
        description="<p>Wij zijn <strong>De Schakel</strong>.</p>",
    )
    Activity.objects.create(
        association=association, what="Praatcafé", when="Elke dinsdag van 9.30 tot 12.00", where="Zaal De Vonk"
    )
    Photo.objects.create(
        association=association, image=png(), alt_text="Leden rond een tafel", caption="Ons praatcafé"
    )
    return association


def test_profile_shows_everything_about_the_association(client, schakel):
    page = html(client.get("/verenigingen/de-schakel/"))
    assert page.count("<h1>") == 1
    assert "<h1>De Schakel</h1>" in page
    assert "<p>Wij zijn <strong>De Schakel</strong>.</p>" in page
    assert "Praatcafé" in page and "Elke dinsdag van 9.30 tot 12.00" in page and "Zaal De Vonk" in page
    assert "Mia Peeters" in page
    assert "Kerkstraat 1" in page and "2870 Puurs" in page
    assert 'href="/themas/wonen/"' in page and 'href="/themas/werk/"' in page
    assert 'href="/netwerken/nta/">Netwerk tegen Armoede</a>' in page
    assert '<time datetime="2005-03-01">' in page
    assert 'alt="Leden rond een tafel"' in page and "srcset=" in page
    assert "<figcaption>Ons praatcafé</figcaption>" in page
    assert 'class="example-mark"' not in page


def test_profile_contact_links_are_clean(client, schakel):
    page = html(client.get("/verenigingen/de-schakel/"))
    assert '<a href="mailto:info@deschakel.example">info@deschakel.example</a>' in page
    assert '<a href="tel:038891234">03 / 889.12 34</a>' in page
    assert 'href="https://deschakel.example/"' in page
    assert 'href="https://facebook.com/deschakel"' in page


def test_profile_without_contact_details_shows_no_empty_links(client, nta):
    make(nta, "Stille Vereniging")
    page = html(client.get("/verenigingen/stille-vereniging/"))
    assert 'href="mailto:' not in main(page) and 'href="tel:' not in main(page)
    assert "<h2></h2>" not in page
    assert 'id="activities"' not in page and 'id="photos"' not in page and 'id="stories"' not in page


def test_profile_json_ld_describes_the_organization(client, schakel):
    page = html(client.get("/verenigingen/de-schakel/"))
    data = json.loads(JSON_LD.search(page).group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "De Schakel"
    assert data["url"] == "http://testserver/verenigingen/de-schakel/"
    assert data["email"] == "info@deschakel.example"
    assert data["telephone"] == "03 / 889.12 34"
    address = data["address"]
    assert address["@type"] == "PostalAddress"
    assert address["streetAddress"] == "Kerkstraat 1"
    assert address["postalCode"] == "2870"
    assert address["addressLocality"] == "Puurs"
    assert address["addressRegion"]
    assert address["addressCountry"] == "BE"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 51.053, "longitude": 4.283}
    assert data["memberOf"]["name"] == "Netwerk tegen Armoede"
    assert data["memberOf"]["url"] == "http://testserver/netwerken/nta/"


def test_profile_json_ld_cannot_break_out_of_its_script_element(client, nta):
    sluw = make(nta, "Sluw & Co", slug="sluw", intro="</script><script>alert(1)</script> <!-- x")
    Association.objects.filter(pk=sluw.pk).update(latitude=None, longitude=None)  # else they follow the postcode
    page = html(client.get("/verenigingen/sluw/"))
    script = JSON_LD.search(page).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["description"] == "</script><script>alert(1)</script> <!-- x"
    assert json.loads(script)["name"] == "Sluw & Co"
    assert "geo" not in json.loads(script)


def test_unknown_and_inactive_associations_are_not_found(client, directory):
    assert client.get("/verenigingen/bestaat-niet/").status_code == 404
    assert client.get("/verenigingen/gesloten-huis/").status_code == 404
    assert client.get("/verenigingen/de-schakel/").status_code == 200


def test_profile_links_only_published_stories(client, schakel):
    Story.objects.create(
        association=schakel,
        title="Samen sterk",
        slug="samen-sterk",
        quote="Hier tellen we mee.",
        body="<p>Verhaal</p>",
        date=datetime.date(2026, 3, 1),
    )
    Story.objects.create(
        association=schakel,
        title="Nog geheim",
        slug="nog-geheim",
        quote="x",
        body="<p>x</p>",
        date=datetime.date(2026, 4, 1),
        published=False,
    )
    page = html(client.get("/verenigingen/de-schakel/"))
    assert 'href="/verenigingen/in-beeld/samen-sterk/"' in page
    assert "Nog geheim" not in page


# Stories


@pytest.fixture
def stories(directory):
    def story(association, slug, date, **fields):
        return Story.objects.create(
            association=association,
            title=f"Verhaal {slug}",
            slug=slug,
            quote=f"Citaat van {slug}.",
            body=f"<p>Het verhaal van {slug}.</p>",
            date=date,
            **fields,
        )

    return {
        "schakel": story(directory["schakel"], "schakel", datetime.date(2026, 1, 10), photo=png(), photo_alt="Leden"),
        "vierkant": story(directory["vierkant"], "vierkant", datetime.date(2026, 2, 10)),
        "oud": story(directory["vierkant"], "oud", datetime.date(2025, 2, 10)),
        "verborgen": story(directory["schakel"], "verborgen", datetime.date(2026, 5, 1), published=False),
        "gesloten": story(directory["gesloten"], "gesloten", datetime.date(2026, 6, 1)),
    }


def test_story_list_shows_published_stories_of_active_associations_newest_first(client, stories):
    page = html(client.get("/verenigingen/in-beeld/"))
    assert page.count("<h1>") == 1
    links = re.findall(r'href="/verenigingen/in-beeld/([a-z-]+)/"', page)
    assert links == ["vierkant", "schakel", "oud"]
    assert "<blockquote" in page and "Citaat van vierkant." in page


def test_story_page_has_quote_photo_body_date_and_association(client, stories):
    page = html(client.get("/verenigingen/in-beeld/schakel/"))
    assert page.count("<h1>") == 1
    assert "<h1>Verhaal schakel</h1>" in page
    assert re.search(r"<blockquote[^>]*>\s*<p>Citaat van schakel\.</p>\s*</blockquote>", page)
    assert 'alt="Leden"' in page
    assert "<p>Het verhaal van schakel.</p>" in page
    assert '<time datetime="2026-01-10">' in page
    assert 'href="/verenigingen/de-schakel/"' in page


def test_stories_of_made_up_associations_are_marked_as_example_data(client, stories, directory):
    assert 'class="example-mark"' not in html(client.get("/verenigingen/in-beeld/schakel/"))
    Association.objects.filter(pk=directory["schakel"].pk).update(is_example=True)
    for path in ["/verenigingen/in-beeld/schakel/", "/verenigingen/in-beeld/", "/"]:
        assert html(client.get(path)).count('class="example-mark"') == 1, path


def test_stories_written_as_an_example_are_marked_as_example_text_beside_their_quote(client, stories):
    Story.objects.filter(slug="schakel").update(is_example=True)
    mark = '<p class="example-mark">Voorbeeldtekst</p>'
    explained = (
        '<p class="example-mark">Voorbeeldtekst: geschreven om de site te tonen, niet de eigen woorden van de '
        "leden.</p>"
    )
    page = html(client.get("/verenigingen/in-beeld/schakel/"))
    assert page.count('class="example-mark"') == 1 and explained in page
    assert page.index(explained) < page.index("<blockquote")
    assert '<meta name="description" content="Voorbeeldtekst: Citaat van schakel.">' in page
    listing = html(client.get("/verenigingen/in-beeld/"))
    card = listing[listing.index('href="/verenigingen/in-beeld/schakel/"') :]
    assert listing.count('class="example-mark"') == 1 and card.index(mark) < card.index("Citaat van schakel.")
    # Marked as example text, a story of a made-up association is not marked twice.
    Association.objects.filter(pk=stories["schakel"].association_id).update(is_example=True)
    assert html(client.get("/verenigingen/in-beeld/schakel/")).count('class="example-mark"') == 1


@pytest.mark.parametrize("slug", ["verborgen", "gesloten", "bestaat-niet"])
def test_unpublished_stories_and_those_of_inactive_associations_are_not_found(client, stories, slug):
    assert client.get(f"/verenigingen/in-beeld/{slug}/").status_code == 404


def test_the_story_list_address_wins_over_an_association_called_in_beeld(client, nta):
    make(nta, "In Beeld", slug="in-beeld")
    page = html(client.get("/verenigingen/in-beeld/"))
    assert "<h1>In Beeld</h1>" not in page


# Sections on home and theme pages


def test_home_shows_the_latest_story_of_its_own_networks_associations(client, stories, tpa):
    nta_home = html(client.get("/"))
    spotlight = nta_home[nta_home.index('id="association-spotlight"') :]
    spotlight = spotlight[: spotlight.index("</section>")]
    assert 'href="/verenigingen/in-beeld/schakel/"' in spotlight  # not the newer hidden or inactive ones
    assert "Citaat van schakel." in spotlight and "<blockquote" in spotlight
    assert 'alt="Leden"' in spotlight
    assert 'href="/verenigingen/de-schakel/"' in spotlight
    tpa_home = html(client.get("/netwerken/tpa/"))
    spotlight = tpa_home[tpa_home.index('id="association-spotlight"') :]
    assert 'href="/verenigingen/in-beeld/vierkant/"' in spotlight[: spotlight.index("</section>")]
    assert "in-beeld/schakel/" not in tpa_home


def test_home_spotlight_vanishes_without_a_story(client, stories, directory):
    Story.objects.filter(association=directory["schakel"]).delete()
    assert 'id="association-spotlight"' in html(client.get("/netwerken/tpa/"))
    assert 'id="association-spotlight"' not in html(client.get("/"))
    Association.objects.filter(pk=directory["vierkant"].pk).update(is_active=False)
    assert 'id="association-spotlight"' not in html(client.get("/netwerken/tpa/"))


def test_theme_page_lists_its_active_associations_and_links_to_the_directory(client, directory):
    page = html(client.get("/themas/wonen/"))
    section = page[page.index('id="theme-associations"') :]
    section = section[: section.index("</section>")]
    assert names(section) == ["De Schakel", "Het Vierkant", "Ommekaar"]
    assert 'href="/verenigingen/?thema=wonen"' in section
    assert "Gesloten Huis" not in page


def test_theme_section_shows_at_most_twelve_and_vanishes_when_empty(client, nta, wonen, werk):
    for number in range(15):
        make(nta, f"Vereniging {number:02}", themes=[wonen])
    section = html(client.get("/themas/wonen/"))
    assert len(names(section[section.index('id="theme-associations"') :])) == 12
    assert 'id="theme-associations"' not in html(client.get("/themas/werk/"))


# Open data


def test_open_data_json_lists_active_associations(client, directory):
    response = client.get("/verenigingen/open-data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["count"] == 5
    rows = {row["name"]: row for row in data["associations"]}
    assert set(rows) == {"Buurtwerk Hasselt", "De Schakel", "Het Vierkant", "Kans Antwerpen", "Ommekaar"}
    ommekaar = rows["Ommekaar"]
    assert ommekaar["municipality"] == "Gent"
    assert ommekaar["postcode"] == "9000"
    assert ommekaar["province"] == "oost-vlaanderen"
    assert ommekaar["province_label"]
    assert ommekaar["network"] == "Netwerk tegen Armoede"
    assert sorted(ommekaar["themes"]) == ["Werk", "Wonen"]
    assert ommekaar["url"] == "http://testserver/verenigingen/ommekaar/"
    assert rows["Buurtwerk Hasselt"]["themes"] == []
    assert not response.cookies


def test_open_data_csv_opens_in_excel_and_in_the_csv_module(client, directory):
    response = client.get("/verenigingen/open-data.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="verenigingen.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0])[:4] == ["slug", "name", "url", "intro"]  # every column: tests/associations/test_open_data.py
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"Buurtwerk Hasselt", "De Schakel", "Het Vierkant", "Kans Antwerpen", "Ommekaar"}
    assert sorted(by_name["Ommekaar"]["themes"].split(";")) == ["Werk", "Wonen"]
    assert by_name["Het Vierkant"]["province"] == "limburg"
    assert by_name["Het Vierkant"]["network"] == "Trefpunt Armoede"
    assert by_name["Het Vierkant"]["url"] == "http://testserver/verenigingen/het-vierkant/"
    assert by_name["Buurtwerk Hasselt"]["themes"] == ""


def test_open_data_keeps_accents_and_commas(client, nta):
    make(nta, "Café Solidair, vzw", slug="cafe-solidair", municipality="Liège", postcode="4000")
    rows = list(csv.DictReader(io.StringIO(client.get("/verenigingen/open-data.csv").content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Café Solidair, vzw" and rows[0]["municipality"] == "Liège"
    assert json.loads(client.get("/verenigingen/open-data.json").content)["associations"][0]["name"] == (
        "Café Solidair, vzw"
    )


def test_open_data_refuses_post(client, directory):
    assert client.post("/verenigingen/open-data.json").status_code == 405
    assert client.post("/verenigingen/open-data.csv").status_code == 405


# Constant queries


def count_queries(client, path):
    client.get(path)  # the first request after a change fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?provincie=antwerpen",
        "?gemeente=2870",
        "?gemeente=puurs",
        "?netwerk=nta",
        "?thema=wonen",
        "?q=vereniging+samen",
        "?q=vereniging&provincie=antwerpen&gemeente=2870&netwerk=nta&thema=wonen",
        "?q=bestaat-niet&netwerk=nta",
        "?waar=2870",
        "?waar=malines",
        "?open=za",
        "?waar=2870&open=za&netwerk=nta&thema=wonen",
    ],
)
def test_directory_queries_do_not_grow_with_associations(client, nta, wonen, werk, query):
    """Cards read their network: without select_related each card cost a query."""
    bulk_associations(nta, 10, start=0, themes=[wonen, werk], weekdays=[5])
    before = count_queries(client, f"/verenigingen/{query}")
    bulk_associations(nta, 990, start=10, themes=[wonen, werk], weekdays=[5])
    assert Association.objects.count() == 1000
    assert count_queries(client, f"/verenigingen/{query}") == before
    if "bestaat-niet" not in query:
        assert result_count(html(client.get(f"/verenigingen/{query}"))) == 1000
    assert before <= 10


def test_later_pages_of_the_directory_cost_the_same_queries(client, nta, wonen):
    bulk_associations(nta, 45, start=0, themes=[wonen], weekdays=[5])
    first = count_queries(client, "/verenigingen/?thema=wonen")
    bulk_associations(nta, 955, start=45, themes=[wonen], weekdays=[5])
    assert count_queries(client, "/verenigingen/?thema=wonen&pagina=3") == first
    assert count_queries(client, "/verenigingen/?thema=wonen&pagina=50") == first


def test_profile_queries_do_not_grow_with_activities_photos_themes_and_stories(client, schakel):
    """Nothing on the profile costs a query per opening hour, closure, activity, photo, theme or story: all are
    fetched with it (the opening hours and the closures are the two queries beyond the six before them)."""
    path = "/verenigingen/de-schakel/"
    before = count_queries(client, path)
    OpeningHours.objects.bulk_create(
        OpeningHours(
            association=schakel, weekday=n % 7, opens=datetime.time(n // 7 + 8), closes=datetime.time(n // 7 + 9)
        )
        for n in range(21)
    )
    Closure.objects.bulk_create(
        Closure(association=schakel, starts_on=datetime.date(2099, 1, n), ends_on=datetime.date(2099, 1, n))
        for n in range(1, 11)
    )
    Activity.objects.bulk_create(
        Activity(association=schakel, what=f"Activiteit {n}", when="Elke week") for n in range(30)
    )
    Photo.objects.bulk_create(
        Photo(association=schakel, image=f"associations/foto-{n}.jpg", image_width=800, image_height=600, alt_text="x")
        for n in range(30)
    )
    schakel.themes.add(*Theme.objects.bulk_create(Theme(name=f"Thema {n}", slug=f"thema-{n}") for n in range(10)))
    Story.objects.bulk_create(
        Story(association=schakel, title=f"V{n}", slug=f"v{n}", quote="x", body="<p>x</p>", date=datetime.date.today())
        for n in range(20)
    )
    assert count_queries(client, path) == before
    assert before <= 8
    page = html(client.get(path))
    assert page.count('href="/verenigingen/in-beeld/v') == 20
    assert page.count('alt="x"') == 30


@pytest.mark.parametrize("path", ["/verenigingen/open-data.json", "/verenigingen/open-data.csv"])
def test_open_data_queries_do_not_grow_with_associations(client, nta, wonen, werk, path):
    """Every row reads its network and themes: both are fetched with the list."""
    bulk_associations(nta, 10, start=0, themes=[wonen, werk], weekdays=[5])
    before = count_queries(client, path)
    bulk_associations(nta, 990, start=10, themes=[wonen, werk], weekdays=[5])
    assert count_queries(client, path) == before


def test_story_list_and_sections_queries_do_not_grow(client, nta, wonen):
    bulk_associations(nta, 10, start=0, themes=[wonen], weekdays=[5])
    association = Association.objects.first()
    Story.objects.create(
        association=association,
        title="Eerste",
        slug="eerste",
        quote="x",
        body="<p>x</p>",
        date=datetime.date(2026, 1, 1),
    )
    paths = ["/verenigingen/in-beeld/", "/", "/themas/wonen/"]
    before = [count_queries(client, path) for path in paths]
    bulk_associations(nta, 90, start=10, themes=[wonen], weekdays=[5])
    Story.objects.bulk_create(
        Story(
            association=association,
            title=f"V{n}",
            slug=f"v{n}",
            quote="x",
            body="<p>x</p>",
            date=datetime.date(2025, 1, 1),
        )
        for n in range(40)
    )
    assert [count_queries(client, path) for path in paths] == before
