"""The redirects in the admin: every role x own and other network, the addresses a redirect may
have, and the missing addresses (shared by all networks) with their action "make a redirect"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.permissions import Role
from redirects.models import MissingPath, Redirect
from tests.admin_forms import admin_form, admin_url
from tests.factories import StaffFactory, SuperuserFactory, make_network

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}
NONE = set()

# What each role may do with the redirects of its own network (with another network's: only the
# superuser), and with the missing addresses (nobody adds or changes one).
ROLES = {
    "superuser": {"redirect": ALL, "missingpath": {"view", "delete"}},
    "network_editor": {"redirect": ALL, "missingpath": {"view"}},
    "newsletter_manager": {"redirect": NONE, "missingpath": NONE},
    "association_editor": {"redirect": NONE, "missingpath": NONE},
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}


@pytest.fixture
def world():
    own, other = make_network("eigen", 0), make_network("ander", 1)
    redirects = {
        side: Redirect.objects.create(network=network, old_path=f"/oud-{network.slug}/", new_path="/agenda/")
        for side, network in (("own", own), ("other", other))
    }
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group_name in GROUPS.items():
        users[role] = StaffFactory(username=role, role=group_name, networks=[own])
    now = timezone.now()
    missing = MissingPath.objects.create(path="/wp-login.php", count=7, first_seen=now, last_seen=now)
    return {"own": own, "other": other, "redirects": redirects, "users": users, "missing": missing}


def url(model, action, obj=None):
    return admin_url("redirects", model, action, obj)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_own_networks_redirects_only(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(url("redirect", "changelist"))
    if not ROLES[role]["redirect"]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert url("redirect", "change", world["redirects"]["own"]) in html
    assert (url("redirect", "change", world["redirects"]["other"]) in html) == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_a_redirect_is_changed_and_deleted_only_in_the_own_network(client, world, role, side):
    redirect = world["redirects"][side]
    data = admin_form(client, world["users"]["superuser"], "redirects", "redirect", redirect)
    data["new_path"] = "/nieuws/"
    client.force_login(world["users"][role])
    may = bool(ROLES[role]["redirect"]) and (side == "own" or role == "superuser")
    refused = 302 if ROLES[role]["redirect"] else 403  # another network's: as if it did not exist

    assert client.get(url("redirect", "change", redirect)).status_code == (200 if may else refused)
    client.post(url("redirect", "change", redirect), data)
    redirect.refresh_from_db()
    assert (redirect.new_path == "/nieuws/") == may

    assert client.post(url("redirect", "delete", redirect), {"post": "yes"}).status_code == (302 if may else refused)
    assert Redirect.objects.filter(pk=redirect.pk).exists() != may


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_a_redirect_is_added_only_to_the_own_network(client, world, role, side):
    client.force_login(world["users"][role])
    response = client.post(
        url("redirect", "add"),
        {"network": str(world[side].pk), "old_path": "/verhuisd/", "new_path": "/agenda/"},
    )
    created = Redirect.objects.filter(old_path="/verhuisd/").first()
    if not ROLES[role]["redirect"]:
        assert response.status_code == 403
        assert created is None
    elif side == "own" or role == "superuser":
        assert response.status_code == 302
        assert created.network == world[side]
    else:
        assert response.status_code == 200
        assert "Selecteer een geldige keuze" in response.content.decode()
        assert created is None


@pytest.mark.parametrize(
    ("old_path", "new_path", "error"),
    [
        ("oud/", "/agenda/", "old_path"),
        ("//elders.example/", "/agenda/", "old_path"),
        ("/oud/?id=3", "/agenda/", "old_path"),
        ("/oud pad/", "/agenda/", "old_path"),
        ("/oud\x00/", "/agenda/", "old_path"),
        ("/oud/", "//elders.example/pad", "new_path"),
        ("/oud/", "http://elders.example/", "new_path"),
        ("/oud/", "javascript:alert(1)", "new_path"),
        ("/oud/", "agenda/", "new_path"),
        ("/oud/", "/oud/", "new_path"),
    ],
)
def test_an_address_must_be_on_this_site_or_typed_in_full_with_https(client, world, old_path, new_path, error):
    client.force_login(world["users"]["network_editor"])
    response = client.post(
        url("redirect", "add"), {"network": str(world["own"].pk), "old_path": old_path, "new_path": new_path}
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {error}
    assert Redirect.objects.count() == 2  # the two of the world, nothing added


def test_a_full_https_address_elsewhere_is_allowed(client, world):
    client.force_login(world["users"]["network_editor"])
    response = client.post(
        url("redirect", "add"),
        {"network": str(world["own"].pk), "old_path": "/jaarverslag/", "new_path": "https://example.org/verslag"},
    )
    assert response.status_code == 302
    assert client.get("/jaarverslag/")["Location"] == "https://example.org/verslag"


def test_a_redirect_to_an_old_address_leads_to_its_end_and_one_back_is_refused(client, world):
    client.force_login(world["users"]["superuser"])
    network = str(world["own"].pk)
    client.post(url("redirect", "add"), {"network": network, "old_path": "/eerste/", "new_path": "/oud-eigen/"})
    assert Redirect.objects.get(old_path="/eerste/").new_path == "/agenda/"

    client.post(url("redirect", "add"), {"network": network, "old_path": "/agenda/", "new_path": "/kalender/"})
    assert Redirect.objects.get(old_path="/eerste/").new_path == "/kalender/"
    assert Redirect.objects.get(old_path="/oud-eigen/").new_path == "/kalender/"

    response = client.post(
        url("redirect", "add"), {"network": network, "old_path": "/kalender/", "new_path": "/eerste/"}
    )
    assert response.status_code == 200
    assert "leidt terug naar het oude adres" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_missing_addresses_are_read_by_editors_and_changed_by_nobody(client, world, role):
    client.force_login(world["users"][role])
    allowed = ROLES[role]["missingpath"]
    response = client.get(url("missingpath", "changelist"))
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert "/wp-login.php" in response.content.decode()
    assert client.get(url("missingpath", "add")).status_code == 403
    may_delete = "delete" in allowed
    response = client.post(url("missingpath", "delete", world["missing"]), {"post": "yes"})
    assert response.status_code == (302 if may_delete else 403)
    assert MissingPath.objects.filter(pk=world["missing"].pk).exists() != may_delete


def test_the_missing_addresses_are_listed_most_requested_first(client, world):
    now = timezone.now()
    MissingPath.objects.create(path="/vaak/", count=50, first_seen=now, last_seen=now)
    MissingPath.objects.create(path="/zelden/", count=1, first_seen=now, last_seen=now)
    client.force_login(world["users"]["network_editor"])
    html = client.get(url("missingpath", "changelist")).content.decode()
    assert html.index("/vaak/") < html.index("/wp-login.php") < html.index("/zelden/")


def test_make_a_redirect_opens_the_form_with_the_missing_address(client, world):
    client.force_login(world["users"]["network_editor"])
    response = client.post(
        url("missingpath", "changelist"),
        {"action": "make_redirect", "_selected_action": [str(world["missing"].pk)]},
    )
    assert response.status_code == 302
    assert response["Location"] == url("redirect", "add") + "?old_path=%2Fwp-login.php"
    form = client.get(response["Location"])
    assert 'value="/wp-login.php"' in form.content.decode()

    client.post(response["Location"], {"network": str(world["own"].pk), "old_path": "/wp-login.php", "new_path": "/"})
    assert Redirect.objects.filter(old_path="/wp-login.php", network=world["own"]).exists()
    assert not MissingPath.objects.filter(path="/wp-login.php").exists()


def test_make_a_redirect_takes_one_address_at_a_time(client, world):
    now = timezone.now()
    second = MissingPath.objects.create(path="/tweede/", count=1, first_seen=now, last_seen=now)
    client.force_login(world["users"]["network_editor"])
    response = client.post(
        url("missingpath", "changelist"),
        {"action": "make_redirect", "_selected_action": [str(world["missing"].pk), str(second.pk)]},
        follow=True,
    )
    assert "Kies één adres tegelijk." in response.content.decode()


def test_the_action_is_offered_only_to_who_may_add_a_redirect(client, world):
    from django.contrib.auth.models import Permission

    editor = world["users"]["network_editor"]
    editor.user_permissions.add(Permission.objects.get(codename="view_missingpath"))
    editor.groups.clear()
    editor = type(editor).objects.get(pk=editor.pk)
    client.force_login(editor)
    assert "make_redirect" not in client.get(url("missingpath", "changelist")).content.decode()


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", ["redirect", "missingpath"])
def test_the_lists_need_the_same_queries_however_many_rows(client, world, model):
    client.force_login(world["users"]["network_editor"])
    client.get(url(model, "changelist"))  # the session's first reading
    few = queries(client, url(model, "changelist"))
    now = timezone.now()
    for number in range(30):
        Redirect.objects.create(network=world["own"], old_path=f"/oud-{number}/", new_path="/agenda/")
        MissingPath.objects.create(path=f"/weg-{number}/", count=number, first_seen=now, last_seen=now)
    assert queries(client, url(model, "changelist")) == few
