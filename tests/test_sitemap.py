"""/sitemap.xml lists every public page, with lastmod where a date exists, and nothing that is not public."""

import datetime
import xml.etree.ElementTree as ET
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.sitemaps import Sitemap
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from associations.models import Association, Story
from core import sitemaps
from network import sitemaps as network_sitemaps
from network.models import Document, Page, Theme
from news.models import NewsPost
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = datetime.datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS)
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
FIXED_PATHS = [
    "/",
    "/netwerken/",
    "/themas/",
    "/documenten/",
    "/verenigingen/",
    "/verenigingen/in-beeld/",
    "/nieuws/",
    "/steun-ons/",
    "/privacy/",
]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def network(slug, position=0):
    return NetworkFactory(
        name=f"Netwerk {slug}",
        short_name=slug.upper()[:5],
        slug=slug,
        region="vlaanderen",
        mission="<p>x</p>",
        position=position,
    )


def news(owner, slug, *, status="published", when=NOW - datetime.timedelta(days=1)):
    return NewsPost.objects.create(
        network=owner,
        title=f"Bericht {slug}",
        slug=slug,
        status=status,
        publish_at=when,
        lead="Kort.",
        body="<p>x</p>",
    )


def association(owner, slug, *, active=True):
    return Association.objects.create(
        network=owner,
        name=f"Vereniging {slug}",
        slug=slug,
        municipality="Puurs",
        postcode="2870",
        intro="x",
        is_active=active,
    )


def story(owner, slug, *, published=True):
    return Story.objects.create(
        association=owner,
        title=f"Verhaal {slug}",
        slug=slug,
        quote="Hier worden we gehoord",
        body="<p>x</p>",
        date=datetime.date(2026, 2, 1),
        published=published,
    )


@pytest.fixture
def world(frozen):
    nta = network("nta")
    world = {
        "network": nta,
        "page": Page.objects.create(
            network=nta,
            title="Onze werking",
            slug="onze-werking",
            body="<p>x</p>",
            last_reviewed=datetime.date(2026, 1, 1),
        ),
        "theme": Theme.objects.create(name="Wonen", slug="wonen"),
        "post": news(nta, "publiek"),
        "draft": news(nta, "klad", status="draft"),
        "scheduled": news(nta, "gepland", when=NOW + datetime.timedelta(hours=1)),
        "association": association(nta, "de-schakel"),
        "inactive": association(nta, "gestopt", active=False),
        "document": Document.objects.create(
            network=nta,
            title="Jaarverslag",
            date=datetime.date(2026, 1, 1),
            file=SimpleUploadedFile("jaarverslag.pdf", b"%PDF-1.4 x"),
        ),
    }
    frozen.shift(datetime.timedelta(minutes=5))  # a later change of the page
    world["hidden_page"] = Page.objects.create(
        network=nta,
        title="Klad",
        slug="klad",
        body="<p>x</p>",
        published=False,
        last_reviewed=datetime.date(2026, 1, 1),
    )
    world["story"] = story(world["association"], "in-de-kijker")
    world["hidden_story"] = story(world["association"], "nog-niet", published=False)
    world["inactive_story"] = story(world["inactive"], "van-gestopte-vereniging")
    return world


