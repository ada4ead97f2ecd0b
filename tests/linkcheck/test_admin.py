"""The list "Gebroken links": per network, read only, each row leading to the page that fixes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkcheck.models import BrokenLink, Link
from linkcheck.reports import broken_links_for
from network.permissions import Role
from news.models import NewsLink
from tests.admin_forms import admin_url
from tests.factories import (
    LinkFactory,
    LinkUseFactory,
    NetworkFactory,
    NewsPostFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = admin_url("linkcheck", "brokenlink", "changelist")


@pytest.fixture
def world():
    own, other = NetworkFactory(slug="eigen"), NetworkFactory(slug="ander")
    uses = {
        "own": LinkUseFactory(link__url="https://kapot.example/eigen", used_in=NewsPostFactory(network=own)),
        "other": LinkUseFactory(link__url="https://kapot.example/ander", used_in=NewsPostFactory(network=other)),
        "works": LinkUseFactory(
            link__url="https://werkt.example/", link__status=Link.Status.OK, used_in=NewsPostFactory(network=own)
        ),
    }
    users = {
        "superuser": SuperuserFactory(),
        "network_editor": StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]),
        "newsletter_manager": StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[own]),
        "association_editor": StaffFactory(role=Role.ASSOCIATION_EDITOR),
    }
    return {"uses": uses, "users": users, "own": own, "other": other}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("superuser", {"own", "other"}),
        ("network_editor", {"own"}),
        ("newsletter_manager", None),
        ("association_editor", None),
    ],
)
def test_the_list_shows_the_broken_links_of_the_users_networks(client, world, role, sees):
    client.force_login(world["users"][role])
    response = client.get(CHANGELIST)
    if sees is None:
        assert response.status_code == 403
        assert list(broken_links_for(world["users"][role])) == []
        return
    assert response.status_code == 200
    html = response.content.decode()
    shown = {side for side, use in world["uses"].items() if use.link.url in html}
    assert shown == sees
    assert {use.pk for use in broken_links_for(world["users"][role])} == {world["uses"][side].pk for side in sees}


@pytest.mark.parametrize(("side", "status"), [("own", 200), ("other", 302)])
def test_an_editor_opens_only_their_networks_broken_links(client, world, side, status):
    client.force_login(world["users"]["network_editor"])
    use = BrokenLink.objects.get(pk=world["uses"][side].pk)
    response = client.get(admin_url("linkcheck", "brokenlink", "change", use))
    assert response.status_code == status
    assert (use.link.url in response.content.decode()) == (status == 200)


def test_nobody_adds_changes_or_deletes_a_broken_link_by_hand(client, world):
    client.force_login(world["users"]["superuser"])
    use = BrokenLink.objects.get(pk=world["uses"]["own"].pk)
    assert client.get(admin_url("linkcheck", "brokenlink", "add")).status_code == 403
    assert client.post(admin_url("linkcheck", "brokenlink", "change", use), {}).status_code == 403
    assert client.post(admin_url("linkcheck", "brokenlink", "delete", use), {"post": "yes"}).status_code == 403
    assert BrokenLink.objects.filter(pk=use.pk).exists()


def test_a_row_leads_to_the_change_page_of_what_holds_the_link(client, world):
    post = world["uses"]["own"].content_type.get_object_for_this_type(pk=world["uses"]["own"].object_id)
    inline = LinkUseFactory(link__url="https://kapot.example/inline", used_in=post, field="links.url")
    NewsLink.objects.create(post=post, label="Bron", url=inline.link.url)
    client.force_login(world["users"]["network_editor"])
    html = client.get(CHANGELIST).content.decode()
    assert f'<a href="{admin_url("news", "newspost", "change", post)}">{post.title}</a> (nieuwsbericht)' in html
    assert '<td class="field-field_name">tekst</td>' in html
    assert '<td class="field-field_name">externe links: adres</td>' in html
    assert "Gebroken (404)" in html


def test_the_list_costs_the_same_queries_for_few_and_many_broken_links(client, world):
    """Each row shows its link, network and object without a query of its own."""
    client.force_login(world["users"]["network_editor"])

    def count_queries():
        client.get(CHANGELIST)  # warm caches (content types, session) outside the count
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries), response.content.decode().count('class="field-where"')

    few, rows = count_queries()
    assert rows == 1
    for _number in range(20):
        LinkUseFactory(used_in=NewsPostFactory(network=world["own"]), link=LinkFactory(status=Link.Status.UNREACHABLE))
    many, rows = count_queries()
    assert rows == 21
    assert many == few
