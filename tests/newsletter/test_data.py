"""Personal data: unconfirmed sign-ups purged, erasure keeping anonymous counts, and the demo content."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from newsletter import subscribing
from newsletter.models import Issue, MailingList, Subscriber, Subscription
from tests.factories import make_list, make_subscriber

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_purge_erases_stale_sign_ups_and_leavers_and_keeps_the_rest(mailing_list, settings):
    settings.NEWSLETTER_PENDING_DAYS = 14
    extra = make_list(mailing_list.network, "extra")
    with time_machine.travel(days_ago(20)):
        make_subscriber("oud-onbevestigd@example.org", mailing_list, status="pending")
        asked_again = make_subscriber("opnieuw@example.org", mailing_list, status="pending")
        reader = make_subscriber("lezer@example.org", mailing_list)
        make_subscriber("lang-weg@example.org", mailing_list, status="unsubscribed")
        recently_gone = make_subscriber("net-weg@example.org", mailing_list)
        make_subscriber("leeg@example.org")  # no list at all
        # The reader asked for an extra list 20 days ago and never confirmed it.
        Subscription.objects.create(subscriber=reader, mailing_list=extra, consented_at=timezone.now())
    with time_machine.travel(days_ago(3)):
        make_subscriber("nieuw-onbevestigd@example.org", mailing_list, status="pending")
        Subscription.objects.filter(subscriber=asked_again).update(consented_at=timezone.now())
        subscribing.unsubscribe(recently_gone.subscriptions.get())
    out = StringIO()
    call_command("purge_pending_subscribers", stdout=out)
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "opnieuw@example.org",
        "lezer@example.org",
        "net-weg@example.org",
        "nieuw-onbevestigd@example.org",
    }
    assert not Subscription.objects.filter(mailing_list=extra).exists()
    assert reader.subscriptions.get().status == Subscription.Status.CONFIRMED
    assert (
        out.getvalue().strip() == "1 unconfirmed sign-ups, 2 subscribers without any list, 1 unconfirmed extra lists "
        "and 0 bounce records erased"
    )


def test_erasure_keeps_only_anonymous_counts(mailing_list):
    second = make_list(mailing_list.network, "tweede")
    subscriber = make_subscriber("lezer@example.org", mailing_list, second, name="Lezer")
    make_subscriber("ander@example.org", mailing_list)
    subscribing.unsubscribe(subscriber.subscriptions.get(mailing_list=second))
    subscribing.erase(subscriber)
    assert not Subscriber.objects.filter(email="lezer@example.org").exists()
    assert not Subscriber.objects.filter(name="Lezer").exists()
    counts = {item.slug: (item.unsubscribed_count, item.erased_count) for item in MailingList.objects.all()}
    # Left "tweede" before erasing: counted as a leaver there, as an erasure only where still subscribed.
    assert counts == {"nieuwsbrief": (0, 1), "tweede": (1, 0)}
    assert Subscription.objects.confirmed().count() == 1


def test_demo_has_a_list_per_network_example_readers_and_an_archive(client):
    call_command("load_demo", stdout=StringIO())
    from network.models import Network

    assert MailingList.objects.count() == Network.objects.count() == 3
    assert all(email.endswith("@example.org") for email in Subscriber.objects.values_list("email", flat=True))
    assert Subscription.objects.confirmed().count() >= 4
    issues = list(Issue.objects.archived())
    assert len(issues) == 2
    for issue in issues:
        assert issue.news_posts.count() == 2
        assert all(post.network_id == issue.mailing_list.network_id for post in issue.news_posts.all())
        assert client.get(issue.get_absolute_url()).status_code == 200
    assert not issues[0].deliveries.exists()
