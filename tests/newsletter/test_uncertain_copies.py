"""Uncertain copies in the admin: the issue says how many, and a newsletter manager of the network
decides about each (send it again, or mark it as sent); nobody else sees or touches them."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from network.models import NetworkMembership
from network.permissions import Role
from newsletter import sending
from newsletter.models import Delivery, Issue
from tests.admin_forms import admin_url
from tests.audit.conftest import entries_of
from tests.factories import make_issue, make_list, make_network, make_subscriber
from tests.helpers import with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db

CHANGELIST = admin_url("newsletter", "delivery", "changelist")


def staff_member(username, role, network):
    user = with_mfa(User.objects.create_user(username, f"{username}@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=role))
    NetworkMembership.objects.create(user=user, network=network)
    return user


@pytest.fixture
def manager(network):
    return staff_member("redactie", Role.NEWSLETTER_MANAGER, network)


@pytest.fixture
def sent_issue(mailing_list):
    """An issue sent to three readers; the mail server's answer for lezer1's copy never came."""
    for number in range(3):
        make_subscriber(f"lezer{number}@example.org", mailing_list)
    issue = make_issue(mailing_list, subject="Nummer drie")
    sending.start_sending(issue)
    work_off_tasks()
    issue.deliveries.filter(subscriber__email="lezer1@example.org").update(
        status=Delivery.Status.UNCERTAIN,
        handed_over_at=timezone.now(),
        sent_at=None,
        error="SMTPServerDisconnected: Connection unexpectedly closed: timed out",
    )
    mail.outbox.clear()
    return issue


def uncertain_copy(issue):
    return issue.deliveries.get(subscriber__email="lezer1@example.org")


def decide(client, action, *deliveries):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [delivery.pk for delivery in deliveries], "index": 0}
    )


def test_the_issue_says_how_many_copies_are_uncertain_and_leads_to_them(client, manager, sent_issue):
    client.force_login(manager)
    filtered = f"{CHANGELIST}?nummer={sent_issue.pk}&amp;status__exact=uncertain"
    listing = client.get(admin_url("newsletter", "issue", "changelist")).content.decode()
    assert "Verstuurd, 1 onzeker" in listing
    assert "2 verstuurd, 0 mislukt, 1 onzeker, 0 te gaan" in listing
    assert filtered in listing
    page = client.get(admin_url("newsletter", "issue", "change", sent_issue)).content.decode()
    assert "1 exemplaar is misschien aangekomen, misschien niet" in page
    assert filtered in page

    copies = client.get(f"{CHANGELIST}?nummer={sent_issue.pk}&status__exact=uncertain")
    assert copies.status_code == 200
    html = copies.content.decode()
    assert "lezer1@example.org" in html and "lezer0@example.org" not in html
    assert "misschien heeft de abonnee het" in html
    assert "Gekozen onzekere exemplaren opnieuw versturen" in html
    assert "Gekozen onzekere exemplaren als verstuurd markeren" in html


def test_sending_an_uncertain_copy_again_is_a_recorded_decision(client, manager, sent_issue):
    client.force_login(manager)
    response = decide(client, "resend", uncertain_copy(sent_issue))
    assert response.status_code == 302
    delivery = uncertain_copy(sent_issue)
    assert (delivery.status, delivery.resolution) == (Delivery.Status.PENDING, Delivery.Resolution.RESENT)
    sent_issue.refresh_from_db()
    assert (sent_issue.status, sent_issue.copies_resent) == (Issue.Status.SENT, 1)  # it stays in the archive
    entry = entries_of(sent_issue)[-1]
    assert (entry.actor, entry.changes) == (manager, {"copies_resent": [0, 1]})
    assert entry.field_label("copies_resent") == "Onzekere exemplaren opnieuw verstuurd"

    work_off_tasks()
    assert [message.to for message in mail.outbox] == [["lezer1@example.org"]]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.resolution) == (Delivery.Status.SENT, Delivery.Resolution.RESENT)
    assert sent_issue.state_label(sent_issue.deliveries.progress()) == "Verstuurd"


def test_marking_an_uncertain_copy_as_sent_sends_nothing(client, manager, sent_issue):
    client.force_login(manager)
    handed_over_at = uncertain_copy(sent_issue).handed_over_at
    assert decide(client, "mark_sent", uncertain_copy(sent_issue)).status_code == 302
    delivery = uncertain_copy(sent_issue)
    assert (delivery.status, delivery.resolution, delivery.sent_at) == (
        Delivery.Status.SENT,
        Delivery.Resolution.MARKED_SENT,
        handed_over_at,
    )
    sent_issue.refresh_from_db()
    assert sent_issue.copies_marked_sent == 1
    assert entries_of(sent_issue)[-1].changes == {"copies_marked_sent": [0, 1]}
    work_off_tasks()
    assert mail.outbox == []


def test_a_copy_that_is_not_uncertain_is_left_alone(client, manager, sent_issue):
    client.force_login(manager)
    delivered = sent_issue.deliveries.get(subscriber__email="lezer0@example.org")
    response = decide(client, "resend", delivered, uncertain_copy(sent_issue))
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        "1 onzekere exemplaren worden opnieuw verstuurd.",
        "1 gekozen exemplaren waren niet onzeker en bleven zoals ze waren.",
    ]
    assert sent_issue.deliveries.get(pk=delivered.pk).status == Delivery.Status.SENT
    work_off_tasks()
    assert [message.to for message in mail.outbox] == [["lezer1@example.org"]]


def test_another_networks_manager_neither_sees_nor_decides(client, sent_issue):
    other = staff_member("elders", Role.NEWSLETTER_MANAGER, make_network("ander", 1))
    make_list(other.network_memberships.get().network, "ander")
    client.force_login(other)
    assert "lezer1@example.org" not in client.get(CHANGELIST).content.decode()
    copy = uncertain_copy(sent_issue)
    entries = len(entries_of(sent_issue))
    assert client.get(admin_url("newsletter", "delivery", "change", copy)).status_code == 302  # "does not exist"
    decide(client, "resend", copy)
    decide(client, "mark_sent", copy)
    assert uncertain_copy(sent_issue).status == Delivery.Status.UNCERTAIN
    sent_issue.refresh_from_db()
    assert (sent_issue.copies_resent, sent_issue.copies_marked_sent, len(entries_of(sent_issue))) == (0, 0, entries)


def test_a_network_editor_has_no_access_to_the_copies(client, network, sent_issue):
    editor = staff_member("webredactie", Role.NETWORK_EDITOR, network)
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 403
    assert decide(client, "resend", uncertain_copy(sent_issue)).status_code == 403
    assert uncertain_copy(sent_issue).status == Delivery.Status.UNCERTAIN
