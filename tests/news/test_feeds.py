"""The news feeds: RSS 2.0 at /nieuws/feed/ and Atom 1.0 at /nieuws/atom/, read as a feed reader reads them."""

import datetime
import html
import zoneinfo

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from network.models import Theme
from news.models import NewsPost
from tests.factories import make_network

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = datetime.datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS)  # the last day of winter time in 2026
FEEDS = ["/nieuws/feed/", "/nieuws/atom/"]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(frozen):
    nta = make_network("nta", 0)
    tpa = make_network("tpa", 1)
    tpa.parent = nta
    tpa.save()
    return {
        "nta": nta,
        "tpa": tpa,
        "wonen": Theme.objects.create(name="Wonen", slug="wonen"),
        "werk": Theme.objects.create(name="Werk", slug="werk"),
    }


def post(network, slug, *, when, status="published", themes=(), title=None, lead=None):
    item = NewsPost.objects.create(
        network=network,
        title=title or f"Bericht {slug}",
        slug=slug,
        status=status,
        publish_at=when,
        lead=lead or f"Inleiding {slug}",
        body="<p>Tekst</p>",
    )
    item.themes.set(themes)
    return item


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def slugs(parsed):
    return [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in parsed.entries]


def in_dutch(msgid, **values):
    """A UI string as the feed shows it, whatever the Dutch catalog makes of it."""
    with translation.override("nl"):
        return gettext(msgid) % values


def utc_struct(moment):
    return moment.utctimetuple()


