"""Who reads the audit trail: superusers everything; a network's editors their own networks' entries of
the content they may view, nothing else; nobody adds, changes or deletes an entry; the list costs a
constant number of queries."""

import datetime
from urllib.parse import urlencode

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from network.models import NetworkMembership, Theme
from tests.admin_forms import admin_url
from tests.audit.conftest import entries_of
from tests.factories import make_issue, make_list, make_page

pytestmark = pytest.mark.django_db

CHANGELIST = admin_url("audit", "auditentry", "changelist")
# Names that appear nowhere else on the page, so their absence means the entry did not leak.
NAMES = {
    "own_page": "Pagina Zonnebloem",
    "other_page": "Pagina Distelvink",
    "theme": "Thema Korenbloem",
    "own_issue": "Nieuwsbrief Klaproos",
    "own_membership": "lidmaatschap",
}
# Which of them each role reads: the roles without the trail's permission read nothing at all.
READS = {
    "superuser": set(NAMES),
    "network_editor": {"own_page"},
    "other_editor": {"other_page"},
    "newsletter_manager": None,
    "association_editor": None,
    "anonymous": None,
}


@pytest.fixture
def trail(world):
    with set_actor(world.users["superuser"]):
        objects = {
            "own_page": make_page(world.own, NAMES["own_page"]),
            "other_page": make_page(world.other, NAMES["other_page"]),
            "theme": Theme.objects.create(name=NAMES["theme"], slug="korenbloem"),
            "own_issue": make_issue(make_list(world.own), subject=NAMES["own_issue"]),
            "own_membership": NetworkMembership.objects.get(user=world.users["network_editor"]),
        }
    return {key: entries_of(obj)[0] for key, obj in objects.items()}


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])


def entry_url(entry, action="change"):
    return admin_url("audit", "auditentry", action, entry)


@pytest.mark.parametrize("role", READS)
def test_changelist_shows_each_role_only_what_it_may_read(client, world, trail, role):
    login(client, world, role)
    response = client.get(CHANGELIST)
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
        return
    if READS[role] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    for key, entry in trail.items():
        visible = key in READS[role]
        assert (entry_url(entry) in html) == visible, key
        if key != "own_membership":  # a membership is named after its user, who appears elsewhere
            assert (NAMES[key] in html) == visible, key


@pytest.mark.parametrize("role", READS)
@pytest.mark.parametrize("key", NAMES)
def test_an_entry_opens_only_for_who_may_read_it_and_forged_ids_find_nothing(client, world, trail, role, key):
    login(client, world, role)
    if role == "anonymous":
        expected = 302  # to the sign-in
    elif READS[role] is None:
        expected = 403
    elif key in READS[role]:
        expected = 200
    else:
        expected = 404
    response = client.get(entry_url(trail[key]))
    assert response.status_code == expected
    if expected != 200 and key != "own_membership":
        assert NAMES[key] not in response.content.decode()
    history = client.get(entry_url(trail[key], "history"))
    assert history.status_code == expected


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_nobody_adds_changes_or_deletes_an_entry(client, world, trail, role):
    entry = trail["own_page"]
    login(client, world, role)
    assert client.get(admin_url("audit", "auditentry", "add")).status_code == 403
    assert client.post(admin_url("audit", "auditentry", "add"), {"object_repr": "Vals"}).status_code == 403
    assert client.post(entry_url(entry), {"object_repr": "Vals", "action": 2}).status_code == 403
    assert client.get(entry_url(entry, "delete")).status_code == 403
    assert client.post(entry_url(entry, "delete"), {"post": "yes"}).status_code == 403
    bulk = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code == 200, "the list again: the action is not offered"
    entry.refresh_from_db()
    assert entry.object_repr == NAMES["own_page"] and entry.action == AuditEntry.Action.CREATE
    page = client.get(entry_url(entry)).content.decode()
    assert 'name="_save"' not in page and entry_url(entry, "delete") not in page
    listing = client.get(CHANGELIST).content.decode()
    assert 'name="action"' not in listing and admin_url("audit", "auditentry", "add") not in listing


