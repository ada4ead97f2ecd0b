"""The admin's "view on site" redirect (/beheer/r/<content type>/<id>/) gives the address of an
object only to staff who may see that object in the admin: other networks' drafts stay unknown."""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from events.models import Event
from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from tests.factories import make_campaign, make_event, make_network
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

KINDS = ["news", "event", "campaign"]


@pytest.fixture
def world():
    drafts = {}
    for position, slug in enumerate(["eigen", "ander"]):
        network = make_network(slug, position)
        drafts[slug] = {
            "news": NewsPost.objects.create(
                network=network,
                title=f"Ontwerp {slug}",
                slug=f"ontwerp-{slug}",
                lead="Kort",
                body="<p>Tekst</p>",
                status=NewsPost.Status.DRAFT,
            ),
            "event": make_event(network, f"concept-{slug}", published=False),
            "campaign": make_campaign(network, f"actie-{slug}", is_published=False),
        }
        drafts[slug]["network"] = network
    assert not Event.objects.published().exists()
    return drafts


def staff_of(network, role):
    user = with_mfa(User.objects.create_user(role, f"{role.lower()}@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=role))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def view_on_site(obj):
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


@pytest.mark.parametrize("kind", KINDS)
def test_an_association_editor_learns_no_address_of_another_networks_draft(client, world, kind):
    client.force_login(staff_of(world["eigen"]["network"], Role.ASSOCIATION_EDITOR))
    assert client.get(view_on_site(world["ander"][kind])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_network_editor_is_sent_to_their_own_draft_only(client, world, kind):
    client.force_login(staff_of(world["eigen"]["network"], Role.NETWORK_EDITOR))
    own = world["eigen"][kind]
    response = client.get(view_on_site(own))
    assert (response.status_code, response["Location"]) == (302, "http://testserver" + own.get_absolute_url())
    assert client.get(view_on_site(world["ander"][kind])).status_code == 404


def test_a_superuser_is_sent_to_every_networks_draft(client, world):
    client.force_login(with_mfa(User.objects.create_superuser("super", "super@example.org", "x")))
    draft = world["ander"]["news"]
    response = client.get(view_on_site(draft))
    assert (response.status_code, response["Location"]) == (302, "http://testserver" + draft.get_absolute_url())


@pytest.mark.parametrize("path", ["/beheer/r/999999/1/", "/beheer/r/abc/1/", "NOT_IN_ADMIN", "NO_OBJECT"])
def test_unknown_kinds_and_objects_are_not_found(client, world, path):
    client.force_login(with_mfa(User.objects.create_superuser("super", "super@example.org", "x")))
    if path == "NOT_IN_ADMIN":  # a model without a page in the admin
        path = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(ContentType).pk, 1])
    elif path == "NO_OBJECT":
        path = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(NewsPost).pk, 999999])
    assert client.get(path).status_code == 404
