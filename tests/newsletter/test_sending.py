"""Sending an issue: deliveries, batches, what each copy carries, and the delivery guarantee.

The guarantee: a subscriber gets an issue at most once. A copy whose fate is unknown (the whole
message reached the mail server, its answer did not come back) is marked uncertain and never sent
again by itself; a copy the server certainly did not take is tried again a bounded number of
times, then failed. The mail server here is a real one (aiosmtpd) told how to answer.
"""

import datetime
import threading
from collections import Counter
from email import message_from_bytes, policy
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail import get_connection
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from network.models import Network
from news.models import NewsPost
from newsletter import sending, subscribing
from newsletter.models import Delivery, Issue, Subscriber, Subscription
from tests.factories import make_issue, make_list, make_subscriber
from tests.helpers import PROJECT_DIR, send_mail_to, smtp_server, work_off_tasks
from tests.newsletter.mailserver import DROP, HANG, ScriptedServer
from tests.pgcluster import free_port

pytestmark = pytest.mark.django_db

TEMPORARY = "451 4.7.1 Try again later"
MAILBOX_UNKNOWN = "550 5.1.1 No such user"


@pytest.fixture
def mail_server(settings):
    server = ScriptedServer()
    with smtp_server(server) as controller:
        send_mail_to(settings, controller)
        # Shorter than the server's HANG: the answer to a hanging message never arrives in time.
        settings.EMAIL_TIMEOUT = 1
        yield server


@pytest.fixture
def readers(mailing_list):
    return [make_subscriber(f"lezer{number}@example.org", mailing_list) for number in range(7)]


def statuses(issue):
    return Counter(issue.deliveries.values_list("status", flat=True))


def state(issue):
    issue.refresh_from_db()
    return issue.state_label(issue.deliveries.progress())


