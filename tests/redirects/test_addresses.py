"""A public object whose address changes leaves a permanent redirect from the old address: pages,
news, events, campaigns and associations; chains lead straight to the end, never in a circle."""

import datetime

import pytest
from django.utils import timezone

from news.models import NewsPost
from redirects.models import Redirect
from tests.factories import (
    NewsPostFactory,
    make_association,
    make_campaign,
    make_event,
    make_network,
    make_page,
    make_post,
)

pytestmark = pytest.mark.django_db


def make_public(kind, network, slug):
    if kind == "page":
        return make_page(network, "Over ons", slug=slug)
    if kind == "news":
        return NewsPostFactory(network=network, slug=slug, status=NewsPost.Status.PUBLISHED)
    if kind == "event":
        return make_event(network, slug)
    if kind == "campaign":
        return make_campaign(network, slug)
    return make_association(network, "De Schakel", slug=slug)


KINDS = ["page", "news", "event", "campaign", "association"]


@pytest.fixture
def network():
    return make_network("eigen", 0)


def rename(obj, slug):
    obj.slug = slug
    obj.save()
    return obj


@pytest.mark.parametrize("kind", KINDS)
def test_a_changed_slug_leaves_a_permanent_redirect_from_the_old_address(client, network, kind):
    obj = make_public(kind, network, "oude-naam")
    old_address = obj.get_absolute_url()
    assert client.get(old_address).status_code == 200

    rename(obj, "nieuwe-naam")

    response = client.get(old_address)
    assert response.status_code == 301
    assert response["Location"] == obj.get_absolute_url()
    assert "nieuwe-naam" in obj.get_absolute_url()
    assert client.get(obj.get_absolute_url()).status_code == 200
    assert Redirect.objects.get().network == network


def test_the_query_string_goes_along_and_head_is_redirected_too(client, network):
    event = make_event(network, "oude-naam")
    old_address = event.get_absolute_url()
    rename(event, "nieuwe-naam")

    assert (
        client.get(f"{old_address}?utm_source=nieuwsbrief")["Location"]
        == "/agenda/nieuwe-naam/?utm_source=nieuwsbrief"
    )
    assert client.head(old_address).status_code == 301
    assert client.post(old_address).status_code == 405  # the view allows GET and HEAD only; no redirect
    assert Redirect.objects.get().hits == 2


def test_a_redirect_is_kept_by_browsers_for_a_day_only(client, network):
    rename(make_event(network, "oude-naam"), "nieuwe-naam")

    assert client.get("/agenda/oude-naam/")["Cache-Control"] == "max-age=86400"


def test_a_chain_of_renames_leads_straight_to_the_last_address(client, network):
    campaign = make_campaign(network, "eerste")
    rename(campaign, "tweede")
    rename(campaign, "derde")

    assert client.get("/acties/eerste/")["Location"] == "/acties/derde/"
    assert client.get("/acties/tweede/")["Location"] == "/acties/derde/"
    assert sorted(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/acties/eerste/", "/acties/derde/"),
        ("/acties/tweede/", "/acties/derde/"),
    ]


def test_going_back_to_an_old_slug_makes_no_loop(client, network):
    page = make_page(network, "Over ons", slug="over-ons")
    rename(page, "wie-zijn-we")
    rename(page, "over-ons")

    assert client.get("/netwerken/eigen/over-ons/").status_code == 200
    assert client.get("/netwerken/eigen/wie-zijn-we/")["Location"] == "/netwerken/eigen/over-ons/"
    assert list(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/netwerken/eigen/wie-zijn-we/", "/netwerken/eigen/over-ons/")
    ]


def test_a_new_object_at_an_old_address_takes_it_back(client, network):
    rename(make_event(network, "opendeur"), "opendeurdag")
    assert Redirect.objects.filter(old_path="/agenda/opendeur/").exists()

    make_event(network, "opendeur", days=40)

    assert not Redirect.objects.exists()
    assert client.get("/agenda/opendeur/").status_code == 200


def test_a_draft_changes_its_slug_without_leaving_a_redirect(network):
    post = make_post(network, "Ontwerp")
    rename(post, "ander-ontwerp")
    rename(make_event(network, "verborgen", published=False), "nog-verborgen")
    rename(make_association(network, "Gestopt", is_active=False), "gestopt-in-2020")

    assert not Redirect.objects.exists()


def test_a_scheduled_post_is_not_public_yet(network):
    post = NewsPost.objects.create(
        network=network,
        title="Later",
        slug="later",
        lead="Kort",
        body="<p>Tekst</p>",
        status=NewsPost.Status.PUBLISHED,
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    rename(post, "veel-later")

    assert not Redirect.objects.exists()


def test_a_post_moved_to_another_year_is_found_at_its_old_address(client, network):
    post = make_public("news", network, "jaaroverzicht")
    old_address = post.get_absolute_url()
    post.publish_at = post.publish_at - datetime.timedelta(days=400)
    post.save()

    assert client.get(old_address)["Location"] == post.get_absolute_url() != old_address


def test_a_page_moved_to_another_network_belongs_to_the_new_one(client, network):
    other = make_network("ander", 1)
    page = make_page(network, "Over ons", slug="over-ons")
    page.network = other
    page.save()

    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.new_path, redirect.network) == (
        "/netwerken/eigen/over-ons/",
        "/netwerken/ander/over-ons/",
        other,
    )


def test_a_redirect_never_hides_a_live_page(client, network):
    make_page(network, "Over ons", slug="over-ons")
    Redirect.objects.create(network=network, old_path="/netwerken/eigen/over-ons/", new_path="/elders/")

    assert client.get("/netwerken/eigen/over-ons/").status_code == 200


def test_a_redirect_made_after_a_visit_works_at_once_with_the_page_cache_on(client, network, settings):
    settings.PAGE_CACHE_SECONDS = 300
    event = make_event(network, "oude-naam")
    assert client.get("/agenda/oude-naam/")["X-Page-Cache"] == "miss"
    assert client.get("/agenda/oude-naam/")["X-Page-Cache"] == "hit"
    assert client.get("/agenda/gezocht/").status_code == 404

    rename(event, "nieuwe-naam")
    Redirect.objects.create(network=network, old_path="/agenda/gezocht/", new_path="/agenda/nieuwe-naam/")

    assert client.get("/agenda/oude-naam/")["Location"] == "/agenda/nieuwe-naam/"
    assert client.get("/agenda/gezocht/")["Location"] == "/agenda/nieuwe-naam/"


def test_an_address_without_its_final_slash_gets_the_slash_first(client, network):
    rename(make_event(network, "oude-naam"), "nieuwe-naam")

    assert client.get("/agenda/oude-naam")["Location"] == "/agenda/oude-naam/"
    assert client.get("/agenda/oude-naam/")["Location"] == "/agenda/nieuwe-naam/"
