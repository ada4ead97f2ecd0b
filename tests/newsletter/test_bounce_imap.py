"""The bounce mailbox over IMAP: a real IMAP server (pymap) started by the test, reached over STARTTLS and
over IMAPS with a certificate the reader checks; a DSN there suspends the subscriber, the next issue skips
them and the numbers page counts them; a report is never counted twice."""

import imaplib
import re
import ssl
import string
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from network.models import NetworkMembership
from network.permissions import Role
from newsletter import imapbox, sending
from newsletter.models import Bounce, BounceKind
from tests.conftest import SMTPSink
from tests.factories import make_issue, make_subscriber
from tests.helpers import imap_server, send_mail_to, smtp_server, with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
FOLDER = "Bounces"
ORDINARY = b"From: iemand@example.org\r\nSubject: Vraag\r\n\r\nEen gewone mail.\r\n"


@pytest.fixture
def sink(settings):
    handler = SMTPSink()
    with smtp_server(handler) as controller:
        send_mail_to(settings, controller)
        yield handler


@pytest.fixture
def server(tmp_path):
    with imap_server(tmp_path) as running:
        yield running


@pytest.fixture
def mailbox(server, settings):
    """The site reads FOLDER over STARTTLS; the test's own IMAP connection (STARTTLS too) to look at it."""
    settings.NEWSLETTER_BOUNCE_MAILDIR = ""
    settings.NEWSLETTER_BOUNCE_IMAP_HOST = server.host
    settings.NEWSLETTER_BOUNCE_IMAP_PORT = str(server.port)
    settings.NEWSLETTER_BOUNCE_IMAP_SECURITY = "starttls"
    settings.NEWSLETTER_BOUNCE_IMAP_USER = server.user
    settings.NEWSLETTER_BOUNCE_IMAP_PASSWORD = server.password
    settings.NEWSLETTER_BOUNCE_IMAP_FOLDER = FOLDER
    settings.NEWSLETTER_BOUNCE_IMAP_MOVE_TO = ""
    settings.NEWSLETTER_BOUNCE_IMAP_CAFILE = server.cafile
    connection = imaplib.IMAP4(server.host, server.port)
    connection.starttls(ssl_context=ssl.create_default_context(cafile=server.cafile))
    connection.login(server.user, server.password)
    connection.create(FOLDER)
    yield connection
    connection.logout()


def append(connection, raw, folder=FOLDER):
    assert connection.append(folder, None, time.time(), raw)[0] == "OK"


def folder_state(connection, folder=FOLDER):
    """{subject: flags} of the messages in `folder`, as the server keeps them."""
    connection.select(folder, readonly=True)
    _kind, data = connection.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    state = {}
    for part in data:
        if isinstance(part, tuple):
            subject = part[1].decode().strip().removeprefix("Subject: ")
            state[subject] = sorted(re.search(r"FLAGS \(([^)]*)\)", part[0].decode())[1].split())
    connection.close()
    return state


def dsn_for(copy, message_id="a1"):
    """A Postfix DSN (tests/newsletter/payloads/postfix_dsn.eml) returning the headers of a received copy."""
    text = string.Template((PAYLOADS / "postfix_dsn.eml").read_text()).substitute(
        to="info@localhost",
        recipient=copy["To"],
        headers="\n".join(f"{name}: {value}" for name, value in copy.items()),
        status="5.1.1",
        action="failed",
        diagnostic=f"550 5.1.1 <{copy['To']}>: Recipient address rejected",
        message_id=message_id,
    )
    return text.replace("\n", "\r\n").encode()


def send_issue(mailing_list, subject="Nieuws uit het netwerk"):
    issue = make_issue(mailing_list, subject=subject)
    sending.start_sending(issue)
    work_off_tasks()
    issue.refresh_from_db()
    return issue


def read_bounces():
    out = StringIO()
    call_command("read_bounces", stdout=out)
    return out.getvalue().strip()


def test_a_dsn_in_the_imap_mailbox_suspends_the_next_issue_skips_and_the_numbers_count(
    client, mailing_list, network, sink, mailbox
):
    reader = make_subscriber("lezer@example.org", mailing_list)
    other = make_subscriber("ander@example.org", mailing_list)
    issue = send_issue(mailing_list)
    copy = next(message for message in sink.messages if message["To"] == reader.email)
    append(mailbox, dsn_for(copy))
    append(mailbox, ORDINARY)

    assert read_bounces() == "1 bounce reports recorded, 1 other messages left"

    reader.refresh_from_db()
    assert (reader.suspended_at is not None, reader.suspension_reason) == (True, BounceKind.HARD)
    bounce = Bounce.objects.get()
    assert (bounce.delivery.subscriber, bounce.source, bounce.detail[:5]) == (reader, Bounce.Source.MAILBOX, "5.1.1")
    # The report left the folder (it holds the address); the other mail stays there, read, for a person.
    assert folder_state(mailbox) == {"Vraag": ["\\Seen"]}
    # Run again (the timer, every five minutes): nothing is counted twice.
    assert read_bounces() == "0 bounce reports recorded, 0 other messages left"
    issue.refresh_from_db()
    assert issue.bounced_count == 1

    # The next issue skips the suspended address.
    sink.messages.clear()
    following = send_issue(mailing_list, subject="Het volgende nummer")
    assert [message["To"] for message in sink.messages] == [other.email]
    assert following.recipient_count == 1

    # The numbers page of the first issue counts the bounce.
    manager = with_mfa(User.objects.create_user("redactie", "redactie@example.org", "x", is_staff=True))
    manager.groups.add(Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=manager, network=network)
    client.force_login(manager)
    response = client.get(f"/beheer/newsletter/issue/{issue.pk}/cijfers/")
    assert response.status_code == 200
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', response.content.decode()))
    assert (rows["verstuurd"], rows["teruggekomen exemplaren"], rows["klachten"]) == ("2", "1", "0")


