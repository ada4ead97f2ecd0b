"""The networks' demo pages say what the networks' own texts say (../shared/seeds/), no more and no less."""

import datetime
import re

import pytest
from django.core.management import call_command

from network.models import Page

pytestmark = pytest.mark.django_db

# The goals the Netwerk tegen Armoede names in its "Onze werking" text, in that order.
NTA_GOALS = [
    "De verenigingen ondersteunen",
    "Beleidswerk",
    "Communicatie en vorming",
    "Samenwerken",
    "Juridische actie",
    "Werkgevers",
]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def text_of(page):
    """The page's rich text, without the menu, the themes and the rest of the site's furniture."""
    start = page.index('<div class="rich-text">')
    return page[start : page.index("</div>", start)]


def test_onze_werking_announces_and_names_the_six_goals_of_the_seed(client, demo):
    page = html(client.get("/netwerken/netwerk-tegen-armoede/onze-werking/"))
    assert "Zes opdrachten, met de ervaring van mensen in armoede als vertrekpunt." in page
    assert "Vijf opdrachten" not in page
    assert re.findall(r"<h2>([^<]+)</h2>", text_of(page)) == NTA_GOALS
    # The two goals with a page of their own lead to it.
    for slug in ["juridische-actie", "werkgevers"]:
        path = f"/netwerken/netwerk-tegen-armoede/{slug}/"
        assert f'href="{path}"' in text_of(page)
        assert client.get(path).status_code == 200


def test_wettelijk_kader_does_not_call_2020_2024_the_next_plan_and_its_review_fits_the_facts(client, demo):
    page = html(client.get("/netwerken/netwerk-tegen-armoede/wettelijk-kader/"))
    assert "volgende plan" not in page
    assert "Op het plan van 2015-2019 volgde het Vlaams Actieplan Armoedebestrijding 2020-2024." in page
    # The seeds know the plans up to the network's reaction to 2020-2024 (2021): the text was last
    # reviewed while that plan ran, not after it ended.
    reviewed = Page.objects.get(network__slug="netwerk-tegen-armoede", slug="wettelijk-kader").last_reviewed
    assert reviewed == datetime.date(2021, 3, 10)
    assert "Laatst nagekeken op 10 maart 2021." in page


def test_trefpunt_has_a_page_op_pad_bij_de_verenigingen_reachable_from_its_network_page(client, demo):
    path = "/netwerken/trefpunt-armoede/op-pad-bij-de-verenigingen/"
    home = html(client.get("/netwerken/trefpunt-armoede/"))
    assert f'<a href="{path}">Op pad bij de verenigingen</a>' in home
    assert f'href="{path}"' in text_of(html(client.get("/netwerken/trefpunt-armoede/wat-doen-we/")))
    page = html(client.get(path))
    assert page.count("<h1>") == 1 and "<h1>Op pad bij de verenigingen</h1>" in page
    assert "welzijnsorganisaties" in page
    assert f'<a href="{path}" aria-current="page">' in page