def test_the_detail_shows_who_what_when_and_old_and_new_values(client, world):
    editor = world.users["network_editor"]
    with set_actor(editor):
        page = make_page(world.own, "Onze werking", published=False)
        page.title, page.published = "Onze werking in 2026", True
        page.save()
    entry = entries_of(page)[-1]
    client.force_login(editor)
    html = client.get(entry_url(entry)).content.decode()
    assert editor.email in html
    assert "Gepubliceerd" in html  # what happened
    for text in ("Titel", "Onze werking", "Onze werking in 2026", "ja", "nee", world.own.short_name):
        assert text in html, text
    assert admin_url("network", "page", "change", page) in html  # to the page itself


def test_filters_by_event_kind_network_date_and_search(client, world, trail):
    with set_actor(world.users["superuser"]):
        page = make_page(world.own, "Pagina Boterbloem", published=False)
        page.published = True
        page.save()
        page.published = False
        page.save()
    client.force_login(world.users["superuser"])

    def shown(query):
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200, query
        html = response.content.decode()
        names = {**NAMES, "boterbloem": "Pagina Boterbloem"}
        names.pop("own_membership")  # its kind's name is in the filter
        return {key for key, name in names.items() if name in html}

    assert shown("?wat=published") == {"own_page", "other_page", "boterbloem"}  # created published counts too
    assert shown("?wat=unpublished") == {"boterbloem"}
    assert shown("?wat=deleted") == set()
    assert "own_page" not in shown("?wat=changed")
    theme_type = trail["theme"].content_type_id
    assert shown(f"?soort={theme_type}") == {"theme"}
    assert shown(f"?netwerk={world.other.pk}") == {"other_page"}
    since = urlencode({"timestamp__gte": (timezone.now() - datetime.timedelta(days=7)).isoformat()})
    assert shown(f"?{since}") >= {"own_page", "theme"}
    assert shown("?q=distelvink") == {"other_page"}
    for forged in ("?netwerk=x", "?soort=x", "?wat=x"):
        response = client.get(CHANGELIST + forged)
        assert response.status_code == 302 and "e=1" in response["Location"]


def test_an_editor_filtering_on_another_network_sees_nothing_of_it(client, world, trail):
    client.force_login(world.users["network_editor"])
    html = client.get(CHANGELIST + f"?netwerk={world.other.pk}").content.decode()
    assert NAMES["other_page"] not in html
    # The network filter offers only the editor's own network.
    html = client.get(CHANGELIST).content.decode()
    assert f"?netwerk={world.own.pk}" in html and f"?netwerk={world.other.pk}" not in html


def test_the_change_page_links_to_the_objects_trail_for_who_may_read_it(client, world, trail):
    page = trail["own_page"].content_type.get_object_for_this_type(pk=trail["own_page"].object_id)
    client.force_login(world.users["network_editor"])
    html = client.get(admin_url("network", "page", "change", page)).content.decode()
    link = f"{CHANGELIST}?soort={trail['own_page'].content_type_id}&amp;object_id={page.pk}"
    assert link in html
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert NAMES["own_page"] in listing and NAMES["other_page"] not in listing


def test_the_changelist_costs_the_same_queries_for_few_and_many_entries(client, world):
    """Each row shows actor, kind and network without a query of its own (select_related, annotation)."""
    editor = world.users["network_editor"]
    client.force_login(editor)

    def count_queries():
        client.get(CHANGELIST)  # warm caches (content types, session) outside the count
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries), response.content.decode().count('class="field-when"')

    with set_actor(editor):
        make_page(world.own, "Eerste")
    few, rows = count_queries()
    assert rows >= 1
    with set_actor(editor):
        for number in range(30):
            page = make_page(world.own, f"Pagina {number}")
            page.title = f"Pagina {number} herzien"
            page.save()
    many, rows = count_queries()
    assert rows == 50  # one full page
    assert many == few
    # 8 of them are the session, the user, user-session tracking and the second-factor check.
    assert many <= 15, many