def test_a_report_read_again_after_an_interrupted_run_counts_once(mailing_list, sink, mailbox):
    """A run stopped after recording but before removing the report: the next run records it again, which
    counts once (the report's Message-ID), and removes it."""
    reader = make_subscriber("lezer@example.org", mailing_list)
    issue = send_issue(mailing_list)
    append(mailbox, dsn_for(sink.messages[0], message_id="zelfde"))
    append(mailbox, dsn_for(sink.messages[0], message_id="zelfde"))
    assert read_bounces() == "2 bounce reports recorded, 0 other messages left"
    issue.refresh_from_db()
    assert (Bounce.objects.count(), issue.bounced_count) == (1, 1)
    assert folder_state(mailbox) == {}
    reader.refresh_from_db()
    assert reader.suspension_reason == BounceKind.HARD


def test_over_imaps_reports_can_be_moved_to_a_folder(mailing_list, sink, mailbox, server, settings):
    settings.NEWSLETTER_BOUNCE_IMAP_SECURITY = "ssl"
    settings.NEWSLETTER_BOUNCE_IMAP_PORT = str(server.ssl_port)
    settings.NEWSLETTER_BOUNCE_IMAP_MOVE_TO = "Verwerkt"
    make_subscriber("lezer@example.org", mailing_list)
    send_issue(mailing_list)
    append(mailbox, dsn_for(sink.messages[0]))
    assert read_bounces() == "1 bounce reports recorded, 0 other messages left"
    assert folder_state(mailbox) == {}
    assert folder_state(mailbox, "Verwerkt") == {"Undelivered Mail Returned to Sender": ["\\Seen"]}
    assert read_bounces() == "0 bounce reports recorded, 0 other messages left"
    assert Bounce.objects.count() == 1


def test_without_move_and_uidplus_a_report_is_copied_then_expunged(mailing_list, sink, mailbox, settings, monkeypatch):
    """Servers older than RFC 6851 (MOVE) and 4315 (UIDPLUS): the same server, its extensions ignored."""
    monkeypatch.setattr(imapbox, "_capabilities", lambda connection: {b"IMAP4REV1"})
    settings.NEWSLETTER_BOUNCE_IMAP_MOVE_TO = "Verwerkt"
    make_subscriber("lezer@example.org", mailing_list)
    send_issue(mailing_list)
    append(mailbox, dsn_for(sink.messages[0]))
    append(mailbox, ORDINARY)
    assert read_bounces() == "1 bounce reports recorded, 1 other messages left"
    assert folder_state(mailbox) == {"Vraag": ["\\Seen"]}
    assert folder_state(mailbox, "Verwerkt") == {"Undelivered Mail Returned to Sender": ["\\Seen"]}


def test_a_certificate_the_reader_cannot_check_stops_it_before_the_login(mailbox, settings):
    settings.NEWSLETTER_BOUNCE_IMAP_CAFILE = ""  # the self-signed certificate is in no system store
    append(mailbox, ORDINARY)
    with pytest.raises(CommandError, match="CERTIFICATE_VERIFY_FAILED"):
        read_bounces()
    assert folder_state(mailbox) == {"Vraag": []}


def test_a_wrong_password_is_a_clear_error_that_does_not_show_it(mailbox, settings):
    settings.NEWSLETTER_BOUNCE_IMAP_PASSWORD = "fout-wachtwoord"
    with pytest.raises(CommandError) as refused:
        read_bounces()
    message = str(refused.value)
    port = settings.NEWSLETTER_BOUNCE_IMAP_PORT
    assert message.startswith(
        f"Cannot read the bounce mailbox: starttls://bounces@127.0.0.1:{port}/Bounces: the login was refused"
    )
    assert "fout-wachtwoord" not in message


def test_a_server_without_starttls_never_gets_the_login(tmp_path, settings):
    with imap_server(tmp_path, tls=False) as plain:
        greeting = imaplib.IMAP4(plain.host, plain.port)
        assert "STARTTLS" not in greeting.capabilities
        greeting.logout()
        settings.NEWSLETTER_BOUNCE_MAILDIR = ""
        settings.NEWSLETTER_BOUNCE_IMAP_HOST = plain.host
        settings.NEWSLETTER_BOUNCE_IMAP_PORT = str(plain.port)
        settings.NEWSLETTER_BOUNCE_IMAP_SECURITY = "starttls"
        settings.NEWSLETTER_BOUNCE_IMAP_USER = plain.user
        settings.NEWSLETTER_BOUNCE_IMAP_PASSWORD = plain.password
        with pytest.raises(CommandError, match="the server offers no STARTTLS; the login is not sent"):
            read_bounces()


def test_security_without_tls_is_refused(settings):
    settings.NEWSLETTER_BOUNCE_MAILDIR = ""
    settings.NEWSLETTER_BOUNCE_IMAP_HOST = "127.0.0.1"
    settings.NEWSLETTER_BOUNCE_IMAP_SECURITY = "none"
    with pytest.raises(CommandError, match="must be 'ssl' or 'starttls', not 'none'"):
        read_bounces()


def test_the_timers_run_reads_the_imap_mailbox(mailing_list, sink, mailbox):
    make_subscriber("lezer@example.org", mailing_list)
    send_issue(mailing_list)
    append(mailbox, dsn_for(sink.messages[0]))
    out = StringIO()
    call_command("read_bounces", "--if-configured", stdout=out)
    assert out.getvalue().strip() == "1 bounce reports recorded, 0 other messages left"
