"""Sending an issue: deliveries, batches, retries, what each copy carries, and resuming after a dead worker."""

import datetime
import smtplib
import threading
from collections import Counter
from email import message_from_bytes, policy
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from network.models import Network, NewsPost
from newsletter import sending, subscribing
from newsletter.models import Delivery, Issue, Subscriber, Subscription
from tests.factories import make_issue, make_list, make_subscriber
from tests.helpers import work_off_tasks
from tests.newsletter.backends import ScriptedBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    monkeypatch.setattr(sending, "RETRY_BACKOFF", 0)


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.ScriptedBackend"
    ScriptedBackend.script, ScriptedBackend.opened = {}, 0
    return ScriptedBackend.script


@pytest.fixture
def readers(mailing_list):
    return [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(7)]


def statuses(issue):
    return Counter(issue.deliveries.values_list("status", flat=True))


def test_start_sending_creates_one_delivery_per_confirmed_subscriber_once(mailing_list, readers):
    other_list = make_list(mailing_list.network, "ander")
    make_subscriber("wachtend@example.org", mailing_list, status=Subscription.Status.PENDING)
    make_subscriber("weg@example.org", mailing_list, status=Subscription.Status.UNSUBSCRIBED)
    make_subscriber("elders@example.org", other_list)
    issue = make_issue(mailing_list)
    assert sending.start_sending(issue) is True
    assert (issue.status, issue.recipient_count) == (Issue.Status.SENDING, 7)
    assert set(issue.deliveries.values_list("subscriber__email", flat=True)) == {r.email for r in readers}
    tasks = DBTaskResult.objects.count()
    assert tasks >= 1
    # A second "send" (a double click, a second tab) creates nothing.
    assert sending.start_sending(issue) is False
    assert issue.deliveries.count() == 7
    assert DBTaskResult.objects.count() == tasks
    assert mail.outbox == []  # nothing goes out before the worker runs


def test_batches_send_every_copy_once_and_finish_the_issue(mailing_list, readers, settings, scripted):
    settings.NEWSLETTER_BATCH_SIZE = 3
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    tasks = work_off_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(r.email for r in readers)
    assert tasks >= 3  # 7 copies in batches of 3
    assert ScriptedBackend.opened <= tasks  # one connection per batch, not per message
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert statuses(issue) == {Delivery.Status.SENT: 7}
    assert issue.deliveries.progress() == {"sent": 7, "failed": 0, "remaining": 0, "skipped": 0}
    # Running the worker again sends nothing more.
    sending.resume_sending()
    work_off_tasks()
    assert len(mail.outbox) == 7


def test_each_copy_is_multipart_with_its_own_one_click_unsubscribe(client, mailing_list, network, settings):
    settings.SITE_URL = "https://www.example.org"
    reader = make_subscriber("lezer@example.org", mailing_list)
    post = NewsPost.objects.create(
        network=network,
        title="Een bericht",
        slug="een-bericht",
        lead="De kern.",
        body="<p>x</p>",
        status=NewsPost.Status.PUBLISHED,
    )
    issue = make_issue(mailing_list, intro="Beste lezer,\n\nDit is de <nieuwsbrief>.")
    issue.news_posts.add(post)
    sending.start_sending(issue)
    work_off_tasks()
    [message] = mail.outbox
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    token_url = parsed["List-Unsubscribe"].strip().strip("<>")
    assert token_url.startswith("https://www.example.org/nieuwsbrief/afmelden/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"].endswith(f"<nieuwsbrief.{network.slug}.www.example.org>")
    assert network.name in parsed["From"]
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert token_url in body
        assert "https://www.example.org/nieuwsbrief/voorkeuren/" in body
        assert "https://www.example.org" + post.get_absolute_url() in body
    assert "Dit is de <nieuwsbrief>." in text
    assert "Dit is de &lt;nieuwsbrief&gt;." in html
    assert "<table" not in html and '<html lang="nl">' in html
    # The link leaves exactly this subscriber's subscription to this list.
    assert client.post(token_url.removeprefix("https://www.example.org")).status_code == 200
    assert reader.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED


@pytest.mark.parametrize(
    ("outcomes", "status", "attempts"),
    [
        ([smtplib.SMTPRecipientsRefused({"x": (451, b"try later")})] * 2, Delivery.Status.SENT, 3),
        ([smtplib.SMTPDataError(421, b"busy")], Delivery.Status.SENT, 2),
        ([smtplib.SMTPRecipientsRefused({"x": (451, b"try later")})] * 3, Delivery.Status.FAILED, 3),
        ([smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})], Delivery.Status.FAILED, 1),
        ([smtplib.SMTPServerDisconnected("gone")], Delivery.Status.SENT, 2),
    ],
)
def test_temporary_errors_are_retried_and_permanent_ones_fail(
    mailing_list, readers, scripted, outcomes, status, attempts
):
    scripted["lezer3@example.org"] = list(outcomes)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    delivery = issue.deliveries.get(subscriber__email="lezer3@example.org")
    assert (delivery.status, delivery.attempts) == (status, attempts)
    if status == Delivery.Status.FAILED:
        assert delivery.error == f"{type(outcomes[-1]).__name__}: {outcomes[-1]}"  # the last answer, as it came
    assert statuses(issue)[Delivery.Status.SENT] == 6 + (status == Delivery.Status.SENT)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_unreachable_mail_server_rolls_back_and_retries_later(mailing_list, readers, scripted):
    scripted["lezer2@example.org"] = [smtplib.SMTPServerDisconnected("down")] * sending.SEND_ATTEMPTS
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert issue.deliveries.get(subscriber__email="lezer2@example.org").status == Delivery.Status.PENDING
    assert not issue.deliveries.filter(status=Delivery.Status.FAILED).exists()
    assert DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).exists()
    # The server is back when the deferred batch runs.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=sending.UNAVAILABLE_DELAY + 1)):
        work_off_tasks()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}


def test_who_left_or_was_erased_meanwhile_is_skipped(mailing_list, readers):
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    Subscription.objects.filter(subscriber=readers[0]).update(status=Subscription.Status.UNSUBSCRIBED)
    readers[1].delete()
    work_off_tasks()
    assert {message.to[0] for message in mail.outbox} == {r.email for r in readers[2:]}
    assert statuses(issue) == {Delivery.Status.SENT: 5, Delivery.Status.SKIPPED: 2}
    assert issue.deliveries.filter(subscriber__isnull=True).count() == 1  # anonymous, still counted


def test_an_issue_without_subscribers_is_sent_to_nobody(mailing_list):
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    issue.refresh_from_db()
    assert (issue.status, issue.recipient_count, mail.outbox) == (Issue.Status.SENT, 0, [])


def test_resume_after_a_killed_worker_finishes_the_issue(mailing_list, readers, settings):
    """A killed worker leaves its task "RUNNING" for ever; resume_sending enqueues a new one."""
    settings.NEWSLETTER_BATCH_SIZE = 2
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    # The worker claimed every task, sent two copies and died.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    sending.send_batch(issue.pk)
    DBTaskResult.objects.filter(status="READY").delete()  # the successor it enqueued died with it
    assert len(mail.outbox) == 2
    assert work_off_tasks() == 0  # nothing would ever run again
    assert sending.resume_sending() == 1
    work_off_tasks()
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_newsletter_worker_command_resumes_and_runs_the_tasks(network, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    mailing_list = make_list(network)
    readers = [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(5)]
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    DBTaskResult.objects.update(status="RUNNING")  # as if a killed worker had claimed them
    call_command("newsletter_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_never_send_a_copy_twice(network, settings):
    """SELECT ... FOR UPDATE SKIP LOCKED: four workers on one issue, every copy exactly once."""
    settings.NEWSLETTER_BATCH_SIZE = 5
    mailing_list = make_list(network)
    readers = [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(60)]
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    errors = []

    def worker():
        try:
            while Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING).exists():
                sending.send_batch(issue.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}
    assert statuses(issue) == {Delivery.Status.SENT: 60}


def test_erasing_a_subscriber_keeps_the_issue_numbers(mailing_list, readers):
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    for reader in readers[:3]:
        subscribing.erase(reader)
    assert issue.deliveries.progress()["sent"] == 7
    assert issue.deliveries.filter(subscriber__isnull=True).count() == 3


@pytest.mark.django_db(transaction=True)
def test_benchmark_command_sends_every_copy_once_and_cleans_up():
    out = StringIO()
    call_command("bench_newsletter", subscribers=30, batch_size=7, stdout=out)
    assert "received by the SMTP server: 30 copies for 30 addresses, 0 duplicates; deliveries marked sent: 30" in (
        out.getvalue()
    )
    assert "messages/s" in out.getvalue()
    assert not Network.objects.filter(slug__startswith="benchmark-").exists()
    assert (Subscriber.objects.count(), Issue.objects.count(), DBTaskResult.objects.count()) == (0, 0, 0)
