"""Issue 21, item 5: a network's own domain behaves as that network's site. Its lists, feeds, search and
agenda default to that network (and its regional networks) with an "alle netwerken" link; every page
has one canonical address (a network's content on its own domain, the rest on the main host), and
each host's sitemap lists only the pages canonical on it."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
import time_machine
from django.test import Client

from tests.factories import (
    EVENTS_NOW,
    NetworkFactory,
    ThemeFactory,
    make_association,
    make_campaign,
    make_event,
    make_post,
)

pytestmark = pytest.mark.django_db

DOMAIN = "trefpuntarmoede.be"
MAIN = "https://www.netwerktegenarmoede.be"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(EVENTS_NOW, tick=False):
        yield


@pytest.fixture
def world(settings):
    settings.ALLOWED_HOSTS = ["testserver", DOMAIN, f"www.{DOMAIN}"]
    settings.SITE_URL = MAIN
    nta = NetworkFactory(slug="nta", name="Netwerk tegen Armoede", position=0)
    tpa = NetworkFactory(slug="tpa", name="Trefpunt Armoede", parent=nta, position=1, domain=DOMAIN)
    bpa = NetworkFactory(slug="bpa", name="Brussels Platform Armoede", parent=nta, position=2)
    theme = ThemeFactory(name="Wonen", slug="wonen")
    content = {}
    for network in (nta, tpa, bpa):
        content[network.slug] = {
            "post": make_post(network, f"Bericht {network.slug}", published=True),
            "association": make_association(network, f"Vereniging {network.slug}"),
            "event": make_event(network, f"activiteit-{network.slug}"),
            "campaign": make_campaign(network, f"actie-{network.slug}", title=f"Actie {network.slug}"),
        }
    return {"nta": nta, "tpa": tpa, "bpa": bpa, "theme": theme, "content": content}


def own(path, **query):
    return Client(HTTP_HOST=DOMAIN).get(path, query)


def main(path, **query):
    return Client().get(path, query)


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def canonical(response):
    found = CANONICAL.findall(html(response))
    assert len(found) == 1
    return unescape(found[0])


def shown(page, world, kind):
    """The slugs of the networks whose `kind` (post, association, event, campaign) the page links to."""
    return {slug for slug, items in world["content"].items() if items[kind].get_absolute_url() in page}


LISTS = [("/nieuws/", "post"), ("/verenigingen/", "association"), ("/agenda/", "event"), ("/acties/", "campaign")]


@pytest.mark.parametrize(("path", "kind"), LISTS)
def test_lists_on_the_own_domain_show_that_network_and_link_to_all_networks(world, path, kind):
    assert shown(html(main(path)), world, kind) == {"nta", "tpa", "bpa"}
    page = html(own(path))
    assert shown(page, world, kind) == {"tpa"}
    assert f'<a href="{path}?netwerk=alle">Toon alle netwerken</a>' in page
    everything = html(own(path, netwerk="alle"))
    assert shown(everything, world, kind) == {"nta", "tpa", "bpa"}
    assert f'<a href="{path}">Toon alleen Trefpunt Armoede</a>' in everything
    assert shown(html(own(path, netwerk="bpa")), world, kind) == {"bpa"}
    assert "Toon alle netwerken" not in html(main(path))


def test_the_switch_keeps_the_other_filters_and_leaves_the_page_number_out(world):
    page = html(own("/verenigingen/", thema="", pagina="1"))
    assert '<a href="/verenigingen/?thema=&amp;netwerk=alle">Toon alle netwerken</a>' in page


def test_feeds_and_search_default_to_the_own_domain_network(world):
    posts = {slug: items["post"] for slug, items in world["content"].items()}
    for feed in ("/nieuws/feed/", "/nieuws/atom/"):
        assert shown(html(own(feed)), world, "post") == {"tpa"}
        assert shown(html(own(feed, netwerk="alle")), world, "post") == {"nta", "tpa", "bpa"}
        assert shown(html(main(feed)), world, "post") == {"nta", "tpa", "bpa"}
    ical = own("/agenda.ics").content.decode()
    assert "activiteit-tpa" in ical and "activiteit-nta" not in ical
    assert "activiteit-nta" in own("/agenda.ics", netwerk="alle").content.decode()
    assert 'href="/agenda.ics?netwerk=tpa"' in html(own("/agenda/"))
    assert 'href="/agenda.ics?netwerk=alle"' in html(own("/agenda/", netwerk="alle"))
    page = html(own("/zoeken/", q="Bericht"))
    assert posts["tpa"].get_absolute_url() in page and posts["nta"].get_absolute_url() not in page
    assert '<a href="/zoeken/?q=Bericht&amp;netwerk=alle">Toon alle netwerken</a>' in page
    page = html(own("/zoeken/", q="Bericht", netwerk="alle"))
    assert posts["nta"].get_absolute_url() in page
    # The links to one kind keep the choice of every network.
    assert 'href="/zoeken/?q=Bericht&amp;soort=nieuws&amp;netwerk=alle"' in page


def test_content_of_a_network_with_a_domain_is_canonical_there(world):
    tpa, nta = world["content"]["tpa"], world["content"]["nta"]
    for item in tpa.values():
        url = item.get_absolute_url()
        assert canonical(main(url)) == canonical(own(url)) == f"http://{DOMAIN}{url}"
    for item in nta.values():
        url = item.get_absolute_url()
        assert canonical(main(url)) == f"http://testserver{url}"
        assert canonical(own(url)) == f"{MAIN}{url}"


def test_homes_and_donate_pages_have_one_address(world):
    assert canonical(own("/")) == canonical(main("/netwerken/tpa/")) == f"http://{DOMAIN}/"
    assert canonical(main("/")) == canonical(main("/netwerken/nta/")) == "http://testserver/"
    assert canonical(own("/netwerken/nta/")) == f"{MAIN}/"
    assert canonical(own("/netwerken/bpa/")) == f"{MAIN}/netwerken/bpa/"
    assert canonical(main("/netwerken/tpa/steun-ons/")) == f"http://{DOMAIN}/steun-ons/"


def test_lists_are_canonical_where_their_network_is_the_default(world):
    assert canonical(own("/nieuws/")) == f"http://{DOMAIN}/nieuws/"
    assert canonical(main("/nieuws/", netwerk="tpa")) == f"http://{DOMAIN}/nieuws/"
    assert canonical(own("/nieuws/", netwerk="alle")) == f"{MAIN}/nieuws/"
    assert canonical(own("/nieuws/", netwerk="bpa", thema="wonen")) == f"{MAIN}/nieuws/?thema=wonen&netwerk=bpa"
    assert canonical(main("/nieuws/")) == "http://testserver/nieuws/"
    # Shared pages live on the main host.
    assert canonical(own("/themas/wonen/")) == f"{MAIN}/themas/wonen/"
    assert canonical(own("/netwerken/")) == f"{MAIN}/netwerken/"


def sitemap(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def test_each_hosts_sitemap_lists_only_the_pages_canonical_on_it(world):
    own_urls, main_urls = sitemap(Client(HTTP_HOST=DOMAIN)), sitemap(Client())
    for item in world["content"]["tpa"].values():
        assert f"http://{DOMAIN}{item.get_absolute_url()}" in own_urls
        assert f"http://testserver{item.get_absolute_url()}" not in main_urls
    for item in world["content"]["nta"].values():
        assert f"http://testserver{item.get_absolute_url()}" in main_urls
        assert f"http://{DOMAIN}{item.get_absolute_url()}" not in own_urls
    assert "http://testserver/themas/wonen/" in main_urls
    assert not any("/themas/" in url for url in own_urls)
    # Every address a sitemap lists is the canonical address of its page.
    for client, urls in ((Client(HTTP_HOST=DOMAIN), own_urls), (Client(), main_urls)):
        for url in urls:
            path = url.split("://", 1)[1].split("/", 1)[1]
            assert canonical(client.get(f"/{path}")) == url


def test_a_page_cached_on_one_domain_is_never_served_on_another(world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = own("/nieuws/")
    assert first["X-Page-Cache"] == "miss"
    assert own("/nieuws/")["X-Page-Cache"] == "hit"
    elsewhere = main("/nieuws/")
    assert elsewhere["X-Page-Cache"] == "miss"
    assert shown(html(elsewhere), world, "post") == {"nta", "tpa", "bpa"}
    assert shown(html(own("/nieuws/")), world, "post") == {"tpa"}
    www = Client(HTTP_HOST=f"www.{DOMAIN}").get("/nieuws/")
    assert www["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("path", ["/nieuws/", "/verenigingen/", "/agenda/", "/acties/", "/zoeken/?q=Bericht"])
def test_the_default_costs_no_query_more_than_choosing_the_network(world, path, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own(path)  # the host's network is cached from then on, as on every page
    separator = "&" if "?" in path else "?"
    with CaptureQueriesContext(connection) as chosen:
        Client(HTTP_HOST=DOMAIN).get(f"{path}{separator}netwerk=tpa")
    with django_assert_num_queries(len(chosen)):
        Client(HTTP_HOST=DOMAIN).get(path)
