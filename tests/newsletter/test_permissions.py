"""Newsletter admin: every role x model x own and other network, for list, change, delete, export, send,
preview and forged posts.

Newsletter managers compose, send and export for their own networks only; network editors and
association editors never see a subscriber; nobody sees another network's subscribers.
"""

import csv
from html import escape

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Issue, MailingList, Subscription
from tests.admin_forms import admin_form, admin_url
from tests.factories import (
    StaffFactory,
    SuperuserFactory,
    make_campaign,
    make_issue,
    make_list,
    make_network,
    make_subscriber,
)
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}
NONE = set()
# What each role may do, per model, with objects of its own network (with another network's
# objects only the superuser may do anything), and whether it may export and send.
ROLES = {
    "superuser": {
        "mailinglist": ALL,
        "issue": ALL,
        "subscription": {"view", "delete"},
        "export": True,
        "send": True,
    },
    "network_editor": {"mailinglist": NONE, "issue": NONE, "subscription": NONE, "export": False, "send": False},
    "newsletter_manager": {
        "mailinglist": {"view", "add", "change"},
        "issue": ALL,
        "subscription": {"view"},
        "export": True,
        "send": True,
    },
    "association_editor": {"mailinglist": NONE, "issue": NONE, "subscription": NONE, "export": False, "send": False},
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}
SIDES = ["own", "other"]
MODELS = ["mailinglist", "issue", "subscription"]
# Names that appear nowhere else, so their absence from a page means the object did not leak.
NAMES = {
    "own": {"mailinglist": "Lijst Zonnebloem", "issue": "Nummer Zonnebloem", "subscription": "zonnebloem@example.org"},
    "other": {
        "mailinglist": "Lijst Distelvink",
        "issue": "Nummer Distelvink",
        "subscription": "distelvink@example.org",
    },
}
HYPERLINK = '=HYPERLINK("http://x")'


def can(role, model, action, side):
    return action in ROLES[role][model] and (side == "own" or role == "superuser")


@pytest.fixture
def world():
    objects = {}
    for side, position in (("own", 0), ("other", 1)):
        network = make_network({"own": "eigen", "other": "ander"}[side], position)
        mailing_list = make_list(network, name=NAMES[side]["mailinglist"])
        subscriber = make_subscriber(
            NAMES[side]["subscription"], mailing_list, name=HYPERLINK if side == "own" else ""
        )
        objects[side] = {
            "network": network,
            "mailinglist": mailing_list,
            "issue": make_issue(mailing_list, subject=NAMES[side]["issue"]),
            "subscription": subscriber.subscriptions.get(),
            "newspost": NewsPost.objects.create(
                network=network,
                title=f"Bericht {side}",
                slug=f"bericht-{side}",
                lead="x",
                body="<p>x</p>",
                status=NewsPost.Status.PUBLISHED,
            ),
        }
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group_name in GROUPS.items():
        users[role] = StaffFactory(username=role, role=group_name, networks=[objects["own"]["network"]])
    return {**objects, "users": users}


def url(model, action, obj=None):
    return admin_url("newsletter", model, action, obj)


def refused_status(role, model, actions):
    """403 for a role without any of `actions` on the model; another network's object is outside the
    role's list, and the admin redirects as for an object that does not exist."""
    return 302 if ROLES[role][model] & set(actions) else 403


def assert_refused(response, obj, status):
    """Not shown: `status`; a redirect goes to the admin index (Django's "does not exist")."""
    assert response.status_code == status
    if status == 302:
        assert response.url == "/beheer/"
    assert escape(str(obj)) not in response.content.decode()


