"""The acceptance tests of the newsletter: the whole journey through a real SMTP server, and a worker
killed in the middle of an issue that, restarted, never gives anyone a second copy."""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from newsletter import sending
from newsletter.models import Delivery, Issue
from tests.factories import make_issue, make_list, make_subscriber
from tests.helpers import PROJECT_DIR, mail_body, production_env, wait_for, with_mfa, work_off_tasks
from tests.newsletter.mailserver import Held

# The restarted worker settles the killed one's claim once it is this old (production: 300).
CLAIM_SECONDS = 2


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.django_db
def test_sign_up_confirm_receive_leave_with_one_click_and_receive_nothing_more(network, smtp_sink):
    mailing_list = make_list(network, name="Nieuwsbrief Eigen")
    make_subscriber("blijver@example.org", mailing_list)
    visitor = Client()
    staff = Client()
    staff.force_login(with_mfa(User.objects.create_superuser("redactie", "redactie@example.org", "x")))

    # The footer's GET form leads to the full form, address filled in.
    page = visitor.get("/nieuwsbrief/", {"email": "greet@example.org", "netwerk": network.slug})
    assert 'value="greet@example.org"' in page.content.decode()
    response = visitor.post(
        "/nieuwsbrief/", {"email": "greet@example.org", "name": "Greet", "lists": [mailing_list.pk]}
    )
    assert response.status_code == 302
    [confirmation] = smtp_sink.wait_for(1)
    assert confirmation["To"] == "greet@example.org"
    confirm_path = re.search(r"https?://[^/\s]+(/nieuwsbrief/bevestig/\S+/)", mail_body(confirmation)).group(1)
    assert visitor.post(confirm_path).status_code == 200

    # Staff send an issue; the worker sends it through SMTP.
    first = make_issue(mailing_list, subject="Eerste nummer")
    staff.post(f"/beheer/newsletter/issue/{first.pk}/versturen/")
    work_off_tasks()
    messages = smtp_sink.wait_for(3)
    [issue_mail] = [
        message
        for message in messages
        if message["Subject"] == "Eerste nummer" and message["To"] == "greet@example.org"
    ]
    assert issue_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = issue_mail["List-Unsubscribe"].strip().strip("<>")
    assert "/nieuwsbrief/afmelden/" in unsubscribe_url
    assert issue_mail.get_body(preferencelist=("html",)) is not None
    assert unsubscribe_url in mail_body(issue_mail)

    # The mail provider's one-click POST: an empty body, no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(path_of(unsubscribe_url), data="", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200

    second = make_issue(mailing_list, subject="Tweede nummer")
    staff.post(f"/beheer/newsletter/issue/{second.pk}/versturen/")
    work_off_tasks()
    messages = smtp_sink.wait_for(4)  # the one who stayed receives it: the issue really went out
    assert [message["To"] for message in messages if message["Subject"] == "Tweede nummer"] == ["blijver@example.org"]
    assert [message["Subject"] for message in smtp_sink.to("greet@example.org")] == [
        confirmation["Subject"],
        "Eerste nummer",
    ]


def database_url():
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def start_worker(environment, log):
    """The documented command, in a process group of its own (so SIGKILL takes it all)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "newsletter_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_issue_and_restarted_never_sends_a_copy_twice(network, tmp_path):
    """The documented worker, SIGKILLed while the (slow) mail server holds its answer to message 40:
    that copy reached the server, so it is uncertain and never sent again; everyone else gets exactly
    one copy once the worker is started again, and the uncertain copy is there for a person to see."""
    from aiosmtpd.controller import Controller

    from tests.pgcluster import free_port

    mailing_list = make_list(network)
    readers = [make_subscriber(f"lezer{number:03d}@example.org", mailing_list) for number in range(120)]
    issue = make_issue(mailing_list, subject="Nummer met een crash")
    sink = Held(hold_at=40)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    environment = production_env(
        DATABASE_URL=database_url(),
        DJANGO_SECRET_KEY=django_settings.SECRET_KEY,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        NEWSLETTER_BATCH_SIZE=25,
        NEWSLETTER_CLAIM_SECONDS=CLAIM_SECONDS,
    )
    log = (tmp_path / "worker.log").open("w")
    workers = []
    try:
        assert sending.start_sending(issue)
        workers.append(start_worker(environment, log))
        assert sink.holding.wait(60), (tmp_path / "worker.log").read_text()
        # The server has message 40 and the worker waits for its answer: kill the worker there.
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        sink.release.set()
        assert len(sink.messages) == 40
        in_flight = sink.messages[39]["To"]
        assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == 39
        assert DBTaskResult.objects.filter(status="RUNNING").exists()  # left behind by the killed worker

        # Started again once the dead worker's claim ran out (the timer's check would do the same later).
        time.sleep(CLAIM_SECONDS + 0.5)
        workers.append(start_worker(environment, log))
        wait_for(
            lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT,
            timeout=120,
            message="the restarted worker to finish the issue",
        )
        workers[1].send_signal(signal.SIGTERM)
        workers[1].wait(20)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        log.close()
        sink.release.set()
        controller.stop()
    received = Counter(message["To"] for message in sink.messages)
    worker_log = (tmp_path / "worker.log").read_text()[-3000:]
    assert max(received.values()) == 1, (received.most_common(3), worker_log)  # nobody got two copies
    # Every copy arrived exactly once, the uncertain one included: it did reach the server.
    assert received == {reader.email: 1 for reader in readers}, worker_log
    statuses = dict(Delivery.objects.filter(issue=issue).values_list("subscriber__email", "status"))
    assert {email for email, status in statuses.items() if status == Delivery.Status.UNCERTAIN} == {in_flight}
    assert {email for email, status in statuses.items() if status == Delivery.Status.SENT} == (
        {reader.email for reader in readers} - {in_flight}
    )
    uncertain = Delivery.objects.get(issue=issue, subscriber__email=in_flight)
    assert uncertain.handed_over_at is not None and uncertain.sent_at is None

    # A newsletter manager sees it: the issue says so, and the uncertain copy is listed to decide on.
    staff = Client()
    staff.force_login(with_mfa(User.objects.create_superuser("redactie", "redactie@example.org", "x")))
    listing = staff.get("/beheer/newsletter/issue/").content.decode()
    assert "Verstuurd, 1 onzeker" in listing
    page = staff.get(f"/beheer/newsletter/delivery/?nummer={issue.pk}&status__exact=uncertain").content.decode()
    assert in_flight in page
    assert page.count('name="_selected_action"') == 1
