"""Issue 21, item 4: a network filter includes its regional networks' associations, events and news
everywhere (directory, map, agenda, iCal, news list, RSS, Atom, search): one rule,
Network.with_regional_networks, on the demo content."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from associations.models import Association
from events.models import Event
from network.models import Network
from news.models import NewsPost

pytestmark = pytest.mark.django_db

NTA = "netwerk-tegen-armoede"
RESULTS_HEADING = re.compile(r'<h2 id="association-results">(\d+) ')


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    return {network.slug: network for network in Network.objects.all()}


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def regional_slugs(demo):
    return [slug for slug, network in demo.items() if network.parent_id == demo[NTA].pk]


def test_the_demo_main_network_has_two_regional_networks(demo):
    assert sorted(regional_slugs(demo)) == ["brussels-platform-armoede", "trefpunt-armoede"]


def test_the_directory_lists_the_58_active_associations_of_the_network_and_its_regional_networks(client, demo):
    assert Association.objects.active().filter(network=demo[NTA]).count() == 43
    page = html(client.get("/verenigingen/", {"netwerk": NTA}))
    assert RESULTS_HEADING.search(page).group(1) == "58"
    page = html(client.get("/verenigingen/kaart/", {"netwerk": NTA}))
    assert RESULTS_HEADING.search(page).group(1) == "58"
    assert "Kaart van Vlaanderen en Brussel met 58 verenigingen" in page


def test_a_regional_network_lists_only_its_own_associations(client, demo):
    page = html(client.get("/verenigingen/", {"netwerk": "brussels-platform-armoede"}))
    assert RESULTS_HEADING.search(page).group(1) == "7"
    page = html(client.get("/verenigingen/kaart/", {"netwerk": "trefpunt-armoede"}))
    assert RESULTS_HEADING.search(page).group(1) == "8"


def regional_event(demo):
    """An upcoming published event of a regional network (the demo has some)."""
    return Event.objects.published().upcoming().filter(network__parent=demo[NTA]).first()


def test_the_agenda_and_its_ical_feed_show_the_regional_networks_events(client, demo):
    event = regional_event(demo)
    assert event is not None
    assert event.get_absolute_url() in html(client.get("/agenda/", {"netwerk": NTA}))
    year = event.start_date.year
    assert event.get_absolute_url() in html(client.get(f"/agenda/{year}/", {"netwerk": NTA}))
    feed = client.get("/agenda.ics", {"netwerk": NTA}).content.decode()
    # Every demo event belongs to the main network or one of its regional networks.
    assert feed.count("BEGIN:VEVENT") == client.get("/agenda.ics").content.decode().count("BEGIN:VEVENT") > 1
    assert f"URL:http://testserver{event.get_absolute_url()}" in feed
    own_only = client.get("/agenda.ics", {"netwerk": event.network.slug}).content.decode()
    urls = re.findall(r"URL:http://testserver/agenda/([\w-]+)/", own_only)
    assert urls and set(Event.objects.filter(slug__in=urls).values_list("network", flat=True)) == {event.network_id}


def regional_post(demo):
    return NewsPost.objects.published().filter(network__parent=demo[NTA]).order_by("-publish_at").first()


def test_the_news_list_and_feeds_show_the_regional_networks_news(client, demo):
    post = regional_post(demo)
    assert post is not None
    assert post.get_absolute_url() in html(client.get("/nieuws/", {"netwerk": NTA}))
    for feed in ("/nieuws/feed/", "/nieuws/atom/"):
        assert post.get_absolute_url() in html(client.get(feed, {"netwerk": NTA}))
    assert post.get_absolute_url() in html(client.get("/nieuws/feed/", {"netwerk": post.network.slug}))
    other = next(slug for slug in regional_slugs(demo) if slug != post.network.slug)
    assert post.get_absolute_url() not in html(client.get("/nieuws/feed/", {"netwerk": other}))


def test_search_narrowed_to_a_network_finds_its_regional_networks_content(client, demo):
    bpa = "brussels-platform-armoede"
    association = Association.objects.active().get(network__slug=bpa, municipality="Anderlecht")
    word = association.municipality
    assert association.get_absolute_url() in html(client.get("/zoeken/", {"q": word, "netwerk": NTA}))
    assert association.get_absolute_url() in html(
        client.get("/zoeken/", {"q": word, "netwerk": "brussels-platform-armoede"})
    )
    page = html(client.get("/zoeken/", {"q": word, "netwerk": "trefpunt-armoede"}))
    assert association.get_absolute_url() not in page


@pytest.mark.parametrize("url", ["/verenigingen/", "/agenda/", "/nieuws/", "/zoeken/"])
def test_an_unknown_network_is_a_400_with_a_dutch_message(client, demo, url):
    response = client.get(url, {"netwerk": "bestaat-niet", "q": "armoede"})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_on_its_own_domain_a_network_lists_its_own_associations_and_links_to_all_58(demo, settings):
    settings.ALLOWED_HOSTS = ["testserver", "trefpuntarmoede.be"]
    tpa = demo["trefpunt-armoede"]
    tpa.domain = "trefpuntarmoede.be"
    tpa.save()
    own = Client(HTTP_HOST="trefpuntarmoede.be")
    page = html(own.get("/verenigingen/"))
    assert RESULTS_HEADING.search(page).group(1) == "8"
    assert '<a href="/verenigingen/?netwerk=alle">Toon alle netwerken</a>' in page
    assert RESULTS_HEADING.search(html(own.get("/verenigingen/", {"netwerk": "alle"}))).group(1) == "58"
    assert RESULTS_HEADING.search(html(own.get("/verenigingen/", {"netwerk": NTA}))).group(1) == "58"