# List, change, delete -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
def test_list_shows_own_network_only(client, world, role, model):
    client.force_login(world["users"][role])
    response = client.get(url(model, "changelist"))
    if not ROLES[role][model]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert NAMES["own"][model] in html
    seen_other = role == "superuser"
    assert (url(model, "change", world["other"][model]) in html) == seen_other
    # Not in a row, a filter or anywhere else.
    assert (NAMES["other"][model] in html) == seen_other
    assert (NAMES["other"]["mailinglist"] in html) == seen_other


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("side", SIDES)
def test_change_and_delete_only_own_network(client, world, role, model, side):
    obj = world[side][model]
    if model == "mailinglist":
        Issue.objects.filter(mailing_list=obj).delete()  # a list with issues is protected (below)
    client.force_login(world["users"][role])
    response = client.get(url(model, "change", obj))
    if can(role, model, "view", side):
        assert response.status_code == 200
        assert NAMES[side][model] in response.content.decode()
    else:
        assert_refused(response, obj, refused_status(role, model, {"view", "change"}))
    may_delete = can(role, model, "delete", side)
    page = client.get(url(model, "delete", obj))
    if may_delete:
        assert page.status_code == 200
    else:
        assert_refused(page, obj, refused_status(role, model, {"delete"}))
    response = client.post(url(model, "delete", obj), {"post": "yes"})
    assert response.status_code == (302 if may_delete else refused_status(role, model, {"delete"}))
    assert type(obj).objects.filter(pk=obj.pk).exists() != may_delete


def test_a_list_with_issues_cannot_be_deleted(client, world):
    mailing_list = world["own"]["mailinglist"]
    client.force_login(world["users"]["superuser"])
    client.post(url("mailinglist", "delete", mailing_list), {"post": "yes"})
    assert MailingList.objects.filter(pk=mailing_list.pk).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["mailinglist", "issue"])
@pytest.mark.parametrize("side", SIDES)
def test_forged_change_changes_nothing(client, world, role, model, side):
    obj = world[side][model]
    data = admin_form(client, world["users"]["superuser"], "newsletter", model, obj)
    field = "name" if model == "mailinglist" else "subject"
    data[field] = "Gewijzigd"
    client.force_login(world["users"][role])
    response = client.post(url(model, "change", obj), data)
    obj.refresh_from_db()
    may_change = can(role, model, "change", side)
    assert (getattr(obj, field) == "Gewijzigd") == may_change, response.content.decode()[:3000]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_add_issue_naming_a_list(client, world, role, side):
    data = admin_form(client, world["users"]["superuser"], "newsletter", "issue")
    data.update(mailing_list=str(world[side]["mailinglist"].pk), subject="Toegevoegd", intro="x")
    client.force_login(world["users"][role])
    response = client.post(url("issue", "add"), data)
    created = Issue.objects.filter(subject="Toegevoegd").first()
    if can(role, "issue", "add", side):
        assert created is not None, response.content.decode()[:3000]
    elif "add" in ROLES[role]["issue"]:
        assert created is None
        assert response.status_code == 200, "the form again: another network's list is no valid choice"
        assert "Selecteer een geldige keuze" in response.content.decode()
    else:
        assert created is None
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["superuser", "newsletter_manager"])
def test_issue_form_offers_own_lists_and_news_only(client, world, role):
    client.force_login(world["users"][role])
    html = client.get(url("issue", "add")).content.decode()
    seen_other = role == "superuser"
    assert NAMES["own"]["mailinglist"] in html
    assert (NAMES["other"]["mailinglist"] in html) == seen_other
    assert "Bericht own" in html
    assert ("Bericht other" in html) == seen_other


def test_manager_cannot_forge_another_networks_post_into_an_issue(client, world):
    issue = world["own"]["issue"]
    data = admin_form(client, world["users"]["superuser"], "newsletter", "issue", issue)
    data["news_posts"] = [str(world["other"]["newspost"].pk)]
    client.force_login(world["users"]["newsletter_manager"])
    response = client.post(url("issue", "change", issue), data)
    assert response.status_code == 200
    assert not issue.news_posts.exists()


