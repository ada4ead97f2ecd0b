"""Publication windows for every kind of public content (issue 20, item 3): pages, documents, events,
campaigns and stories appear and disappear at their times on their lists, details, feeds, sitemap,
search and home and theme sections; the admin shows the fields, refuses a window that closes before
it opens, and lists what is scheduled ("gepland") or expired ("verlopen")."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.models import Theme
from news.models import NewsPost
from tests.admin_forms import admin_form_data, admin_url
from tests.factories import (
    AssociationFactory,
    CampaignFactory,
    DocumentFactory,
    EventFactory,
    NewsPostFactory,
    PageFactory,
    StoryFactory,
    SuperuserFactory,
    make_network,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 28, 12, 0))
OPENS = NOW + datetime.timedelta(hours=1)
CLOSES = NOW + datetime.timedelta(hours=3)
WINDOW = {"publish_at": OPENS, "unpublish_at": CLOSES}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock):
    nta = make_network("nta", 0)
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    association = AssociationFactory(network=nta, name="De Schakel", slug="de-schakel")
    return {"network": nta, "theme": theme, "association": association}


def with_theme(item, world):
    item.themes.set([world["theme"]])
    return item


def make_page(world):
    page = PageFactory(network=world["network"], title="Vensterproef pagina", slug="vensterproef", **WINDOW)
    return with_theme(page, world), page.get_absolute_url()


def make_document(world):
    document = DocumentFactory(network=world["network"], title="Vensterproef dossier", **WINDOW)
    return with_theme(document, world), document.file.url


def make_event(world):
    event = EventFactory(network=world["network"], title="Vensterproef trefdag", slug="vensterproef", **WINDOW)
    return with_theme(event, world), event.get_absolute_url()


def make_campaign(world):
    campaign = CampaignFactory(network=world["network"], title="Vensterproef actie", slug="vensterproef", **WINDOW)
    return with_theme(campaign, world), campaign.get_absolute_url()


def make_story(world):
    story = StoryFactory(association=world["association"], title="Vensterproef verhaal", slug="vensterproef", **WINDOW)
    return story, story.get_absolute_url()


# Per kind: how to make one, where a visitor finds it, and its own addresses (answering 404 outside
# its window).
KINDS = {
    "page": (
        make_page,
        ["/", "/netwerken/nta/", "/themas/wonen/", "/sitemap.xml", "/zoeken/?q=vensterproef"],
        ["/netwerken/nta/vensterproef/"],
    ),
    "document": (
        make_document,
        ["/documenten/", "/themas/wonen/", "/zoeken/?q=vensterproef", "/zoeken/?q=vensterproef&soort=documenten"],
        ["FILE"],
    ),
    "event": (
        make_event,
        ["/", "/agenda/", "/agenda/2026/", "/agenda.ics", "/themas/wonen/", "/sitemap.xml", "/zoeken/?q=vensterproef"],
        ["/agenda/vensterproef/", "/agenda/vensterproef.ics"],
    ),
    "campaign": (
        make_campaign,
        ["/", "/acties/", "/themas/wonen/", "/sitemap.xml", "/zoeken/?q=vensterproef"],
        ["/acties/vensterproef/"],
    ),
    "story": (
        make_story,
        ["/", "/verenigingen/in-beeld/", "/verenigingen/de-schakel/", "/sitemap.xml"],
        ["/verenigingen/in-beeld/vensterproef/"],
    ),
}


def found_in(client, places, address):
    found = []
    for path in places:
        response = client.get(path)
        assert response.status_code == 200, path
        if address in response.content.decode():
            found.append(path)
    return found


def statuses(client, addresses):
    return [client.get(address).status_code for address in addresses]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_appears_and_disappears_at_its_times(client, world, clock, kind):
    make, places, own = KINDS[kind]
    _, address = make(world)
    own = [address if path == "FILE" else path for path in own]

    assert found_in(client, places, address) == []
    assert statuses(client, own) == [404] * len(own)

    clock.move_to(OPENS)
    assert found_in(client, places, address) == places
    assert statuses(client, own) == [200] * len(own)

    clock.move_to(CLOSES)
    assert found_in(client, places, address) == []
    assert statuses(client, own) == [404] * len(own)


def test_an_event_outside_its_window_stays_open_to_its_networks_staff(client, world, clock):
    make_event(world)
    client.force_login(SuperuserFactory())
    response = client.get("/agenda/vensterproef/")
    assert response.status_code == 200
    assert "Voorbeeld: deze activiteit is niet gepubliceerd, het publiek ziet ze niet." in response.content.decode()


def test_a_campaign_shows_its_documents_only_inside_their_window(client, world, clock):
    campaign = CampaignFactory(network=world["network"], slug="lokaalsociaal")
    document = DocumentFactory(network=world["network"], title="Checklist", **WINDOW)
    campaign.documents.add(document)
    assert document.file.url not in client.get("/acties/lokaalsociaal/").content.decode()
    clock.move_to(OPENS)
    assert document.file.url in client.get("/acties/lokaalsociaal/").content.decode()
    clock.move_to(CLOSES)
    assert document.file.url not in client.get("/acties/lokaalsociaal/").content.decode()


# The admin ---------------------------------------------------------------------------------------

MAKERS = {
    ("network", "page"): lambda world: make_page(world)[0],
    ("network", "document"): lambda world: make_document(world)[0],
    ("news", "newspost"): lambda world: NewsPostFactory(network=world["network"], **WINDOW),
    ("events", "event"): lambda world: make_event(world)[0],
    ("campaigns", "campaign"): lambda world: make_campaign(world)[0],
    ("associations", "story"): lambda world: make_story(world)[0],
}


@pytest.mark.parametrize("app_label, model", MAKERS)
def test_every_change_form_has_the_window_with_dutch_help(client, world, app_label, model):
    item = MAKERS[app_label, model](world)
    client.force_login(SuperuserFactory())
    response = client.get(admin_url(app_label, model, "change", item))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("publish_at_0", "publish_at_1", "unpublish_at_0", "unpublish_at_1"):
        assert f'name="{name}"' in html, name
    assert "Leeg: het blijft online. Op dit tijdstip verdwijnt het vanzelf van de site." in html
    if model != "newspost":  # a post's publication time is required: it keeps its own help text
        assert "Leeg: meteen. Een tijdstip in de toekomst: het verschijnt dan vanzelf op de site." in html


@pytest.mark.parametrize("app_label, model", MAKERS)
def test_a_window_that_closes_before_it_opens_is_refused(world, app_label, model):
    item = MAKERS[app_label, model](world)
    item.unpublish_at = item.publish_at
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert refused.value.message_dict["unpublish_at"] == [
        "Het tijdstip om offline te halen moet na het tijdstip van publicatie komen."
    ]


def test_the_change_form_says_so_in_dutch_and_stores_nothing(client, world):
    post = NewsPostFactory(network=world["network"], title="Bericht", status=NewsPost.Status.PUBLISHED, **WINDOW)
    client.force_login(SuperuserFactory())
    url = admin_url("news", "newspost", "change", post)
    data = admin_form_data(client.get(url).content.decode(), "newspost_form")
    data.update({"unpublish_at_0": data["publish_at_0"], "unpublish_at_1": "09:00:00"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Het tijdstip om offline te halen moet na het tijdstip van publicatie komen." in response.content.decode()
    post.refresh_from_db()
    assert post.unpublish_at == CLOSES


def test_the_lists_filter_scheduled_and_expired(client, world, clock):
    scheduled = NewsPostFactory(network=world["network"], title="Later", status=NewsPost.Status.PUBLISHED, **WINDOW)
    expired = NewsPostFactory(
        network=world["network"],
        title="Voorbij",
        status=NewsPost.Status.PUBLISHED,
        publish_at=NOW - datetime.timedelta(days=2),
        unpublish_at=NOW - datetime.timedelta(days=1),
    )
    live = NewsPostFactory(network=world["network"], title="Nu", status=NewsPost.Status.PUBLISHED, publish_at=NOW)
    client.force_login(SuperuserFactory())
    url = admin_url("news", "newspost", "changelist")

    def listed(query):
        html = client.get(url + query).content.decode()
        return {post.title for post in (scheduled, expired, live) if f"/{post.pk}/change/" in html}, html

    titles, html = listed("")
    assert titles == {"Later", "Voorbij", "Nu"}
    assert '<td class="field-publication_window">Gepland</td>' in html
    assert '<td class="field-publication_window">Verlopen</td>' in html
    assert "publicatievenster" in html
    assert listed("?venster=gepland")[0] == {"Later"}
    assert listed("?venster=verlopen")[0] == {"Voorbij"}
    for app_label, model in MAKERS:
        response = client.get(admin_url(app_label, model, "changelist") + "?venster=gepland")
        assert response.status_code == 200, model


def test_every_kind_of_public_content_with_a_publication_state_has_a_window():
    """One rule: each windowed model's published() goes through the window, whatever else it asks."""
    from core.publication import windowed_models

    labels = sorted(model._meta.label for model in windowed_models())
    assert labels == [
        "associations.Story",
        "campaigns.Campaign",
        "events.Event",
        "network.Document",
        "network.Page",
        "news.NewsPost",
    ]
    for model in windowed_models():
        sql = str(model.objects.published().query)
        assert "unpublish_at" in sql, model
