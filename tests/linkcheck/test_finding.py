"""Which links the check finds: every http(s) address in the rich-text and URL fields of public
content, once per object and field, not the site's own, not what no reader sees."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from associations.models import Story
from events.models import Event
from linkcheck.finding import checked_models, found_links, hrefs, normalise, store
from linkcheck.models import Link, LinkUse
from news.models import NewsLink
from tests.factories import (
    AssociationFactory,
    CampaignFactory,
    EventFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://www.netwerk.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def found():
    """{(kind of the object to open, its id, field): {addresses}}."""
    result = {}
    for item in found_links():
        label = ContentType.objects.get_for_id(item.content_type_id).model_class()._meta.label
        result.setdefault((label, item.object_id, item.field), set()).add(item.url)
    return result


def test_links_in_each_kind_of_field_are_found():
    network = NetworkFactory(
        mission='<p><a href="https://missie.example/">m</a></p>', facebook_url="https://fb.example/n"
    )
    page = PageFactory(network=network, body='<p><a href="https://pagina.example/a?b=1">x</a></p>')
    post = NewsPostFactory(network=network, body='<p><a href="http://nieuws.example/">x</a></p>')
    NewsLink.objects.create(post=post, label="Meer", url="https://meer.example/lezen")
    association = AssociationFactory(
        network=network,
        description='<p><a href="https://beschrijving.example/">x</a></p>',
        website="https://vereniging.example/",
        facebook_url="https://fb.example/v",
        instagram_url="https://insta.example/v",
    )
    story = Story.objects.create(
        association=association,
        title="Verhaal",
        slug="verhaal",
        quote="Samen",
        body='<p><a href="https://verhaal.example/">x</a></p>',
        date=datetime.date(2026, 1, 1),
    )
    campaign = CampaignFactory(network=network, call_to_action_url="https://petitie.example/teken")
    partner = PartnerFactory(network=network, url="https://partner.example/")
    event = EventFactory(
        network=network,
        online_url="https://meet.example/r",
        registration_mode=Event.RegistrationMode.EXTERNAL,
        registration_url="https://inschrijven.example/",
    )

    assert found() == {
        ("network.Network", network.pk, "mission"): {"https://missie.example/"},
        ("network.Network", network.pk, "facebook_url"): {"https://fb.example/n"},
        ("network.Page", page.pk, "body"): {"https://pagina.example/a?b=1"},
        ("network.Partner", partner.pk, "url"): {"https://partner.example/"},
        ("news.NewsPost", post.pk, "body"): {"http://nieuws.example/"},
        # A news post's links are edited on the post: the use names the post.
        ("news.NewsPost", post.pk, "links.url"): {"https://meer.example/lezen"},
        ("associations.Association", association.pk, "description"): {"https://beschrijving.example/"},
        ("associations.Association", association.pk, "website"): {"https://vereniging.example/"},
        ("associations.Association", association.pk, "facebook_url"): {"https://fb.example/v"},
        ("associations.Association", association.pk, "instagram_url"): {"https://insta.example/v"},
        ("associations.Story", story.pk, "body"): {"https://verhaal.example/"},
        ("campaigns.Campaign", campaign.pk, "call_to_action_url"): {"https://petitie.example/teken"},
        ("events.Event", event.pk, "online_url"): {"https://meet.example/r"},
        ("events.Event", event.pk, "registration_url"): {"https://inschrijven.example/"},
    }


def test_each_use_carries_the_network_and_the_name_of_its_object():
    network = NetworkFactory()
    post = NewsPostFactory(network=network, title="Armoede in cijfers")
    NewsLink.objects.create(post=post, label="Bron", url="https://statbel.example/armoede")
    [item] = [item for item in found_links() if item.field == "links.url"]
    assert (item.network_id, item.object_id, item.object_repr) == (network.pk, post.pk, "Armoede in cijfers")


def test_the_fields_of_models_readers_never_see_are_not_read():
    read = {model for model, _fields in checked_models()}
    assert all(model.owner.public for model in read)
    assert Link not in read and LinkUse not in read


def test_only_outside_http_links_are_kept():
    network = NetworkFactory(domain="trefpunt.example")
    body = (
        '<p><a href="/netwerken/ander/">relative</a> <a href="mailto:info@netwerk.example">mail</a> '
        '<a href="tel:+3221234567">phone</a> <a href="https://www.netwerk.example/nieuws/">own site</a> '
        '<a href="http://netwerk.example/">own site without www</a> <a href="https://trefpunt.example/">'
        'a network\'s own domain</a> <a href="https://www.trefpunt.example/x">with www</a> '
        '<a href="https://buiten.example/pagina#deel">outside</a> <a href="https://buiten.example/pagina">again</a> '
        '<a href="HTTPS://Hoofdletters.example/Pad">outside too</a></p>'
    )
    post = NewsPostFactory(network=network, body=body)
    assert found() == {
        ("news.NewsPost", post.pk, "body"): {"https://buiten.example/pagina", "https://Hoofdletters.example/Pad"}
    }


def test_the_links_are_read_with_an_html_parser():
    assert hrefs('<p><a title="a > b" href="https://x.example/?a=1&amp;b=2">x</a><a>none</a></p>') == [
        "https://x.example/?a=1&b=2"
    ]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("  https://x.example/a#b ", "https://x.example/a"),
        ("https://x.example:99999999/", "https://x.example:99999999/"),
        ("https://[::1/", None),
        ("javascript:alert(1)", None),
        ("https:///no-host", None),
        ("", None),
        ("https://x.example/" + "a" * 2000, None),
    ],
)
def test_addresses_are_normalised(address, expected):
    assert normalise(address) == expected


def test_storing_keeps_one_link_for_many_uses_and_forgets_what_is_gone():
    network = NetworkFactory()
    first = NewsPostFactory(network=network, body='<p><a href="https://samen.example/">x</a></p>')
    second = NewsPostFactory(network=network, body='<p><a href="https://samen.example/">x</a></p>')
    assert store(found_links()) == (1, 2)
    link = Link.objects.get()
    assert sorted(link.uses.values_list("object_id", flat=True)) == sorted([first.pk, second.pk])

    second.title = "Nieuwe titel"
    second.save()
    first.body = '<p><a href="https://nieuw.example/">x</a></p>'
    first.save()
    assert store(found_links()) == (2, 2)
    assert Link.objects.get(url="https://samen.example/").uses.get().object_repr == "Nieuwe titel"
    assert Link.objects.get(url="https://nieuw.example/").uses.get().object_id == first.pk

    second.delete()
    assert store(found_links()) == (1, 1)
    assert list(Link.objects.values_list("url", flat=True)) == ["https://nieuw.example/"]


def test_a_link_keeps_its_state_while_it_is_used():
    post = NewsPostFactory(body='<p><a href="https://blijft.example/">x</a></p>')
    store(found_links())
    Link.objects.update(status=Link.Status.BROKEN, failures=2)
    post.title = "Anders"
    post.save()
    store(found_links())
    assert Link.objects.get().status == Link.Status.BROKEN
