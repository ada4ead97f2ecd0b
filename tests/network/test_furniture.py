"""Page furniture kept per content generation (core.pagecache.kept): the next page after a change shows it.

The network's menu, its regional networks, its footer and the networks and themes the list filters offer
are built once per generation of the content and shared by every page. With the page cache on
and off: publishing, unpublishing, editing or deleting a network, theme, page or partner shows on
the very next page.
"""

import pytest

from core.pagecache import everything_changed
from network.models import Network, Partner, Theme
from tests.factories import NetworkFactory, PageFactory, PartnerFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[0, 300], ids=["page-cache-off", "page-cache-on"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = request.param
    return request.param


@pytest.fixture
def main():
    return NetworkFactory(name="Netwerk tegen Armoede", slug="nta", position=0)


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_edited_or_deleted_theme_shows_in_the_filters_at_once(client, page_cache, main):
    theme = ThemeFactory(name="Wonen", slug="wonen")
    assert '<option value="wonen">Wonen</option>' in html(client, "/nieuws/")

    ThemeFactory(name="Onderwijs", slug="onderwijs")
    assert '<option value="onderwijs">Onderwijs</option>' in html(client, "/nieuws/")

    theme.name = "Betaalbaar wonen"
    theme.save()
    assert '<option value="wonen">Betaalbaar wonen</option>' in html(client, "/agenda/")

    Theme.objects.filter(slug="onderwijs").delete()
    assert 'value="onderwijs"' not in html(client, "/agenda/")


def test_a_new_or_renamed_network_shows_in_the_filters_at_once(client, page_cache, main):
    assert '<option value="nta">Netwerk tegen Armoede</option>' in html(client, "/verenigingen/")

    NetworkFactory(name="Trefpunt Limburg", slug="tpl", parent=main, position=1)
    assert '<option value="tpl">Trefpunt Limburg</option>' in html(client, "/verenigingen/")

    main.name = "Netwerk tegen Armoede vzw"
    main.save()
    assert '<option value="nta">Netwerk tegen Armoede vzw</option>' in html(client, "/nieuws/")


def test_a_published_edited_or_unpublished_page_shows_in_the_menu_at_once(client, page_cache, main):
    page = PageFactory(network=main, title="Over ons", slug="over-ons", published=False)
    assert "Over ons" not in html(client, "/")

    page.published = True
    page.save()
    assert "Over ons" in html(client, "/")

    page.title = "Wie zijn wij"
    page.save()
    home = html(client, "/")
    assert "Wie zijn wij" in home and "Over ons" not in home

    page.published = False
    page.save()
    assert "Wie zijn wij" not in html(client, "/")


def test_a_new_renamed_or_removed_regional_network_shows_on_the_home_at_once(client, page_cache, main):
    assert "Trefpunt Limburg" not in html(client, "/")

    regional = NetworkFactory(name="Trefpunt Limburg", short_name="TPL", slug="tpl", parent=main, position=1)
    assert "Trefpunt Limburg" in html(client, "/")

    regional.name = "Trefpunt Hasselt"
    regional.save()
    home = html(client, "/")
    assert "Trefpunt Hasselt" in home and "Trefpunt Limburg" not in home

    Network.objects.filter(pk=regional.pk).update(parent=None)  # an update(): no signal
    everything_changed()  # what code that changes networks with update() calls (core/pagecache.py)
    assert "Trefpunt Hasselt" not in html(client, "/")


def test_a_new_edited_or_deleted_funder_shows_in_the_footer_at_once(client, page_cache, main):
    partner = PartnerFactory(network=main, name="Provincie Limburg", kind=Partner.Kind.FUNDER)
    assert "Provincie Limburg" in html(client, "/")

    partner.name = "Vlaamse overheid"
    partner.save()
    home = html(client, "/")
    assert "Vlaamse overheid" in home and "Provincie Limburg" not in home

    partner.delete()
    assert "Vlaamse overheid" not in html(client, "/")


def test_an_edited_network_shows_in_the_footer_at_once(client, page_cache, main):
    """The footer is rendered once per generation of the site, network and language (templatetags/furniture.py)."""
    main.email = "info@netwerk-tegen-armoede.example"
    main.address = "Vooruitgangstraat 323\n1030 Brussel"
    main.save()
    home = html(client, "/")
    assert 'href="mailto:info@netwerk-tegen-armoede.example"' in home and "Vooruitgangstraat 323" in home
    assert "Nieuwsbrief" in home

    main.email = "hallo@netwerk-tegen-armoede.example"
    main.save()
    home = html(client, "/")
    assert 'href="mailto:hallo@netwerk-tegen-armoede.example"' in home
    assert "info@netwerk-tegen-armoede.example" not in home


def test_each_network_has_its_own_footer(client, page_cache, main):
    limburg = NetworkFactory(name="Trefpunt Armoede", slug="tpa", parent=main, email="info@trefpunt.example")
    main.email = "info@nta.example"
    main.save()
    assert 'href="mailto:info@nta.example"' in html(client, "/")
    trefpunt = html(client, limburg.get_absolute_url())
    assert 'href="mailto:info@trefpunt.example"' in trefpunt and "info@nta.example" not in trefpunt
