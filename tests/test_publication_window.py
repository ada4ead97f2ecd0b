"""Publication windows (issue 20, item 3): a news post with "publish at" and "unpublish at" appears
and disappears at its times everywhere a visitor could find it, the page cache included, without
a timer; and content that was online before the fields existed stays online."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from network.models import Theme
from network.permissions import Role
from news.models import NewsPost
from tests.factories import (
    AssociationFactory,
    CampaignFactory,
    NewsPostFactory,
    StaffFactory,
    make_network,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 28, 12, 0))
OPENS = NOW + datetime.timedelta(hours=1)
CLOSES = NOW + datetime.timedelta(hours=3)
TITLE = "Vensterproef over betaalbaar wonen"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock):
    nta = make_network("nta", 0)
    tpa = make_network("tpa", 1)
    tpa.parent = nta
    tpa.save()
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    association = AssociationFactory(network=tpa, name="De Schakel", slug="de-schakel")
    post = NewsPostFactory(
        network=tpa,
        title=TITLE,
        slug="vensterproef",
        status=NewsPost.Status.PUBLISHED,
        publish_at=OPENS,
        unpublish_at=CLOSES,
    )
    post.themes.set([theme])
    post.associations.set([association])
    return {"nta": nta, "tpa": tpa, "post": post}


# Everywhere a visitor could find a news post: lists, homes, theme, association profile, feeds,
# sitemap and search (the address of the post is what each of them shows of it).
PLACES = [
    "/",
    "/netwerken/tpa/",
    "/nieuws/",
    "/nieuws/?netwerk=tpa&thema=wonen",
    "/themas/wonen/",
    "/verenigingen/de-schakel/",
    "/nieuws/feed/",
    "/nieuws/atom/",
    "/nieuws/feed/?netwerk=tpa",
    "/sitemap.xml",
    "/zoeken/?q=vensterproef",
    "/zoeken/?q=vensterproef&soort=nieuws",
]


def places_showing(client, post):
    address = post.get_absolute_url()
    found = []
    for path in PLACES:
        response = client.get(path)
        assert response.status_code == 200, path
        if address in response.content.decode():
            found.append(path)
    return found


def test_a_news_post_appears_and_disappears_at_its_times_everywhere(client, world, clock):
    post = world["post"]
    assert post.get_absolute_url() == "/nieuws/2026/vensterproef/"

    assert places_showing(client, post) == []
    assert client.get(post.get_absolute_url()).status_code == 404

    clock.move_to(OPENS)
    assert places_showing(client, post) == PLACES
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200 and TITLE in response.content.decode()

    clock.move_to(CLOSES - datetime.timedelta(seconds=1))
    assert places_showing(client, post) == PLACES

    clock.move_to(CLOSES)
    assert places_showing(client, post) == []
    assert client.get(post.get_absolute_url()).status_code == 404


def test_staff_preview_works_before_and_after_the_window(client, world, clock):
    post = world["post"]
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[world["tpa"]]))
    for moment, message in (
        (NOW, "Voorbeeld: dit bericht verschijnt op 28 maart 2026 13:00."),
        (CLOSES, "Voorbeeld: dit bericht is offline sinds 28 maart 2026 15:00; het publiek kan het niet zien."),
    ):
        clock.move_to(moment)
        response = client.get(f"/nieuws/voorbeeld/{post.pk}/")
        assert response.status_code == 200
        assert TITLE in response.content.decode() and message in response.content.decode()


# The page cache ---------------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CDN_SECONDS = 60


def test_a_cached_page_is_not_served_once_the_window_closes(
    client, world, clock, page_cache, django_assert_num_queries
):
    address = world["post"].get_absolute_url()
    clock.move_to(CLOSES - datetime.timedelta(seconds=30))
    first = client.get("/nieuws/")
    assert first["X-Page-Cache"] == "miss" and address in first.content.decode()
    # The CDN may keep it only until the window closes.
    assert "s-maxage=30" in first["Cache-Control"]

    clock.move_to(CLOSES - datetime.timedelta(seconds=1))
    with django_assert_num_queries(0):
        hit = client.get("/nieuws/")
    assert hit["X-Page-Cache"] == "hit" and hit.content == first.content

    # No timer, no command, no save: the next request after the boundary is built anew.
    clock.move_to(CLOSES)
    after = client.get("/nieuws/")
    assert after["X-Page-Cache"] == "miss" and address not in after.content.decode()
    with django_assert_num_queries(0):
        assert client.get("/nieuws/")["X-Page-Cache"] == "hit"


def test_a_cached_page_shows_a_post_the_moment_its_window_opens(client, world, clock, page_cache):
    address = world["post"].get_absolute_url()
    for path in ("/", "/nieuws/", "/sitemap.xml"):
        assert address not in client.get(path).content.decode(), path
        assert client.get(path)["X-Page-Cache"] == "hit", path
    clock.move_to(OPENS)
    for path in ("/", "/nieuws/", "/sitemap.xml"):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss" and address in response.content.decode(), path


def test_a_window_set_later_is_known_to_the_cache(client, world, clock, page_cache):
    """The next boundary is kept in the shared cache: a saved window makes it be looked up again."""
    post = NewsPostFactory(
        network=world["nta"], title="Bericht zonder einde", status=NewsPost.Status.PUBLISHED, publish_at=NOW
    )
    clock.move_to(CLOSES + datetime.timedelta(hours=1))  # the fixture's window is over: no boundary left
    assert post.get_absolute_url() in client.get("/nieuws/").content.decode()
    assert client.get("/nieuws/")["X-Page-Cache"] == "hit"

    post.unpublish_at = timezone.now() + datetime.timedelta(minutes=10)
    post.save()
    assert post.get_absolute_url() in client.get("/nieuws/").content.decode()
    assert client.get("/nieuws/")["X-Page-Cache"] == "hit"

    clock.shift(datetime.timedelta(minutes=10))
    response = client.get("/nieuws/")
    assert response["X-Page-Cache"] == "miss" and post.get_absolute_url() not in response.content.decode()


# Migrations -------------------------------------------------------------------------------------

BEFORE = [
    ("network", "0006_document_publication_and_unguessable_names"),
    ("news", "0001_initial"),
    ("events", "0009_event_series"),
    ("campaigns", "0004_face_photo_needs_consent"),
    ("associations", "0005_story_is_example"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_content_published_before_the_windows_existed_stays_published():
    old = migrate(BEFORE)
    network = old.get_model("network", "Network").objects.create(
        name="NTA", short_name="NTA", slug="nta", region="vlaanderen", mission="x"
    )
    old.get_model("network", "Page").objects.create(
        network=network, title="Over ons", slug="over-ons", body="<p>x</p>", last_reviewed="2026-01-01"
    )
    old.get_model("network", "Document").objects.create(
        network=network,
        title="Jaarverslag",
        date="2025-01-01",
        file="documents/2025/x/jaarverslag.pdf",
        published=True,
    )
    old.get_model("news", "NewsPost").objects.create(
        network=network, title="Nieuws", slug="nieuws", status="published", publish_at=timezone.now(), lead="x"
    )
    old.get_model("events", "Event").objects.create(
        network=network,
        title="Trefdag",
        slug="trefdag",
        intro="x",
        start_date="2027-01-01",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=30, hours=2),
        place_name="Zaal",
        municipality="Hasselt",
    )
    old.get_model("campaigns", "Campaign").objects.create(
        network=network,
        title="Actie",
        slug="actie",
        starts_on="2025-01-01",
        ends_on="2027-12-31",
        intro="x",
        is_published=True,
    )
    association = old.get_model("associations", "Association").objects.create(
        network=network, name="De Schakel", slug="de-schakel", municipality="Puurs", postcode="2870", intro="x"
    )
    old.get_model("associations", "Story").objects.create(
        association=association, title="Verhaal", slug="verhaal", quote="q", body="<p>x</p>", date="2026-01-01"
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from associations.models import Story
    from campaigns.models import Campaign
    from events.models import Event
    from network.models import Document, Page

    for model in (Page, Document, NewsPost, Event, Campaign, Story):
        row = model.objects.get()
        assert (row.publish_at is None or row.publish_at <= timezone.now(), row.unpublish_at) == (True, None)
        assert model.objects.published().count() == 1, model


@pytest.mark.parametrize("factory", [NewsPostFactory, CampaignFactory], ids=["required-publish-at", "optional"])
def test_in_window_finds_the_rows_window_q_finds_at_every_moment(factory):
    """`in_window()` is one expression of SQL (core.publication.InWindow); window_q() the same condition
    from lookups. Rows with every combination of an empty, past and future start and end agree at
    moments before, on and after each of those times."""
    from core.publication import window_q

    model = factory._meta.model
    times = [None, NOW - datetime.timedelta(hours=2), NOW, NOW + datetime.timedelta(hours=2)]
    nullable = model._meta.get_field("publish_at").null
    for number, (start, end) in enumerate((start, end) for start in times for end in times):
        if start is None and not nullable:
            continue
        obj = factory(slug=f"venster-{number}")
        model.objects.filter(pk=obj.pk).update(publish_at=start, unpublish_at=end)
    moments = [moment + datetime.timedelta(seconds=shift) for moment in times[1:] for shift in (-1, 0, 1)]
    found = []
    for moment in moments:
        expected = set(model.objects.filter(window_q(model, moment)).values_list("pk", flat=True))
        assert set(model.objects.in_window(moment).values_list("pk", flat=True)) == expected, moment
        found.append(len(expected))
    # The moments see windows open and close: from none or a few rows to most of them.
    assert min(found) < max(found) < model.objects.count()