def later(seconds):
    """Travel to `seconds` from now (the clock keeps ticking there)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds))


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


def test_batches_send_every_copy_once_over_one_connection_each(mailing_list, readers, settings, mail_server):
    settings.NEWSLETTER_BATCH_SIZE = 3
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    tasks = work_off_tasks()
    assert mail_server.copies() == {r.email: 1 for r in readers}
    assert tasks >= 3  # 7 copies in batches of 3
    assert len(mail_server.connections) <= tasks  # one connection per batch, not per message
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert statuses(issue) == {Delivery.Status.SENT: 7}
    assert issue.deliveries.progress() == {
        "remaining": 0,
        "sending": 0,
        "sent": 7,
        "failed": 0,
        "uncertain": 0,
        "skipped": 0,
    }
    assert state(issue) == "Verstuurd"
    # The periodic check and the worker again send nothing more.
    assert sending.recover() == {"expired": 0, "finished": 0, "resumed": 0}
    work_off_tasks()
    assert len(mail_server.messages) == 7


def test_a_batch_hands_over_to_the_next_one_after_its_time(mailing_list, readers, monkeypatch):
    """So a worker asked to stop finishes its task quickly, with no copy in flight."""
    monkeypatch.setattr(sending, "BATCH_SECONDS", 0)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    assert sending.send_batch(issue.pk) == {"sent": 1}
    assert work_off_tasks() == 7  # the first one enqueued at the start, and one per copy left
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}
    assert state(issue) == "Verstuurd"


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


def test_a_line_starting_with_a_dot_arrives_intact(mailing_list, mail_server):
    """The message goes out command by command; its lines are dot-stuffed as RFC 5321 wants."""
    make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list, intro=".\n\n.Punt vooraan.")
    sending.start_sending(issue)
    work_off_tasks()
    [message] = mail_server.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert ".Punt vooraan." in text and "..Punt" not in text


@pytest.mark.parametrize("what_the_server_does", [HANG, DROP], ids=["socket-timeout", "connection-dropped"])
def test_no_answer_after_the_message_left_makes_the_copy_uncertain_never_resent(
    mailing_list, readers, mail_server, what_the_server_does
):
    mail_server.data["lezer3@example.org"] = [what_the_server_does]
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    # The server did have the message: sending it again would have been a second copy.
    assert mail_server.copies() == {r.email: 1 for r in readers}
    delivery = issue.deliveries.get(subscriber__email="lezer3@example.org")
    assert (delivery.status, delivery.attempts) == (Delivery.Status.UNCERTAIN, 1)
    assert delivery.handed_over_at is not None and delivery.sent_at is None
    assert "SMTPServerDisconnected" in delivery.error
    assert statuses(issue) == {Delivery.Status.SENT: 6, Delivery.Status.UNCERTAIN: 1}
    assert state(issue) == "Verstuurd, 1 onzeker"
    # Neither the periodic check nor time sends it again: only a person may.
    with later(3600):
        sending.recover()
        work_off_tasks()
    assert mail_server.copies()["lezer3@example.org"] == 1
    assert issue.deliveries.get(pk=delivery.pk).status == Delivery.Status.UNCERTAIN


def test_a_refused_recipient_is_tried_again_with_growing_pauses_then_failed(mailing_list, readers, mail_server):
    mail_server.rcpt["lezer3@example.org"] = [TEMPORARY] * sending.SEND_ATTEMPTS
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    delivery = issue.deliveries.get(subscriber__email="lezer3@example.org")
    assert (delivery.status, delivery.attempts, delivery.claim) == (Delivery.Status.PENDING, 1, "")
    assert "451" in delivery.error
    # The claim is let go during the pause: nothing holds the copy while waiting.
    pause = delivery.next_attempt_at - timezone.now()
    assert (
        datetime.timedelta(seconds=sending.RETRY_DELAYS[0] - 5)
        < pause
        <= datetime.timedelta(seconds=sending.RETRY_DELAYS[0])
    )
    assert state(issue) == "Wordt verstuurd"
    assert DBTaskResult.objects.ready().count() == 0  # the next try is a task waiting for its time
    elapsed = 0
    for attempt, delay in enumerate(sending.RETRY_DELAYS, start=2):
        elapsed += delay + 5
        with later(elapsed):
            work_off_tasks()
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, sending.SEND_ATTEMPTS)
    assert mail_server.rcpt_tries["lezer3@example.org"] == sending.SEND_ATTEMPTS
    assert "lezer3@example.org" not in mail_server.copies()
    assert state(issue) == "Verstuurd, 1 mislukt"


@pytest.mark.parametrize(
    ("rcpt", "data", "status", "attempts"),
    [
        ([TEMPORARY], [], Delivery.Status.SENT, 2),
        ([DROP], [], Delivery.Status.SENT, 2),  # the connection broke before the message: safe to send again
        ([], ["452 4.3.1 Insufficient storage"], Delivery.Status.SENT, 2),  # refused at its end: not taken
        ([MAILBOX_UNKNOWN], [], Delivery.Status.FAILED, 1),
        ([], ["554 5.6.0 Message refused"], Delivery.Status.FAILED, 1),
    ],
    ids=["rcpt-451", "dropped-at-rcpt", "data-452", "rcpt-550", "data-554"],
)
def test_what_the_server_certainly_did_not_take_is_tried_again_or_failed(
    mailing_list, readers, mail_server, rcpt, data, status, attempts
):
    mail_server.rcpt["lezer3@example.org"] = list(rcpt)
    mail_server.data["lezer3@example.org"] = list(data)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    with later(sending.RETRY_DELAYS[0] + 5):
        work_off_tasks()
    delivery = issue.deliveries.get(subscriber__email="lezer3@example.org")
    assert (delivery.status, delivery.attempts) == (status, attempts)
    expected = {r.email: 1 for r in readers}
    if status == Delivery.Status.FAILED:
        del expected["lezer3@example.org"]
        assert delivery.error.split(": ", 1)[0] in {"SMTPRecipientsRefused", "SMTPDataError"}
    assert mail_server.copies() == expected
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_an_unexpected_error_in_one_copy_fails_that_copy_and_the_batch_goes_on(
    mailing_list, readers, mail_server, monkeypatch
):
    build = sending.build_issue_mail

    def broken_for_one(content, *, to, **kwargs):
        if to == "lezer2@example.org":
            raise RuntimeError("a bug that shows with one address")
        return build(content, to=to, **kwargs)

    monkeypatch.setattr(sending, "build_issue_mail", broken_for_one)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()  # fails the test if any task failed: the chain did not break
    delivery = issue.deliveries.get(subscriber__email="lezer2@example.org")
    assert (delivery.status, delivery.error) == (
        Delivery.Status.FAILED,
        "RuntimeError: a bug that shows with one address",
    )
    assert mail_server.copies() == {r.email: 1 for r in readers if r.email != "lezer2@example.org"}
    assert state(issue) == "Verstuurd, 1 mislukt"


def test_an_unreachable_mail_server_costs_no_try_and_sending_goes_on_when_it_is_back(
    mailing_list, readers, mail_server, settings
):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    work_off_tasks()
    assert statuses(issue) == {Delivery.Status.PENDING: 7}
    assert set(issue.deliveries.values_list("attempts", flat=True)) == {0}
    assert "ConnectionRefusedError" in issue.deliveries.exclude(error="").get().error
    assert state(issue) == "Wordt verstuurd"
    assert DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).exists()
    settings.EMAIL_PORT = port  # the server is back when the deferred batch runs
    with later(sending.UNAVAILABLE_DELAY + 1):
        work_off_tasks()
    assert mail_server.copies() == {r.email: 1 for r in readers}
    assert state(issue) == "Verstuurd"


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


def test_a_stalled_issue_is_resumed_by_the_periodic_check(mailing_list, readers, settings):
    """The batch chain died (its worker killed, or an error outside any one copy): the task stays "RUNNING"
    for ever and nothing would ever send the rest. The timer's command enqueues a batch again."""
    settings.NEWSLETTER_BATCH_SIZE = 2
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    assert work_off_tasks() == 0  # stalled
    out = StringIO()
    call_command("recover_newsletters", stdout=out)
    assert out.getvalue() == "0 claims expired, 0 issues finished, 1 issues resumed\n"
    call_command("recover_newsletters", stdout=out)  # a queued batch is enough: no second chain
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    work_off_tasks()
    assert Counter(message.to[0] for message in mail.outbox) == {r.email: 1 for r in readers}
    assert state(issue) == "Verstuurd"


