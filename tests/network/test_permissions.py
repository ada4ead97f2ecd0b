"""Every role x every admin model x own and other network: list, change, delete, and forged posts.

An editor of one network must neither see nor reach another network's objects,
and a hand-made POST naming another network must change nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from network.models import Document, NetworkMembership, Page, Partner
from network.permissions import Role
from news.models import NewsPost
from tests.admin_forms import admin_form, admin_url
from tests.factories import (
    PDF,
    DocumentFactory,
    NewsPostFactory,
    PageFactory,
    PartnerFactory,
    StaffFactory,
    SuperuserFactory,
    ThemeFactory,
    make_network,
)

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}
NONE = set()

# What each role may do, per model, with objects of its own network. With another
# network's objects only the superuser may do anything.
ROLES = {
    "superuser": {
        "newspost": ALL,
        "network": ALL,
        "page": ALL,
        "document": ALL,
        "partner": ALL,
        "theme": ALL,
        "networkmembership": ALL,
    },
    "network_editor": {
        "newspost": ALL,
        "network": {"view", "change"},
        "page": ALL,
        "document": ALL,
        "partner": ALL,
        "theme": {"view"},
        "networkmembership": NONE,
    },
    "newsletter_manager": {
        "newspost": NONE,
        "network": {"view"},
        "page": NONE,
        "document": NONE,
        "partner": NONE,
        "theme": NONE,
        "networkmembership": NONE,
    },
    "association_editor": {
        "newspost": NONE,
        "network": NONE,
        "page": NONE,
        "document": NONE,
        "partner": NONE,
        "theme": NONE,
        "networkmembership": NONE,
    },
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}
SCOPED_MODELS = ["network", "page", "document", "partner", "newspost"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own, other = make_network("eigen", 0), make_network("ander", 1)
    objects = {}
    for network in (own, other):
        objects[network.slug] = {
            "network": network,
            "page": PageFactory(network=network, title=f"Pagina {network.slug}", slug="pagina"),
            "document": DocumentFactory(network=network, title=f"Dossier {network.slug}"),
            "partner": PartnerFactory(network=network, name=f"Partner {network.slug}"),
            "newspost": NewsPostFactory(network=network, title=f"Bericht {network.slug}"),
        }
    theme = ThemeFactory(name="Wonen", slug="wonen")
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group_name in GROUPS.items():
        users[role] = StaffFactory(username=role, role=group_name, networks=[own])
    membership = NetworkMembership.objects.filter(network=own).first()
    return {
        "own": objects["eigen"],
        "other": objects["ander"],
        "users": users,
        "theme": theme,
        "membership": membership,
    }


def refused_status(permissions, action):
    """What the admin answers a role that may not `action` an object: 403 when the role lacks the
    permission on the model; a redirect to the admin index (as for an object that does not exist,
    so nothing tells that it does) when the object is another network's, outside the role's list."""
    return 302 if action in permissions else 403


def app_label(model):
    return "news" if model == "newspost" else "network"


def url(model, action, obj=None):
    return admin_url(app_label(model), model, action, obj)


def form_data(client, superuser, model, obj=None):
    return admin_form(client, superuser, app_label(model), model, obj)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_list_shows_own_network_only(client, world, role, model):
    client.force_login(world["users"][role])
    response = client.get(url(model, "changelist"))
    allowed = ROLES[role][model]
    if not allowed & {"view", "change"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert url(model, "change", world["own"][model]) in html
    assert (url(model, "change", world["other"][model]) in html) == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_change_page_reachable_only_for_own_network(client, world, role, model, side):
    obj = world[side][model]
    client.force_login(world["users"][role])
    response = client.get(url(model, "change", obj))
    reachable = bool(ROLES[role][model] & {"view", "change"}) and (side == "own" or role == "superuser")
    if reachable:
        assert response.status_code == 200
        assert str(obj) in response.content.decode()
    else:
        assert response.status_code == (302 if ROLES[role][model] & {"view", "change"} else 403)
        assert str(obj) not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_delete_only_own_network_objects(client, world, role, model, side):
    obj = world[side][model]
    client.force_login(world["users"][role])
    may_delete = "delete" in ROLES[role][model] and (side == "own" or role == "superuser")
    page = client.get(url(model, "delete", obj))
    assert page.status_code == (200 if may_delete else refused_status(ROLES[role][model], "delete"))
    response = client.post(url(model, "delete", obj), {"post": "yes"})
    assert response.status_code == (302 if may_delete else refused_status(ROLES[role][model], "delete"))
    still_there = type(obj).objects.filter(pk=obj.pk).exists()
    assert still_there != may_delete


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["page", "document", "partner", "newspost"])
def test_legitimate_change_is_saved_and_forged_network_is_refused(client, world, role, model):
    obj = world["own"][model]
    data = form_data(client, world["users"]["superuser"], model, obj)
    client.force_login(world["users"][role])
    title_field = "name" if model == "partner" else "title"
    may_change = "change" in ROLES[role][model]

    data[title_field] = "Nieuwe titel"
    response = client.post(url(model, "change", obj), data)
    obj.refresh_from_db()
    assert (getattr(obj, title_field) == "Nieuwe titel") == may_change, response.content.decode()[:2000]

    data[title_field] = "Verhuisd"
    data["slug"] = "verhuisd"  # the other network has a page with the same slug
    data["network"] = str(world["other"]["network"].pk)
    response = client.post(url(model, "change", obj), data)
    obj.refresh_from_db()
    if role == "superuser":
        assert obj.network == world["other"]["network"]
    else:
        assert obj.network == world["own"]["network"]
        assert getattr(obj, title_field) != "Verhuisd"
        if may_change:
            # The document form answers a refused form with 400 (bad input), the others with the admin's 200.
            assert response.status_code == (400 if model == "document" else 200)
            assert "Selecteer een geldige keuze" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["page", "document", "partner", "newspost"])
@pytest.mark.parametrize("side", ["own", "other"])
def test_add_naming_a_network(client, world, role, model, side):
    data = form_data(client, world["users"]["superuser"], model)
    data.update(
        {
            "network": str(world[side]["network"].pk),
            "title": "Toegevoegd",
            "name": "Toegevoegd",
            "slug": "toegevoegd",
            "body": "<p>Tekst</p>",
            "lead": "Kort",
            "last_reviewed": "2026-11-01",
            "date": "2026-11-01",
        }
    )
    if model == "document":
        data["file"] = SimpleUploadedFile("nieuw.pdf", PDF)
    client.force_login(world["users"][role])
    response = client.post(url(model, "add"), data)
    model_class = {"page": Page, "document": Document, "partner": Partner, "newspost": NewsPost}[model]
    field = "name" if model == "partner" else "title"
    created = model_class.objects.filter(**{field: "Toegevoegd"}).first()
    may_add = "add" in ROLES[role][model] and (side == "own" or role == "superuser")
    if may_add:
        assert created is not None, response.content.decode()[:3000]
        assert created.network == world[side]["network"]
    elif "add" in ROLES[role][model]:
        assert created is None
        # The form again, the other network is no valid choice (the document admin answers 400).
        assert response.status_code == (400 if model == "document" else 200)
        assert "Selecteer een geldige keuze" in response.content.decode()
    else:
        assert created is None
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_network_itself_changed_only_by_its_own_editors(client, world, role, side):
    network = world[side]["network"]
    data = form_data(client, world["users"]["superuser"], "network", network)
    data["tagline"] = "Gewijzigd"
    client.force_login(world["users"][role])
    client.post(url("network", "change", network), data)
    network.refresh_from_db()
    may_change = "change" in ROLES[role]["network"] and (side == "own" or role == "superuser")
    assert (network.tagline == "Gewijzigd") == may_change


def test_editor_cannot_move_own_network_under_another_or_take_a_domain(client, world):
    network = world["own"]["network"]
    data = form_data(client, world["users"]["superuser"], "network", network)
    data.update({"parent": str(world["other"]["network"].pk), "domain": "gekaapt.example", "slug": "gekaapt"})
    client.force_login(world["users"]["network_editor"])
    client.post(url("network", "change", network), data)
    network.refresh_from_db()
    assert network.parent is None and network.domain is None and network.slug == "eigen"


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_forms_offer_only_own_networks(client, world, role):
    client.force_login(world["users"][role])
    html = client.get(url("page", "add")).content.decode()
    assert f'value="{world["own"]["network"].pk}"' in html
    assert (f'value="{world["other"]["network"].pk}"' in html) == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["theme", "networkmembership"])
def test_shared_models(client, world, role, model):
    """Themes are shared by all networks and memberships decide who edits what: superusers manage both."""
    obj = world["theme"] if model == "theme" else world["membership"]
    client.force_login(world["users"][role])
    allowed = ROLES[role][model]
    listing = client.get(url(model, "changelist"))
    assert listing.status_code == (200 if allowed & {"view", "change"} else 403)
    data = form_data(client, world["users"]["superuser"], model, obj)
    client.force_login(world["users"][role])
    if model == "theme":
        data["name"] = "Gewijzigd"
        client.post(url(model, "change", obj), data)
        obj.refresh_from_db()
        assert (obj.name == "Gewijzigd") == ("change" in allowed)
    else:
        data["network"] = str(world["other"]["network"].pk)
        client.post(url(model, "change", obj), data)
        obj.refresh_from_db()
        assert (obj.network == world["other"]["network"]) == ("change" in allowed)


def test_news_post_attachments_and_associations_only_from_own_networks(client, world):
    from associations.models import Association

    post = world["own"]["newspost"]
    strange = Association.objects.create(
        network=world["other"]["network"],
        name="Vreemd",
        slug="vreemd",
        municipality="Genk",
        postcode="3600",
        intro="x",
    )
    data = form_data(client, world["users"]["superuser"], "newspost", post)
    client.force_login(world["users"]["network_editor"])
    for field, value in [("attachments", world["other"]["document"].pk), ("associations", strange.pk)]:
        response = client.post(url("newspost", "change", post), {**data, field: [str(value)]})
        assert response.status_code == 200
        assert "Selecteer een geldige keuze" in response.content.decode()
    assert not post.attachments.exists() and not post.associations.exists()
    response = client.post(
        url("newspost", "change", post), {**data, "attachments": [str(world["own"]["document"].pk)]}
    )
    assert response.status_code == 302
    assert list(post.attachments.all()) == [world["own"]["document"]]


REVISIONED_MODELS = ["page", "document", "newspost"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", REVISIONED_MODELS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_revisions_answer_like_the_change_page(client, world, role, model, side):
    """Versions, comparison and restore (core/revisions.py): the same answer as the object's change page,
    and a refused restore changes nothing."""
    from reversion.models import Version

    obj = world[side][model]
    client.force_login(world["users"]["superuser"])
    title_field = "title"
    for title in ("Eerste", "Tweede"):
        client.post(
            url(model, "change", obj),
            {**form_data(client, world["users"]["superuser"], model, obj), title_field: title},
        )
    obj.refresh_from_db()
    newest, first = Version.objects.get_for_object(obj)
    client.force_login(world["users"][role])
    reachable = bool(ROLES[role][model] & {"view", "change"}) and (side == "own" or role == "superuser")
    refused = 302 if ROLES[role][model] & {"view", "change"} else 403
    pages = [
        url(model, "revisions", obj),
        url(model, "revisions_compare", obj) + f"?a={first.pk}&b={newest.pk}",
        reverse(f"admin:{app_label(model)}_{model}_revisions_restore", args=[obj.pk, first.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == (200 if reachable else refused), page
        assert (str(obj) in response.content.decode()) == reachable
    may_change = "change" in ROLES[role][model] and (side == "own" or role == "superuser")
    response = client.post(pages[2])
    assert response.status_code == (302 if may_change else refused)
    obj.refresh_from_db()
    assert getattr(obj, title_field) == ("Eerste" if may_change else "Tweede")
    assert Version.objects.get_for_object(obj).count() == (3 if may_change else 2)


PREVIEWED_MODELS = ["page", "newspost"]
VISITORS = ["no_staff", "anonymous"]


@pytest.mark.parametrize("role", [*ROLES, *VISITORS])
@pytest.mark.parametrize("model", PREVIEWED_MODELS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_previews_and_share_links_follow_the_network(client, world, role, model, side):
    """The staff preview (network/sharing.py) and making or revoking a share link: staff who may view the
    object in the admin, for their own networks; 403 for other staff, the sign-in for everybody else."""
    from network.models import ShareLink
    from tests.factories import ShareLinkFactory, UserFactory
    from tests.helpers import with_mfa

    obj = world[side][model]
    if role == "no_staff":
        client.force_login(with_mfa(UserFactory()))  # past the second factor: the view itself refuses
    elif role != "anonymous":
        client.force_login(world["users"][role])
    allowed = role in ROLES and "view" in ROLES[role][model] and (side == "own" or role == "superuser")
    refused = 403 if role in ROLES else 302  # visitors go to the sign-in
    preview = client.get(reverse("network:preview", args=[obj._meta.label_lower, obj.pk]))
    assert preview.status_code == (200 if allowed else refused)
    if refused == 302 and not allowed:
        assert "/login/" in preview["Location"]

    share = reverse(f"admin:{app_label(model)}_{model}_share", args=[obj.pk])
    response = client.post(share, {"days": "7"})
    assert response.status_code == (302 if allowed else refused)
    assert ShareLink.objects.filter(object_id=obj.pk).exists() == allowed

    link = ShareLinkFactory(shared=obj, created_by=world["users"]["superuser"])
    revoke = reverse(f"admin:{app_label(model)}_{model}_share_revoke", args=[obj.pk])
    response = client.post(revoke, {"link": link.pk})
    assert response.status_code == (302 if allowed else refused)
    link.refresh_from_db()
    assert (link.revoked_at is not None) == allowed