def test_manager_cannot_forge_another_networks_campaign_into_an_issue(client, world):
    issue = world["own"]["issue"]
    foreign = make_campaign(world["other"]["network"], "actie-ander")
    data = admin_form(client, world["users"]["superuser"], "newsletter", "issue", issue)
    data["campaigns"] = [str(foreign.pk)]
    client.force_login(world["users"]["newsletter_manager"])
    response = client.post(url("issue", "change", issue), data)
    assert response.status_code == 200
    assert not issue.campaigns.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_draft_from_content_only_for_own_networks_lists(client, world, role, side):
    """Drafts from content: who may add issues, for a list of their own networks (newsletter/drafting.py)."""
    client.force_login(world["users"][role])
    page = client.get("/beheer/newsletter/issue/ontwerp/")
    before = set(Issue.objects.values_list("pk", flat=True))
    response = client.post("/beheer/newsletter/issue/ontwerp/", {"mailing_list": world[side]["mailinglist"].pk})
    created = Issue.objects.exclude(pk__in=before)
    if can(role, "issue", "add", side):
        assert (page.status_code, response.status_code) == (200, 302)
        assert [issue.mailing_list for issue in created] == [world[side]["mailinglist"]]
    elif "add" in ROLES[role]["issue"]:
        assert (page.status_code, response.status_code) == (200, 200)
        assert "Selecteer een geldige keuze" in response.content.decode()
        assert NAMES["other"]["mailinglist"] not in page.content.decode()
        assert not created.exists()
    else:
        assert (page.status_code, response.status_code) == (403, 403)
        assert not created.exists()


def test_manager_cannot_move_a_list_to_another_network(client, world):
    mailing_list = world["own"]["mailinglist"]
    data = admin_form(client, world["users"]["superuser"], "newsletter", "mailinglist", mailing_list)
    data["network"] = str(world["other"]["network"].pk)
    client.force_login(world["users"]["newsletter_manager"])
    response = client.post(url("mailinglist", "change", mailing_list), data)
    mailing_list.refresh_from_db()
    assert mailing_list.network == world["own"]["network"]
    assert "Selecteer een geldige keuze" in response.content.decode()


# Subscribers: read-only, filtered -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_subscriptions_are_read_only(client, world, role):
    client.force_login(world["users"][role])
    assert client.get(url("subscription", "add")).status_code == 403
    for side in SIDES:
        subscription = world[side]["subscription"]
        data = {
            "subscriber": subscription.subscriber_id,
            "mailing_list": subscription.mailing_list_id,
            "status": "pending",
        }
        response = client.post(url("subscription", "change", subscription), data)
        # Nobody may change a subscription: 403, also for the superuser.
        assert response.status_code == 403
        subscription.refresh_from_db()
        assert subscription.status == Subscription.Status.CONFIRMED


def test_subscription_list_filter_of_another_network_shows_nothing(client, world):
    client.force_login(world["users"]["newsletter_manager"])
    html = client.get(url("subscription", "changelist")).content.decode()
    assert f"lijst={world['own']['mailinglist'].pk}" in html
    assert f"lijst={world['other']['mailinglist'].pk}" not in html
    forged = client.get(url("subscription", "changelist"), {"lijst": world["other"]["mailinglist"].pk})
    assert NAMES["other"]["subscription"] not in forged.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_superuser_sees_the_subscriber_admin(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(url("subscriber", "changelist"))
    assert response.status_code == (200 if role == "superuser" else 403)


# CSV export -----------------------------------------------------------------------------------


def csv_emails(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    header, *rows = csv.reader(response.content.decode("utf-8-sig").splitlines())
    assert header[:2] == ["e-mailadres", "naam"]
    assert all(row[1] != HYPERLINK for row in rows)  # formula cells neutralised
    return {row[0] for row in rows}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "action"), [("mailinglist", "export_subscribers"), ("subscription", "export_csv")])
def test_csv_export_holds_own_network_rows_only_even_with_forged_ids(client, world, role, model, action):
    # A pending address in the own list: the list export leaves it out, a selection keeps what was selected.
    pending = make_subscriber("wachtend@example.org", world["own"]["mailinglist"], status="pending")
    selected = [world[side][model].pk for side in SIDES]
    if model == "subscription":
        selected.append(pending.subscriptions.get().pk)
    client.force_login(world["users"][role])
    response = client.post(
        url(model, "changelist"), {"action": action, "_selected_action": selected, "index": "0", "select_across": "0"}
    )
    if not ROLES[role]["export"]:
        assert response.status_code == 403
        return
    emails = csv_emails(response)
    expected = {NAMES["own"]["subscription"]}
    if model == "subscription":
        expected.add("wachtend@example.org")
    if role == "superuser":
        expected.add(NAMES["other"]["subscription"])
    assert emails == expected