def test_a_copy_left_by_a_dead_worker_is_sent_again_only_if_it_never_reached_the_server(
    mailing_list, mail_server, settings
):
    """Two workers died holding a copy each: one before the end of its message went out, one after."""
    settings.NEWSLETTER_CLAIM_SECONDS = 300
    never_sent = make_subscriber("nooit@example.org", mailing_list)
    handed_over = make_subscriber("overhandigd@example.org", mailing_list)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    DBTaskResult.objects.update(status="RUNNING")  # died with them
    first, second = sending._claim(issue), sending._claim(issue)
    assert {first.subscriber, second.subscriber} == {never_sent, handed_over}
    sending._hand_over(second if second.subscriber == handed_over else first)

    # Within the claim time a worker may still be at it: nothing is touched.
    assert sending.recover() == {"expired": 0, "finished": 0, "resumed": 0}
    with later(301):
        assert sending.recover() == {"expired": 2, "finished": 0, "resumed": 1}
        work_off_tasks()
    assert issue.deliveries.get(subscriber=never_sent).status == Delivery.Status.SENT
    assert issue.deliveries.get(subscriber=handed_over).status == Delivery.Status.UNCERTAIN
    assert mail_server.copies() == {"nooit@example.org": 1}
    assert state(issue) == "Verstuurd, 1 onzeker"


def test_a_worker_whose_claim_was_given_up_sends_no_end_of_message(mailing_list, mail_server, settings):
    """A worker that hung past its claim time must not finish a copy another worker may be sending."""
    settings.NEWSLETTER_CLAIM_SECONDS = 60
    make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    late = sending._claim(issue)
    with later(61):
        assert sending.expire_claims() == 1  # back to pending: it never reached the server
        backend = get_connection()
        result = sending._send_copy(backend, sending.issue_content(issue), issue, late)
        backend.close()
        assert result == "lost"
        assert mail_server.messages == []  # MAIL, RCPT, DATA and the text went out, the end did not
        work_off_tasks()
    assert mail_server.copies() == {"lezer@example.org": 1}
    delivery = issue.deliveries.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


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


def test_the_recovery_timer_runs_the_periodic_check_every_five_minutes():
    deploy = PROJECT_DIR / "deploy"
    service = (deploy / "newsletter-recover.service").read_text()
    timer = (deploy / "newsletter-recover.timer").read_text()
    assert "ExecStart=/srv/armoede/app/.venv/bin/python manage.py recover_newsletters\n" in service
    assert "OnUnitActiveSec=5min\n" in timer
    assert (PROJECT_DIR / "newsletter/management/commands/recover_newsletters.py").exists()
    assert "newsletter-recover.timer" in Path(PROJECT_DIR / "docs/deploy.md").read_text()


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