def read(client):
    """The sitemap as {path: lastmod or None}."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        location = url.findtext("sm:loc", namespaces=NS)
        assert location.startswith("http://testserver/"), location
        path = urlsplit(location).path
        assert path not in entries, f"{path} listed twice"
        entries[path] = url.findtext("sm:lastmod", namespaces=NS)
    return entries


def test_sitemap_lists_every_kind_of_public_page(client, world):
    entries = read(client)
    expected = [
        *FIXED_PATHS,
        "/netwerken/nta/partners/",
        "/netwerken/nta/onze-werking/",
        "/themas/wonen/",
        world["post"].get_absolute_url(),
        "/verenigingen/de-schakel/",
        "/verenigingen/in-beeld/in-de-kijker/",
    ]
    missing = [path for path in expected if path not in entries]
    assert not missing
    # The main network's home and donate page are / and /steun-ons/: one address each (issue 21).
    assert "/netwerken/nta/" not in entries and "/netwerken/nta/steun-ons/" not in entries
    assert world["post"].get_absolute_url() == "/nieuws/2026/publiek/"


def test_sitemap_leaves_out_what_is_not_public(client, world):
    paths = set(read(client))
    hidden = [
        world["draft"].get_absolute_url(),
        world["scheduled"].get_absolute_url(),
        "/netwerken/nta/klad/",
        "/verenigingen/gestopt/",
        "/verenigingen/in-beeld/nog-niet/",
        "/verenigingen/in-beeld/van-gestopte-vereniging/",
    ]
    assert not [path for path in hidden if path in paths]
    # Documents are files, not pages.
    assert world["document"].file.url not in paths
    assert not [path for path in paths if path.startswith("/media/") or path.endswith(".pdf")]


def test_scheduled_post_enters_the_sitemap_when_its_time_has_come(client, world, frozen):
    scheduled = world["scheduled"].get_absolute_url()
    assert scheduled not in read(client)
    frozen.shift(datetime.timedelta(hours=2))
    assert scheduled in read(client)


def test_lastmod_where_a_date_exists(client, world, frozen):
    frozen.shift(datetime.timedelta(days=3))
    world["post"].save()  # edited three days later: lastmod follows the edit, not the publication
    entries = read(client)
    assert entries[world["post"].get_absolute_url()] == "2026-03-31"
    assert entries["/netwerken/nta/onze-werking/"] == "2026-03-28"
    assert entries["/verenigingen/de-schakel/"] == "2026-03-28"
    assert entries["/verenigingen/in-beeld/in-de-kijker/"] == "2026-02-01"
    assert entries["/themas/wonen/"] is None
    assert entries["/"] is None


def test_network_lastmod_is_its_newest_published_page(client, world, frozen):
    frozen.shift(datetime.timedelta(days=2))
    world["hidden_page"].save()  # an unpublished page's change is no change of the network's public pages
    entries = read(client)
    assert entries["/netwerken/nta/partners/"] == "2026-03-28"
    frozen.shift(datetime.timedelta(days=2))
    world["page"].save()
    assert read(client)["/netwerken/nta/partners/"] == "2026-04-01"


def test_a_network_without_pages_has_no_lastmod(client, world):
    network("tpa", 1)
    assert read(client)["/netwerken/tpa/"] is None


def test_the_network_at_the_root_is_the_first_by_position_not_the_first_made(client, world):
    """The network at / is listed once, as /; the others at /netwerken/<slug>/."""
    world["network"].position = 5
    world["network"].save()
    network("eerst", 1)
    entries = read(client)
    assert "/netwerken/eerst/" not in entries and "/netwerken/eerst/steun-ons/" not in entries
    assert "/netwerken/nta/" in entries and "/netwerken/nta/steun-ons/" in entries


def test_every_listed_page_answers(client, world):
    entries = read(client)
    assert len(entries) >= len(FIXED_PATHS) + 8
    for path in entries:
        resolve(path)  # raises Resolver404 for an address no view answers
        assert client.get(path).status_code == 200, path


def test_queries_do_not_grow_with_the_content(client, world, frozen):
    """Each section costs the same few queries, whether it lists five or fifty items."""
    owner = world["network"]

    def add(first, count):
        for number in range(first, first + count):
            news(owner, f"bericht-{number}")
            page = Page.objects.create(
                network=owner,
                title=f"P{number}",
                slug=f"p-{number}",
                body="<p>x</p>",
                last_reviewed=datetime.date(2026, 1, 1),
            )
            assert page.published
            club = association(owner, f"vereniging-{number}")
            story(club, f"verhaal-{number}")
            Theme.objects.create(name=f"Thema {number}", slug=f"thema-{number}")
            network(f"netwerk-{number}", number + 2)

    add(0, 4)  # five posts with the world's one
    with CaptureQueriesContext(connection) as few:
        assert len(read(client)) > 20
    add(4, 45)  # fifty
    with CaptureQueriesContext(connection) as many:
        assert len(read(client)) > 300
    assert len(many) == len(few)


def test_fixed_pages_that_do_not_exist_are_skipped(client, world, monkeypatch):
    monkeypatch.setattr(
        network_sitemaps, "FIXED_PAGES", [*network_sitemaps.FIXED_PAGES, "nothing:list", "no-such-page"]
    )
    assert "/" in read(client)


class ExtraSitemap(Sitemap):
    def items(self):
        return ["/extra/pagina/"]

    def location(self, item):
        return item


def test_a_later_app_registers_its_section(client, world):
    assert "extra" not in sitemaps.SITEMAPS
    sitemaps.register("extra", ExtraSitemap)
    try:
        assert "/extra/pagina/" in read(client)
        sitemaps.register("extra", ExtraSitemap)  # registering twice is harmless
        with pytest.raises(ValueError, match="exists already"):
            sitemaps.register("extra", network_sitemaps.ThemeSitemap)
    finally:
        sitemaps.SITEMAPS.pop("extra", None)
    assert "/extra/pagina/" not in read(client)


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode().splitlines()
