"""Bounces and complaints: the provider's webhook (recorded Postmark payloads posted to the real URL with
the real basic auth) and the bounce mailbox (DSNs in a maildir); a suspended address gets no issue
until it confirms anew; bounce records are personal data with a retention period."""

import base64
import datetime
import json
import mailbox
import re
import string
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import bounces, dsn, sending
from newsletter.models import Bounce, BounceKind, Delivery, Issue, Subscriber
from privacy import registry
from tests.conftest import SMTPSink
from tests.factories import make_issue, make_subscriber
from tests.helpers import PROJECT_DIR, send_mail_to, smtp_server, work_off_tasks

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "anymail:een-lang-geheim-voor-de-webhook"
WEBHOOK = "/anymail/postmark/tracking/"


class EnvelopeSink(SMTPSink):
    """The SMTP sink, also keeping each message's envelope sender (MAIL FROM)."""

    def __init__(self):
        super().__init__()
        self.senders = []

    async def handle_DATA(self, server, session, envelope):
        self.senders.append(envelope.mail_from)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def sink(settings):
    handler = EnvelopeSink()
    with smtp_server(handler) as controller:
        send_mail_to(settings, controller)
        yield handler


@pytest.fixture
def secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.fixture
def reader(mailing_list):
    return make_subscriber("lezer@example.org", mailing_list)


def send_issue(mailing_list, subject="Nieuws uit het netwerk"):
    """An issue sent through the real path: start_sending, then the worker's tasks."""
    issue = make_issue(mailing_list, subject=subject)
    sending.start_sending(issue)
    work_off_tasks()
    issue.refresh_from_db()
    return issue


def post_webhook(client, name, auth=SECRET, **changes):
    payload = {**json.loads((PAYLOADS / name).read_text()), **changes}
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return client.post(WEBHOOK, json.dumps(payload), content_type="application/json", headers=headers)


def suspension(subscriber):
    subscriber.refresh_from_db()
    return subscriber.suspension_reason if subscriber.suspended_at else None


# The provider's webhook ----------------------------------------------------------------------


def test_a_recorded_hard_bounce_suspends_the_subscriber_once(client, mailing_list, reader, sink, secret):
    issue = send_issue(mailing_list)
    assert post_webhook(client, "postmark_hard_bounce.json").status_code == 200
    assert suspension(reader) == BounceKind.HARD
    bounce = Bounce.objects.get()
    assert (bounce.delivery.issue, bounce.kind, bounce.source) == (issue, BounceKind.HARD, Bounce.Source.WEBHOOK)
    assert "5.1.1" in bounce.detail
    # The provider sends the same event again: it counts once.
    assert post_webhook(client, "postmark_hard_bounce.json").status_code == 200
    issue.refresh_from_db()
    assert (Bounce.objects.count(), issue.bounced_count, issue.complained_count) == (1, 1, 0)


def test_a_recorded_complaint_suspends_the_subscriber(client, mailing_list, reader, sink, secret):
    issue = send_issue(mailing_list)
    assert post_webhook(client, "postmark_spam_complaint.json").status_code == 200
    assert suspension(reader) == BounceKind.COMPLAINT
    issue.refresh_from_db()
    assert (issue.bounced_count, issue.complained_count) == (0, 1)


def test_soft_bounces_suspend_at_the_limit(client, mailing_list, reader, sink, secret, settings):
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = 3
    send_issue(mailing_list)
    for number in (1, 2):
        assert post_webhook(client, "postmark_soft_bounce.json", ID=number).status_code == 200
        assert suspension(reader) is None
    assert reader.soft_bounces == 2
    assert post_webhook(client, "postmark_soft_bounce.json", ID=3).status_code == 200
    assert suspension(reader) == BounceKind.SOFT
    assert set(Bounce.objects.values_list("kind", flat=True)) == {BounceKind.SOFT}


@pytest.mark.parametrize("auth", [None, "anymail:fout-geheim"])
def test_the_webhook_refuses_a_wrong_or_missing_secret(client, mailing_list, reader, sink, secret, auth):
    send_issue(mailing_list)
    assert post_webhook(client, "postmark_hard_bounce.json", auth=auth).status_code == 400
    assert suspension(reader) is None
    assert not Bounce.objects.exists()


