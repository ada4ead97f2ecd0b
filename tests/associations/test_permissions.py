"""Association admin: every role x model x (the editor's own association, another of the same
network, one of another network), for list, change, delete and forged posts; and the record of changes."""

import datetime

import pytest

from associations.models import Association, ProfileChange, Story
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.factories import NetworkFactory, StaffFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}
# What each role may do per model, and on which associations: "linked" (the one the user is
# linked to), "network" (any of the user's networks) or "all".
ROLES = {
    "superuser": {"association": (ALL, "all"), "story": (ALL, "all"), "profilechange": ({"view"}, "all")},
    "network_editor": {
        "association": (ALL, "network"),
        "story": (ALL, "network"),
        "profilechange": ({"view"}, "network"),
    },
    "newsletter_manager": {"association": (set(), None), "story": (set(), None), "profilechange": (set(), None)},
    "association_editor": {
        "association": ({"view", "change"}, "linked"),
        "story": (set(), None),
        "profilechange": (set(), None),
    },
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}
SIDES = ["linked", "same_network", "other_network"]


def reaches(scope, side):
    return (
        scope == "all" or (scope == "network" and side != "other_network") or (scope == "linked" and side == "linked")
    )


@pytest.fixture
def world():
    own = NetworkFactory(name="Eigen", short_name="E", slug="eigen", region="vlaanderen", mission="<p>x</p>")
    other = NetworkFactory(name="Ander", short_name="A", slug="ander", region="limburg", mission="<p>x</p>")
    associations = {
        "linked": Association.objects.create(
            network=own, name="Gekoppeld", slug="gekoppeld", municipality="Puurs", postcode="2870", intro="x"
        ),
        "same_network": Association.objects.create(
            network=own, name="Buur", slug="buur", municipality="Gent", postcode="9000", intro="x"
        ),
        "other_network": Association.objects.create(
            network=other, name="Vreemd", slug="vreemd", municipality="Genk", postcode="3600", intro="x"
        ),
    }
    objects = {}
    for side, association in associations.items():
        objects[side] = {
            "association": association,
            "story": Story.objects.create(
                association=association,
                title=f"Verhaal {association.name}",
                slug=f"verhaal-{association.slug}",
                quote="Samen",
                body="<p>x</p>",
                date=datetime.date(2026, 1, 1),
            ),
            "profilechange": ProfileChange.objects.create(association=association, fields=["naam"]),
        }
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group in GROUPS.items():
        if role == "association_editor":
            users[role] = StaffFactory(username=role, role=group, associations=[associations["linked"]])
        else:
            users[role] = StaffFactory(username=role, role=group, networks=[own])
    return {"objects": objects, "users": users, "own": own, "other": other}


def url(model, action, obj=None):
    return admin_url("associations", model, action, obj)


def form_data(client, superuser, model, obj=None):
    return admin_form(client, superuser, "associations", model, obj)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["association", "story", "profilechange"])
def test_list_shows_only_reachable_objects(client, world, role, model):
    actions, scope = ROLES[role][model]
    client.force_login(world["users"][role])
    response = client.get(url(model, "changelist"))
    if not actions:
        assert response.status_code == 403
        return
    html = response.content.decode()
    for side in SIDES:
        assert (url(model, "change", world["objects"][side][model]) in html) == reaches(scope, side), side


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["association", "story", "profilechange"])
@pytest.mark.parametrize("side", SIDES)
def test_change_page_and_delete(client, world, role, model, side):
    actions, scope = ROLES[role][model]
    obj = world["objects"][side][model]
    client.force_login(world["users"][role])
    response = client.get(url(model, "change", obj))
    if actions & {"view", "change"} and reaches(scope, side):
        assert response.status_code == 200
    else:
        # Without the permission 403; an object out of the role's reach is outside its list: the
        # admin redirects as for an object that does not exist.
        assert response.status_code == (302 if actions & {"view", "change"} else 403)
        assert str(obj) not in response.content.decode()
    response = client.post(url(model, "delete", obj), {"post": "yes"})
    deleted = not type(obj).objects.filter(pk=obj.pk).exists()
    assert deleted == ("delete" in actions and reaches(scope, side))
    assert response.status_code == (302 if "delete" in actions else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_profile_change_is_saved_only_where_allowed_and_recorded(client, world, role, side):
    association = world["objects"][side]["association"]
    data = form_data(client, world["users"]["superuser"], "association", association)
    data["intro"] = "Nieuwe intro"
    data["activities-TOTAL_FORMS"] = "1"
    data.update({"activities-0-what": "Koffie", "activities-0-when": "Elke dinsdag", "activities-0-position": "0"})
    client.force_login(world["users"][role])
    response = client.post(url("association", "change", association), data)
    association.refresh_from_db()
    actions, scope = ROLES[role]["association"]
    allowed = "change" in actions and reaches(scope, side)
    assert (association.intro == "Nieuwe intro") == allowed, response.content.decode()[:3000]
    change = ProfileChange.objects.filter(association=association, user=world["users"][role]).first()
    if allowed:
        assert change is not None
        assert "korte inleiding" in change.fields and "activiteiten" in change.fields
    else:
        assert change is None


def test_association_editor_cannot_move_or_hide_their_association(client, world):
    association = world["objects"]["linked"]["association"]
    data = form_data(client, world["users"]["superuser"], "association", association)
    data.update({"network": str(world["other"].pk), "is_active": "", "slug": "gekaapt", "intro": "Ok"})
    client.force_login(world["users"]["association_editor"])
    client.post(url("association", "change", association), data)
    association.refresh_from_db()
    assert association.intro == "Ok"
    assert (association.network, association.is_active, association.slug) == (world["own"], True, "gekoppeld")


def test_network_editor_cannot_move_an_association_to_another_network(client, world):
    association = world["objects"]["same_network"]["association"]
    data = form_data(client, world["users"]["superuser"], "association", association)
    data["network"] = str(world["other"].pk)
    client.force_login(world["users"]["network_editor"])
    response = client.post(url("association", "change", association), data)
    association.refresh_from_db()
    assert association.network == world["own"]
    assert "Selecteer een geldige keuze" in response.content.decode()


@pytest.mark.parametrize("side", SIDES)
def test_network_editor_adds_stories_only_for_their_networks_associations(client, world, side):
    data = form_data(client, world["users"]["superuser"], "story")
    data.update(
        {
            "association": str(world["objects"][side]["association"].pk),
            "title": "Nieuw verhaal",
            "slug": "nieuw-verhaal",
            "quote": "Samen",
            "body": "<p>x</p>",
            "date": "2026-11-01",
            "published": "on",
        }
    )
    client.force_login(world["users"]["network_editor"])
    client.post(url("story", "add"), data)
    assert Story.objects.filter(slug="nieuw-verhaal").exists() == (side != "other_network")


def test_changes_are_visible_to_the_networks_editors(client, world):
    association = world["objects"]["linked"]["association"]
    data = form_data(client, world["users"]["superuser"], "association", association)
    data["phone"] = "03 123 45 67"
    client.force_login(world["users"]["association_editor"])
    client.post(url("association", "change", association), data)
    client.force_login(world["users"]["network_editor"])
    html = client.get(url("association", "change", association)).content.decode()
    assert "association_editor" in html and "telefoon" in html
    listing = client.get(url("profilechange", "changelist")).content.decode()
    assert "association_editor" in listing