def test_rss_items_have_title_absolute_link_lead_author_themes_and_brussels_dates(client, world):
    winter = post(
        world["nta"],
        "winter",
        when=NOW - datetime.timedelta(days=1),
        themes=[world["wonen"], world["werk"]],
        title="Huur & energie <nu>",
        lead="Wonen wordt duur: <b>niet</b> voor iedereen & zeker niet nu.",
    )
    summer = post(world["tpa"], "zomer", when=datetime.datetime(2025, 7, 1, 9, 30, tzinfo=BRUSSELS))
    response = client.get("/nieuws/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    raw = response.content.decode()
    parsed = feedparser.parse(response.content)

    assert parsed.version == "rss20"
    assert parsed.feed.title == in_dutch("%(name)s — news", name="Netwerk nta")
    assert parsed.feed.link == "http://testserver/nieuws/"
    assert slugs(parsed) == ["winter", "zomer"]
    first, second = parsed.entries
    # RSS readers take the title for HTML: it arrives escaped, and reads as written.
    assert first.title_detail.type == "text/html"
    assert html.unescape(first.title) == "Huur & energie <nu>"
    assert first.link == f"http://testserver{winter.get_absolute_url()}"
    assert first.id == first.link
    assert f'<guid isPermaLink="true">{first.link}</guid>' in raw
    assert html.unescape(first.summary) == winter.lead
    assert first.author == "Netwerk nta"
    assert [tag.term for tag in first.tags] == ["Werk", "Wonen"]
    # Dates in Brussels time, with the offset of their season.
    assert "<pubDate>Fri, 27 Mar 2026 12:00:00 +0100</pubDate>" in raw
    assert "<pubDate>Tue, 01 Jul 2025 09:30:00 +0200</pubDate>" in raw
    assert first.published_parsed == utc_struct(winter.publish_at)
    assert second.published_parsed == utc_struct(summer.publish_at)
    assert second.author == "Netwerk tpa"


def test_atom_entries_have_published_updated_id_and_summary(client, world, frozen):
    item = post(world["nta"], "atom", when=NOW - datetime.timedelta(days=2), themes=[world["wonen"]], title="A & B")
    frozen.shift(datetime.timedelta(hours=3))
    item.save()  # an edit after publication: updated differs from published
    item.refresh_from_db()
    response = client.get("/nieuws/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    raw = response.content.decode()
    parsed = feedparser.parse(response.content)

    assert parsed.version == "atom10"
    assert parsed.feed.title == in_dutch("%(name)s — news", name="Netwerk nta")
    assert parsed.feed.subtitle == in_dutch("The latest news of %(name)s.", name="Netwerk nta")
    assert parsed.feed.link == "http://testserver/nieuws/"
    (entry,) = parsed.entries
    assert entry.title == "A & B"
    assert entry.link == f"http://testserver{item.get_absolute_url()}"
    assert entry.id == entry.link
    assert html.unescape(entry.summary) == item.lead
    assert entry.author == "Netwerk nta"
    assert [tag.term for tag in entry.tags] == ["Wonen"]
    assert "<published>2026-03-26T12:00:00+01:00</published>" in raw
    assert "<updated>2026-03-28T15:00:00+01:00</updated>" in raw
    assert entry.published_parsed == utc_struct(item.publish_at)
    assert entry.updated_parsed == utc_struct(item.updated_at)


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_filter_by_network_and_theme_and_say_so(client, world, path):
    day = datetime.timedelta(days=1)
    post(world["nta"], "nta-wonen", when=NOW - 1 * day, themes=[world["wonen"]])
    post(world["nta"], "nta-werk", when=NOW - 2 * day, themes=[world["werk"]])
    post(world["tpa"], "tpa-wonen", when=NOW - 3 * day, themes=[world["wonen"], world["werk"]])
    post(world["tpa"], "tpa-zonder", when=NOW - 4 * day)

    assert slugs(read(client, path)) == ["nta-wonen", "nta-werk", "tpa-wonen", "tpa-zonder"]

    by_network = read(client, f"{path}?netwerk=tpa")
    assert slugs(by_network) == ["tpa-wonen", "tpa-zonder"]
    assert by_network.feed.title == in_dutch("%(name)s — news", name="Netwerk tpa")
    assert by_network.feed.link == "http://testserver/nieuws/?netwerk=tpa"
    if "atom" in path:  # RSS 2.0 has no author for a feed without an e-mail address
        assert by_network.feed.author == "Netwerk tpa"

    by_theme = read(client, f"{path}?thema=wonen")
    assert slugs(by_theme) == ["nta-wonen", "tpa-wonen"]
    assert by_theme.feed.title == in_dutch("%(name)s — news about %(theme)s", name="Netwerk nta", theme="Wonen")
    assert by_theme.feed.link == "http://testserver/nieuws/?thema=wonen"

    both = read(client, f"{path}?netwerk=tpa&thema=werk")
    assert slugs(both) == ["tpa-wonen"]
    assert both.feed.title == in_dutch("%(name)s — news about %(theme)s", name="Netwerk tpa", theme="Werk")
    assert both.feed.link == "http://testserver/nieuws/?netwerk=tpa&thema=werk"
    assert (
        f'href="http://testserver{path}?netwerk=tpa&amp;thema=werk"'
        in client.get(f"{path}?netwerk=tpa&thema=werk").content.decode()
    )


@pytest.mark.parametrize("path", FEEDS)
@pytest.mark.parametrize("query", ["?netwerk=bestaat-niet", "?thema=bestaat-niet", "?netwerk=nta&thema=bestaat-niet"])
def test_unknown_network_or_theme_is_not_found(client, world, path, query):
    assert client.get(f"{path}{query}").status_code == 404


@pytest.mark.parametrize("path", FEEDS)
@pytest.mark.parametrize("query", ["?netwerk=nta%00", "?thema=%00", "?netwerk=%3Cscript%3E"])
def test_filter_that_no_slug_can_be_is_not_found(client, world, path, query):
    """A NUL byte in ?netwerk= reached PostgreSQL, which refused it with an error: a 500 (hostile-input sweep)."""
    assert client.get(f"{path}{query}").status_code == 404


@pytest.mark.parametrize("path", FEEDS)
@pytest.mark.parametrize("status, hours", [("draft", -1), ("published", +1)])
def test_drafts_and_scheduled_posts_stay_out_until_their_time_has_come(client, world, frozen, path, status, hours):
    post(world["nta"], "zichtbaar", when=NOW - datetime.timedelta(days=1))
    post(world["nta"], "verborgen", status=status, when=NOW + datetime.timedelta(hours=hours))
    assert slugs(read(client, path)) == ["zichtbaar"]
    frozen.shift(datetime.timedelta(hours=2))
    expected = ["verborgen", "zichtbaar"] if status == "published" else ["zichtbaar"]
    assert slugs(read(client, path)) == expected


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_hold_the_twenty_latest_posts(client, world, path):
    for number in range(25):
        post(world["nta"], f"bericht-{number:02}", when=NOW - datetime.timedelta(hours=number + 1))
    assert slugs(read(client, path)) == [f"bericht-{number:02}" for number in range(20)]


@pytest.mark.parametrize("path", [*FEEDS, "/nieuws/feed/?netwerk=nta&thema=wonen"])
def test_queries_do_not_grow_with_the_number_of_posts(client, world, path):
    """Each item's network and themes come with the list, not one query per item."""

    def add_posts(first, count):
        for number in range(first, first + count):
            post(
                world["nta"],
                f"bericht-{number}",
                when=NOW - datetime.timedelta(hours=number + 1),
                themes=[world["wonen"], world["werk"]],
            )

    add_posts(0, 2)
    client.get(path)  # the site's network is cached after the first request
    with CaptureQueriesContext(connection) as few:
        assert len(read(client, path).entries) == 2
    add_posts(2, 18)
    with CaptureQueriesContext(connection) as many:
        assert len(read(client, path).entries) == 20
    assert len(many) == len(few)


def test_last_modified_header_is_the_newest_change(client, world):
    post(world["nta"], "oud", when=NOW - datetime.timedelta(days=3))
    response = client.get("/nieuws/feed/")
    assert response["Last-Modified"] == "Sat, 28 Mar 2026 11:00:00 GMT"  # the post was saved "now"