def test_without_a_secret_the_webhook_does_not_exist(client, mailing_list, reader, sink, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    send_issue(mailing_list)
    assert post_webhook(client, "postmark_hard_bounce.json").status_code == 404
    assert suspension(reader) is None


def test_a_bounce_for_an_address_that_got_no_issue_changes_nothing(client, mailing_list, reader, sink, secret):
    assert post_webhook(client, "postmark_hard_bounce.json").status_code == 200
    send_issue(mailing_list)
    assert post_webhook(client, "postmark_hard_bounce.json", Email="onbekend@example.org", ID=9).status_code == 200
    assert suspension(reader) is None
    assert not Bounce.objects.exists()


# The bounce mailbox --------------------------------------------------------------------------


def dsn_bytes(*, to, recipient="lezer@example.org", headers="", status="5.1.1", action="failed", message_id="a1"):
    diagnostic = f"{'550' if status.startswith('5') else '452'} {status} <{recipient}>: Recipient address rejected"
    text = string.Template((PAYLOADS / "postfix_dsn.eml").read_text()).substitute(
        to=to,
        recipient=recipient,
        headers=headers or "Subject: Nieuws uit het netwerk",
        status=status,
        action=action,
        diagnostic=diagnostic,
        message_id=message_id,
    )
    return text.replace("\n", "\r\n").encode()


def returned_headers(message):
    """The headers of a received copy, as a relay's DSN returns them (text/rfc822-headers)."""
    return "\n".join(f"{name}: {value}" for name, value in message.items())


@pytest.fixture
def maildir(tmp_path, settings):
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    settings.NEWSLETTER_BOUNCE_MAILDIR = str(tmp_path / "bounces")
    return box


def read_bounces():
    out = StringIO()
    call_command("read_bounces", stdout=out)
    return out.getvalue().strip()


def test_a_dsn_with_the_copys_headers_suspends_the_subscriber(mailing_list, reader, sink, maildir):
    issue = send_issue(mailing_list)
    (copy,) = sink.messages
    assert bounces.delivery_pk_for_token(copy[bounces.COPY_HEADER]) == issue.deliveries.get().pk
    maildir.add(dsn_bytes(to="info@localhost", headers=returned_headers(copy)))
    other = maildir.add(b"From: iemand@example.org\r\nSubject: Vraag\r\n\r\nEen gewone mail.\r\n")
    assert read_bounces() == "1 bounce reports recorded, 1 other messages left"
    assert suspension(reader) == BounceKind.HARD
    bounce = Bounce.objects.get()
    assert (bounce.source, bounce.detail[:5]) == (Bounce.Source.MAILBOX, "5.1.1")
    # The report is gone (it holds the address); the other mail stays, read, for a person.
    assert list(maildir.keys()) == [other]
    assert (maildir.get_message(other).get_subdir(), maildir.get_message(other).get_flags()) == ("cur", "S")
    assert read_bounces() == "0 bounce reports recorded, 0 other messages left"
    issue.refresh_from_db()
    assert issue.bounced_count == 1


def test_the_envelope_sender_names_the_copy_when_a_bounce_address_is_set(
    mailing_list, reader, sink, maildir, settings
):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@netwerktegenarmoede.be"
    issue = send_issue(mailing_list)
    delivery = issue.deliveries.get()
    (copy,) = sink.messages
    assert sink.senders == [f"bounces+{bounces.copy_token(delivery.pk)}@netwerktegenarmoede.be"]
    assert copy["From"] == f"{mailing_list.network.name} <info@localhost>"
    # A relay that returns none of the original headers: the VERP address still names the copy.
    maildir.add(dsn_bytes(to=sink.senders[0], status="4.2.2", action="delayed"))
    assert read_bounces() == "1 bounce reports recorded, 0 other messages left"
    assert Bounce.objects.get().kind == BounceKind.SOFT
    assert suspension(reader) is None


def test_a_forged_or_harmless_report_changes_nothing(mailing_list, reader, sink, maildir):
    issue = send_issue(mailing_list)
    pk = issue.deliveries.get().pk
    forged = f"{bounces.COPY_HEADER}: {pk}.{'0' * 20}"
    maildir.add(dsn_bytes(to="info@localhost", headers=forged, message_id="a"))
    real = returned_headers(sink.messages[0])
    maildir.add(dsn_bytes(to="info@localhost", headers=real, status="2.0.0", action="delivered", message_id="b"))
    assert read_bounces() == "0 bounce reports recorded, 2 other messages left"
    assert suspension(reader) is None


def test_the_dsn_parser_reads_status_recipient_and_token():
    token = bounces.copy_token(12)
    report = dsn.parse(dsn_bytes(to="info@localhost", headers=f"{bounces.COPY_HEADER}: {token}", message_id="x"))
    assert report == dsn.Report(
        kind=BounceKind.HARD,
        token=token,
        recipient="lezer@example.org",
        detail="5.1.1 550 5.1.1 <lezer@example.org>: Recipient address rejected",
        message_id="<x@mail.netwerktegenarmoede.be>",
    )
    assert dsn.parse(b"Subject: geen rapport\r\n\r\ntekst\r\n") is None


def test_a_complaint_from_a_feedback_loop_suspends(mailing_list, reader, sink, maildir):
    send_issue(mailing_list)
    headers = returned_headers(sink.messages[0])
    arf = (
        "From: fbl@example.org\nTo: info@localhost\nSubject: FW: abuse report\nMessage-ID: <arf1@example.org>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nThis is an abuse report.\n\n"
        "--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\n\n"
        f"--b\nContent-Type: text/rfc822-headers\n\n{headers}\n\n--b--\n"
    )
    maildir.add(arf.replace("\n", "\r\n").encode())
    assert read_bounces() == "1 bounce reports recorded, 0 other messages left"
    assert suspension(reader) == BounceKind.COMPLAINT


# Suspended: no issue until confirmed anew ---------------------------------------------------------


def test_the_next_issue_skips_a_suspended_subscriber(client, mailing_list, reader, sink, secret):
    other = make_subscriber("ander@example.org", mailing_list)
    send_issue(mailing_list)
    post_webhook(client, "postmark_hard_bounce.json")
    sink.messages.clear()
    issue = send_issue(mailing_list, subject="Het volgende nummer")
    assert [message["To"] for message in sink.messages] == [other.email]
    assert issue.recipient_count == 1
    assert list(issue.deliveries.values_list("subscriber__email", flat=True)) == [other.email]


def test_an_address_suspended_while_sending_is_skipped(mailing_list, reader, sink):
    issue = make_issue(mailing_list)
    sending.start_sending(issue)
    Subscriber.objects.filter(pk=reader.pk).update(suspended_at=timezone.now(), suspension_reason=BounceKind.HARD)
    work_off_tasks()
    assert sink.messages == []
    assert issue.deliveries.get().status == Delivery.Status.SKIPPED


def confirmation_link(message):
    return re.search(r"https?://\S+/nieuwsbrief/bevestig/\S+/", message.get_body(("plain",)).get_content())[0]


def test_confirming_anew_through_the_sign_up_form_lifts_the_suspension(client, mailing_list, reader, sink, secret):
    send_issue(mailing_list)
    post_webhook(client, "postmark_hard_bounce.json")
    sink.messages.clear()
    response = client.post(
        "/nieuwsbrief/", {"email": reader.email, "lists": [mailing_list.pk], "consent": "on", "name": ""}
    )
    assert response.status_code == 302
    (mail,) = sink.messages
    link = confirmation_link(mail).split("://", 1)[1].split("/", 1)[1]
    assert suspension(reader) == BounceKind.HARD  # the mail alone lifts nothing
    page = client.get(f"/{link}")
    assert mailing_list.name in page.content.decode()
    assert client.post(f"/{link}").status_code == 200
    assert suspension(reader) is None
    assert reader.soft_bounces == 0
    sink.messages.clear()
    send_issue(mailing_list, subject="Weer welkom")
    assert [message["To"] for message in sink.messages] == [reader.email]


# Admin, personal data, retention -----------------------------------------------------------------


def test_the_admin_shows_and_filters_suspended_subscribers(client, admin_user, mailing_list, reader):
    make_subscriber("gewoon@example.org", mailing_list)
    Subscriber.objects.filter(pk=reader.pk).update(suspended_at=timezone.now(), suspension_reason=BounceKind.COMPLAINT)
    client.force_login(admin_user)
    page = client.get("/beheer/newsletter/subscription/?geschorst=ja").content.decode()
    assert reader.email in page and "gewoon@example.org" not in page
    assert "Klacht" in page or "Complaint" in page
    page = client.get("/beheer/newsletter/subscription/?geschorst=nee").content.decode()
    assert reader.email not in page and "gewoon@example.org" in page
    page = client.get("/beheer/newsletter/subscriber/?geschorst=ja").content.decode()
    assert reader.email in page and "gewoon@example.org" not in page


def recorded_bounce(mailing_list, reader):
    issue = make_issue(mailing_list, status=Issue.Status.SENT)
    delivery = Delivery.objects.create(issue=issue, subscriber=reader, status=Delivery.Status.SENT)
    return bounces.record(
        delivery, BounceKind.HARD, source=Bounce.Source.MAILBOX, detail=f"5.1.1 550 <{reader.email}> unknown"
    )


def test_bounce_records_are_exported_and_erased_with_the_address(mailing_list, reader):
    recorded_bounce(mailing_list, reader)
    exported = registry.export(reader.email)
    assert json.dumps(exported, default=str).count("5.1.1 550") == 1
    registry.erase(reader.email)
    assert not Bounce.objects.exists()
    assert Issue.objects.get().bounced_count == 1  # the anonymous count stays


def test_the_preferences_pages_erasure_takes_the_bounces_too(mailing_list, reader):
    from newsletter import subscribing

    recorded_bounce(mailing_list, reader)
    subscribing.erase(reader)
    assert not Bounce.objects.exists()


def test_bounce_records_are_purged_after_their_retention(mailing_list, reader, settings):
    settings.NEWSLETTER_BOUNCE_DAYS = 90
    with time_machine.travel(timezone.now() - datetime.timedelta(days=91)):
        old = recorded_bounce(mailing_list, reader)
    new = bounces.record(old.delivery, BounceKind.SOFT, source=Bounce.Source.MAILBOX)
    call_command("purge_pending_subscribers", stdout=StringIO())
    assert list(Bounce.objects.all()) == [new]
    reader.refresh_from_db()
    assert reader.is_suspended  # the suspension itself stays until the address is confirmed anew


def test_without_a_maildir_the_timers_run_reads_nothing_and_succeeds(settings, tmp_path):
    """read-bounces.timer runs everywhere: without NEWSLETTER_BOUNCE_MAILDIR it must not fail every 5 minutes."""
    settings.NEWSLETTER_BOUNCE_MAILDIR = ""
    out = StringIO()
    call_command("read_bounces", "--if-configured", stdout=out)
    assert out.getvalue().strip() == (
        "No bounce mailbox (NEWSLETTER_BOUNCE_MAILDIR and NEWSLETTER_BOUNCE_IMAP_HOST are empty): nothing to read"
    )
    # By hand, the missing setting is still an error.
    with pytest.raises(CommandError, match="NEWSLETTER_BOUNCE_MAILDIR"):
        call_command("read_bounces", stdout=StringIO())


def test_with_a_maildir_the_timers_run_reads_it(mailing_list, reader, sink, maildir):
    send_issue(mailing_list)
    (copy,) = sink.messages
    maildir.add(dsn_bytes(to="info@localhost", headers=returned_headers(copy)))
    out = StringIO()
    call_command("read_bounces", "--if-configured", stdout=out)
    assert out.getvalue().strip() == "1 bounce reports recorded, 0 other messages left"
    assert suspension(reader) == BounceKind.HARD


def test_the_bounce_timer_runs_the_reader_every_five_minutes():
    deploy = PROJECT_DIR / "deploy"
    service = (deploy / "read-bounces.service").read_text()
    timer = (deploy / "read-bounces.timer").read_text()
    assert "ExecStart=/srv/armoede/app/.venv/bin/python manage.py read_bounces --if-configured\n" in service
    assert "ReadWritePaths=/srv/armoede/var\n" in service
    assert "OnUnitActiveSec=5min\n" in timer
    docs = (PROJECT_DIR / "docs/deploy.md").read_text()
    assert "read-bounces.timer" in docs
    assert "enable --now web worker newsletter-recover.timer read-bounces.timer" in docs
