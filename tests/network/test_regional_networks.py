"""'A network and its regional networks' is one rule (Network.with_regional_networks): the main
network's pages show its regional networks' content, a regional network's pages only its own."""

import pytest

from events.models import Event
from news.models import NewsPost
from tests.factories import NetworkFactory, make_event, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    main = NetworkFactory(slug="hoofd")
    regional = NetworkFactory(slug="regio", parent=main)
    other = NetworkFactory(slug="ander", parent=main)
    return main, regional, other


def test_the_main_network_shows_its_regional_networks_content(family):
    main = family[0]
    posts = [make_post(network, f"Bericht {network.slug}", published=True) for network in family]
    assert set(NewsPost.objects.filter(main.with_regional_networks())) == set(posts)


def test_a_regional_network_shows_only_its_own_content(family):
    main, regional, _other = family
    events = {network.slug: make_event(network, f"activiteit-{network.slug}") for network in family}
    assert list(Event.objects.filter(regional.with_regional_networks())) == [events["regio"]]
    assert set(Event.objects.of_network(main)) == set(events.values())
