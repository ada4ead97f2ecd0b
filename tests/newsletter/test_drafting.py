"""Draft from content: a new issue pre-filled with the network's news posts, events and campaigns since
its last issue (or the last 30 days), made from the issue list by a newsletter manager of that network,
then edited and sent like any draft."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail

from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from newsletter import drafting, sending
from newsletter.models import Issue
from tests.factories import (
    EVENTS_NOW,
    NewsPostFactory,
    make_campaign,
    make_event,
    make_issue,
    make_list,
    make_network,
    make_subscriber,
)
from tests.helpers import with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db

DRAFT_URL = "/beheer/newsletter/issue/ontwerp/"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(EVENTS_NOW, tick=False):
        yield EVENTS_NOW


@pytest.fixture
def manager(network):
    user = with_mfa(User.objects.create_user("redactie", "redactie@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def post(network, title, *, days_ago, status=NewsPost.Status.PUBLISHED):
    return NewsPostFactory(
        network=network, title=title, status=status, publish_at=EVENTS_NOW - datetime.timedelta(days=days_ago)
    )


def added(age, factory, *args, **kwargs):
    """An object made `age` days before now (its created_at)."""
    with time_machine.travel(EVENTS_NOW - datetime.timedelta(days=age), tick=False):
        return factory(*args, **kwargs)


def titles(items):
    return sorted(str(item) for item in items.all())


def test_without_an_earlier_issue_the_draft_gathers_the_last_30_days(network, mailing_list, manager):
    other = make_network("ander", 1)
    post(network, "Recent bericht", days_ago=3)
    post(network, "Oud bericht", days_ago=31)
    post(network, "Ontwerpbericht", days_ago=2, status=NewsPost.Status.DRAFT)
    post(network, "Later bericht", days_ago=-2)  # scheduled for later: not public yet
    post(other, "Bericht van een ander netwerk", days_ago=1)
    added(5, make_event, network, "nieuw-in-de-kalender", days=12)
    added(5, make_event, network, "al-voorbij", days=-3)
    added(40, make_event, network, "lang-bekend", days=20)
    added(5, make_event, network, "niet-gepubliceerd", days=12, published=False)
    added(5, make_event, other, "van-een-ander", days=12)
    added(2, make_campaign, network, "nieuwe-actie", days_ago=1)
    # Made 60 days ago: one started then (not since), one set to start 10 days ago (since).
    added(60, make_campaign, network, "oude-actie", days_ago=0, days_left=100)
    added(60, make_campaign, network, "actie-die-nu-start", days_ago=-50, days_left=100)
    added(2, make_campaign, network, "afgelopen", days_ago=30, days_left=-1)
    added(2, make_campaign, network, "verborgen", is_published=False)

    issue = drafting.draft_from_content(mailing_list, manager)

    assert issue.status == Issue.Status.DRAFT
    assert (issue.mailing_list, issue.created_by) == (mailing_list, manager)
    assert issue.subject == f"{mailing_list.name} · oktober 2026"
    assert issue.intro == f"Nieuws, activiteiten en acties van {network.name} sinds 1 september 2026."
    assert titles(issue.news_posts) == ["Recent bericht"]
    assert titles(issue.events) == ["Activiteit nieuw-in-de-kalender"]
    assert titles(issue.campaigns) == ["Actie actie-die-nu-start", "Actie nieuwe-actie"]
    assert mail.outbox == []


def test_the_draft_starts_where_the_networks_last_sent_issue_ended(network, mailing_list, manager):
    second_list = make_list(network, slug="tweede")
    sent = make_issue(second_list, subject="Vorig nummer")
    Issue.objects.filter(pk=sent.pk).update(status=Issue.Status.SENT, sent_at=EVENTS_NOW - 10 * DAY)
    # A draft or an issue of another network is no "last issue".
    make_issue(mailing_list, subject="Nooit verstuurd")
    foreign = make_issue(make_list(make_network("ander", 1)), subject="Ander netwerk")
    Issue.objects.filter(pk=foreign.pk).update(status=Issue.Status.SENT, sent_at=EVENTS_NOW - DAY)
    post(network, "Sinds het vorige nummer", days_ago=9)
    post(network, "In het vorige nummer", days_ago=11)
    added(9, make_event, network, "sindsdien", days=5)
    added(11, make_event, network, "ervoor", days=5)

    issue = drafting.draft_from_content(mailing_list, manager)

    assert issue.intro.endswith("sinds 21 september 2026.")
    assert titles(issue.news_posts) == ["Sinds het vorige nummer"]
    assert titles(issue.events) == ["Activiteit sindsdien"]


def test_a_draft_is_edited_and_sent_with_its_campaigns(client, network, mailing_list, manager):
    reader = make_subscriber("lezer@example.org", mailing_list)
    post(network, "Recent bericht", days_ago=3)
    added(2, make_campaign, network, "nieuwe-actie", days_ago=1)
    client.force_login(manager)

    response = client.post(DRAFT_URL, {"mailing_list": mailing_list.pk})

    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response.url == f"/beheer/newsletter/issue/{issue.pk}/change/"
    page = client.get(response.url).content.decode()
    assert "Een ontwerp met 1 nieuwsberichten, 0 activiteiten en 1 acties." in page
    sending.start_sending(issue)
    work_off_tasks()
    (copy,) = mail.outbox
    assert copy.to == [reader.email]
    body = copy.body
    assert "Acties\n\n* Actie nieuwe-actie\n  Een korte uitleg van de actie.\n" in body
    assert "/acties/nieuwe-actie/" in body
    issue.refresh_from_db()
    archived = client.get(issue.get_absolute_url()).content.decode()
    assert '<a href="/acties/nieuwe-actie/">Actie nieuwe-actie</a>' in archived


def test_the_draft_page_offers_the_managers_own_lists(client, network, mailing_list, manager):
    make_list(make_network("ander", 1), name="Lijst Distelvink")
    client.force_login(manager)
    page = client.get("/beheer/newsletter/issue/").content.decode()
    assert f'href="{DRAFT_URL}"' in page
    page = client.get(DRAFT_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert mailing_list.name in html
    assert "Lijst Distelvink" not in html
    assert "Er wordt niets verstuurd" in html
