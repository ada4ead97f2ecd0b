"""Per-issue numbers without tracking: copies, bounces and complaints, readers who left within 7 days
(counted when they leave, nobody stored), and loads of the public web version (never page-cached, so
each one counts). The admin's numbers page shows them to the issue's network only."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail

from network.models import NetworkMembership
from network.permissions import Role
from newsletter import bounces, numbers, sending, subscribing
from newsletter.models import Bounce, BounceKind, Issue
from tests.factories import make_issue, make_subscriber
from tests.helpers import with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def manager(network):
    user = with_mfa(User.objects.create_user("redactie", "redactie@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def send_issue(mailing_list, subject="Nieuws uit het netwerk"):
    issue = make_issue(mailing_list, subject=subject)
    sending.start_sending(issue)
    work_off_tasks()
    issue.refresh_from_db()
    return issue


def leave_link(email):
    """The unsubscribe link of the latest copy `email` received (its List-Unsubscribe header)."""
    message = [message for message in mail.outbox if message.to == [email]][-1]
    return re.fullmatch(r"<https?://[^/]+(/.*)>", message.extra_headers["List-Unsubscribe"]).group(1)


def numbers_of(issue):
    issue.refresh_from_db()
    return numbers.issue_numbers(issue)


def test_readers_who_leave_within_seven_days_count_for_the_issue_they_received(client, mailing_list):
    readers = [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(5)]
    issue = send_issue(mailing_list)
    latecomer = make_subscriber("later@example.org", mailing_list)  # got no copy of this issue

    assert client.post(leave_link(readers[0].email)).status_code == 200
    client.post(leave_link(readers[0].email))  # leaving twice counts once
    subscribing.unsubscribe(latecomer.subscriptions.get())
    with time_machine.travel(issue.sending_started_at + 6 * DAY):
        subscribing.erase(readers[1])  # erasing the data leaves the list too
        subscribing.leave_all(readers[2])
    with time_machine.travel(issue.sending_started_at + 7 * DAY + datetime.timedelta(minutes=1)):
        subscribing.unsubscribe(readers[3].subscriptions.get())

    assert numbers_of(issue)["unsubscribed"] == 3
    # Nothing names who left: the erased reader's copy is anonymous, the counter is all there is.
    assert issue.deliveries.filter(subscriber__isnull=True).count() == 1


def test_leaving_counts_for_the_latest_issue_only(client, mailing_list):
    reader = make_subscriber("lezer@example.org", mailing_list)
    first = send_issue(mailing_list, "Eerste")
    second = send_issue(mailing_list, "Tweede")
    client.post(leave_link(reader.email))
    assert (numbers_of(first)["unsubscribed"], numbers_of(second)["unsubscribed"]) == (0, 1)


def test_every_load_of_the_web_version_counts_and_the_page_is_never_cached(client, mailing_list, settings):
    settings.PAGE_CACHE_SECONDS = 300
    issue = send_issue(mailing_list)
    updated_at = issue.updated_at
    for _ in range(3):
        response = client.get(issue.get_absolute_url())
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
    assert client.head(issue.get_absolute_url()).status_code == 200  # a link checker's HEAD is no view
    assert numbers_of(issue)["web_views"] == 3
    # Counting is one UPDATE of the counter alone: no save(), so no signal makes the network's pages stale.
    issue.refresh_from_db()
    assert issue.updated_at == updated_at


def test_the_numbers_page_shows_the_issues_numbers(client, mailing_list, manager):
    readers = [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(4)]
    issue = send_issue(mailing_list)
    deliveries = {delivery.subscriber_id: delivery for delivery in issue.deliveries.all()}
    bounces.record(deliveries[readers[0].pk], BounceKind.HARD, source=Bounce.Source.MAILBOX, detail="5.1.1")
    bounces.record(deliveries[readers[1].pk], BounceKind.COMPLAINT, source=Bounce.Source.WEBHOOK, detail="abuse")
    client.post(leave_link(readers[2].email))
    client.get(issue.get_absolute_url())
    client.force_login(manager)

    response = client.get(f"/beheer/newsletter/issue/{issue.pk}/cijfers/")

    assert response.status_code == 200
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', response.content.decode()))
    assert rows == {
        "ontvangers": "4",
        "verstuurd": "4",
        "mislukt": "0",
        "onzeker": "0",
        "nog te versturen": "0",
        "overgeslagen (lijst verlaten of geschorst voor hun exemplaar)": "0",
        "teruggekomen exemplaren": "1",
        "klachten": "1",
        "binnen 7 dagen van de lijst gegaan": "1",
        "weergaven van de webversie": "1",
    }
    html = response.content.decode()
    assert "geen trackingpixel" in html
    assert "Het getal kan nog stijgen tot" in html
    change = client.get(f"/beheer/newsletter/issue/{issue.pk}/change/").content.decode()
    assert f'href="/beheer/newsletter/issue/{issue.pk}/cijfers/"' in change


def test_a_draft_has_no_numbers_link(client, mailing_list, manager):
    issue = make_issue(mailing_list)
    client.force_login(manager)
    change = client.get(f"/beheer/newsletter/issue/{issue.pk}/change/").content.decode()
    assert "/cijfers/" not in change
    assert Issue.objects.get().web_views == 0