def test_view_only_without_export_permission_cannot_export(client, world):
    user = with_mfa(User.objects.create_user("lezer", "lezer@example.org", "x", is_staff=True))
    user.user_permissions.add(
        *Group.objects.get(name=Role.NEWSLETTER_MANAGER).permissions.exclude(codename="export_subscription")
    )
    NetworkMembership.objects.create(user=user, network=world["own"]["network"])
    client.force_login(user)
    assert client.get(url("subscription", "changelist")).status_code == 200
    response = client.post(
        url("subscription", "changelist"),
        {"action": "export_csv", "_selected_action": [world["own"]["subscription"].pk], "index": "0"},
    )
    assert not response.get("Content-Type", "").startswith("text/csv")


# Sending, test mails and previews -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_send_test_and_preview_only_own_network(client, world, role, side):
    issue = world[side]["issue"]
    client.force_login(world["users"][role])
    allowed = ROLES[role]["send"] and (side == "own" or role == "superuser")
    confirmation = client.get(f"/beheer/newsletter/issue/{issue.pk}/versturen/")
    if allowed:
        assert confirmation.status_code == 200
    else:
        # Another network's issue is not found; an own issue without the send permission is forbidden.
        assert_refused(confirmation, issue, 404 if side == "other" else 403)
    client.post(f"/beheer/newsletter/issue/{issue.pk}/proefmail/")
    client.post(f"/beheer/newsletter/issue/{issue.pk}/versturen/")
    assert (len(mail.outbox) == 1) == allowed
    assert Delivery.objects.filter(issue=issue).exists() == allowed
    preview = client.get(f"/nieuwsbrief/voorbeeld/{issue.pk}/")
    assert preview.status_code == (200 if can(role, "issue", "view", side) else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_numbers_page_only_own_network(client, world, role, side):
    issue = world[side]["issue"]
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, web_views=17)
    client.force_login(world["users"][role])
    response = client.get(f"/beheer/newsletter/issue/{issue.pk}/cijfers/")
    if can(role, "issue", "view", side):
        assert response.status_code == 200
        assert "<td>17</td>" in response.content.decode()
    else:
        # Another network's issue is not found; without the view permission the page is forbidden.
        assert_refused(response, issue, 404 if "view" in ROLES[role]["issue"] else 403)


def test_network_editor_sees_no_newsletter_module(client, world):
    client.force_login(world["users"]["network_editor"])
    html = client.get("/beheer/").content.decode()
    assert "/beheer/newsletter/" not in html
    assert MailingList.objects.count() == 2  # nothing was touched on the way


# Bounces and suspended subscribers ------------------------------------------------------------


def bounce_of(world, side):
    from newsletter import bounces
    from newsletter.models import Bounce, BounceKind

    subscription = world[side]["subscription"]
    delivery = Delivery.objects.create(issue=world[side]["issue"], subscriber=subscription.subscriber, status="sent")
    return bounces.record(delivery, BounceKind.HARD, source=Bounce.Source.MAILBOX, detail=f"5.1.1 {side}-reden")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_bounces_and_suspensions_show_for_own_network_only(client, world, role, side):
    bounce = {key: bounce_of(world, key) for key in SIDES}[side]
    client.force_login(world["users"][role])
    allowed = ROLES[role]["send"] and (side == "own" or role == "superuser")
    listing = client.get(url("bounce", "changelist"))
    if ROLES[role]["send"]:
        assert listing.status_code == 200
        assert (f"{side}-reden" in listing.content.decode()) == allowed
    else:
        assert listing.status_code == 403
    detail = client.get(url("bounce", "change", bounce))
    assert detail.status_code == (200 if allowed else (302 if ROLES[role]["send"] else 403))
    suspended = client.get(url("subscription", "changelist") + "?geschorst=ja")
    email = NAMES[side]["subscription"]
    if can(role, "subscription", "view", "own"):
        assert (email in suspended.content.decode()) == can(role, "subscription", "view", side)
    else:
        assert suspended.status_code == 403
