"""Sending an issue: one Delivery per subscriber, worked off in batches by background tasks.

Exactly once, as far as SMTP allows it:

- `start_sending()` turns a draft into "sending", creates one pending `Delivery` per confirmed
  subscriber of the list (a unique constraint per issue and subscriber) and enqueues the first
  batch tasks, all in one transaction: the task queue lives in the same database, so either
  everything exists or nothing does. A second call finds the issue no longer a draft and
  creates nothing.
- `send_batch()` opens one SMTP connection and then, one message at a time and in a
  transaction of its own, claims a pending delivery (`SELECT ... FOR UPDATE SKIP LOCKED`,
  so parallel workers never pick the same one), sends it, and marks it sent (or failed, with
  the error, after retries on temporary 4xx answers) in that same transaction right after the
  server accepted it.
- A crash before the server's acceptance (worker killed, machine gone, database connection
  lost) rolls the claim back: the delivery is pending again and goes out after the restart,
  to a server that never accepted it. A delivery marked sent is never picked again.

The one window no design can close: between the server's "250 accepted" and the database's
COMMIT lie one UPDATE and the COMMIT itself, about a millisecond on a local database. A crash
in exactly that millisecond leaves an accepted message whose delivery is still pending, so
that one subscriber receives a second copy after the restart. SMTP has no two-phase commit;
the code keeps the window as small as it can by doing nothing else between the two.

A task killed mid-run stays "RUNNING" in django-tasks-db and is never run again; its claimed
delivery was rolled back. `resume_sending()` (run by `manage.py newsletter_worker` before the
worker starts) enqueues a batch task for every issue still sending, so restarting the worker
with the documented command finishes the issue. Extra tasks are harmless: they find nothing
pending and end.
"""

import datetime
import logging
import smtplib
import time
from contextlib import contextmanager
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.recording import record_change
from network import pagecache
from network.mail import build_mail
from newsletter.models import Delivery, Issue, Subscription
from newsletter.subscribing import PREFERENCES, UNSUBSCRIBE, absolute_url, signed_url

logger = logging.getLogger(__name__)

# Batch tasks enqueued at the start; each enqueues its successor, so this many workers can share an issue.
PARALLEL_BATCHES = 4
# Attempts per message on a temporary (4xx) answer or a dropped connection, with a growing pause between.
SEND_ATTEMPTS = 3
RETRY_BACKOFF = 2.0
# Seconds before a batch tries again when the mail server is unreachable, or when every pending
# delivery is claimed by another worker (which may have died: its claims then come free).
UNAVAILABLE_DELAY = 60
LOCKED_DELAY = 10


class SMTPUnavailable(Exception):
    """The mail server cannot be reached (or keeps dropping the connection): try the batch later."""


def issue_content(issue):
    """What every copy of an issue shows: the intro, the chosen published news posts and events (two queries)."""
    from events.models import Event

    network = issue.mailing_list.network
    return {
        "issue": issue,
        "network": network,
        "mailing_list": issue.mailing_list,
        "paragraphs": issue.intro_paragraphs(),
        "posts": list(issue.news_posts.published().select_related("network").order_by("-publish_at", "-pk")),
        "events": list(Event.objects.published().filter(newsletter_issues=issue).order_by("starts_at", "pk")),
        "archive_url": absolute_url(issue.get_absolute_url()),
        "site_url": settings.SITE_URL,
    }


def _list_id(mailing_list):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{mailing_list.slug}.{mailing_list.network.slug}.{host}>"


def build_issue_mail(content, *, to, subscriber_pk, nonce, test=False):
    """One copy of the issue for one address, with its own unsubscribe and preferences links (RFC 8058)."""
    issue, mailing_list = content["issue"], content["mailing_list"]
    leave_url = signed_url("newsletter:unsubscribe", UNSUBSCRIBE, [subscriber_pk, nonce, mailing_list.pk])
    context = {
        **content,
        "unsubscribe_url": leave_url,
        "preferences_url": signed_url("newsletter:preferences", PREFERENCES, [subscriber_pk, nonce]),
        "test": test,
    }
    subject = _("[Test] %(subject)s") % {"subject": issue.subject} if test else issue.subject
    headers = {
        "List-Unsubscribe": f"<{leave_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{mailing_list.name} {_list_id(mailing_list)}",
        "List-Archive": f"<{absolute_url(reverse('newsletter:network_archive', args=[mailing_list.network.slug]))}>",
    }
    sender = formataddr((content["network"].name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    return build_mail(to, subject, "newsletter/mail/issue", context, headers=headers, from_email=sender)


def send_test(issue, to):
    """A copy for a staff member, marked as a test; its links lead nowhere (no subscriber behind them)."""
    build_issue_mail(issue_content(issue), to=to, subscriber_pk=0, nonce="test", test=True).send()


def enqueue_batch(issue_id, delay=None):
    from newsletter.tasks import send_issue_batch

    task = send_issue_batch
    if delay:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    return task.enqueue(issue_id=issue_id)


def start_sending(issue):
    """Sending starts: deliveries for the list's confirmed subscribers, and the batch tasks. False if not a draft."""
    with transaction.atomic():
        now = timezone.now()
        # The conditional UPDATE is the guard: of two clicks on "send", one changes the row.
        if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.DRAFT).update(
            status=Issue.Status.SENDING, sending_started_at=now
        ):
            return False
        # The update sends no signal: the audit trail gets its "sent" entry, with the staff member, here.
        record_change(issue, {"status": (Issue.Status.DRAFT, Issue.Status.SENDING)})
        subscriber_ids = list(
            Subscription.objects.confirmed()
            .filter(mailing_list_id=issue.mailing_list_id)
            .values_list("subscriber_id", flat=True)
        )
        Delivery.objects.bulk_create(
            [Delivery(issue_id=issue.pk, subscriber_id=pk) for pk in subscriber_ids],
            batch_size=1000,
            ignore_conflicts=True,
        )
        Issue.objects.filter(pk=issue.pk).update(recipient_count=len(subscriber_ids))
        chains = max(1, min(PARALLEL_BATCHES, -(-len(subscriber_ids) // _batch_size())))
        for _chain in range(chains):
            enqueue_batch(issue.pk)
    issue.refresh_from_db()
    return True


def resume_sending():
    """Enqueue a batch for every issue still sending (its last task may have died with a worker); their number."""
    issue_ids = list(Issue.objects.filter(status=Issue.Status.SENDING).values_list("pk", flat=True))
    for issue_id in issue_ids:
        enqueue_batch(issue_id)
    return len(issue_ids)


def _batch_size():
    return max(1, settings.NEWSLETTER_BATCH_SIZE)


def _smtp_code(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return min(codes) if codes else None
    return getattr(error, "smtp_code", None)


def _is_temporary(error):
    code = _smtp_code(error)
    return code is not None and 400 <= code < 500


def _is_connection_problem(error):
    # SMTPException is an OSError too: only socket errors and a lost connection count here.
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _describe(error):
    return f"{type(error).__name__}: {error}"[:500]


def _close(connection):
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.warning("Closing the mail connection failed", exc_info=True)


def _deliver(connection, message):
    """Send one message, retrying temporary failures: (None, attempts) once accepted, or (error, attempts).

    Raises SMTPUnavailable when the server stays unreachable: the claim then rolls back.
    """
    attempts = SEND_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            connection.open()  # a no-op while the connection is open
            connection.send_messages([message])
            return None, attempt
        except (smtplib.SMTPException, OSError) as error:
            connection_problem = _is_connection_problem(error)
            if not (connection_problem or _is_temporary(error)):
                return error, attempt
            if connection_problem:
                _close(connection)
            if attempt == attempts:
                if connection_problem:
                    raise SMTPUnavailable(_describe(error)) from error
                return error, attempt
            logger.warning("Temporary mail error (attempt %s of %s): %s", attempt, attempts, _describe(error))
            time.sleep(RETRY_BACKOFF * attempt)
    raise AssertionError("unreachable")


@contextmanager
def _claim_transaction():
    """A transaction for one claim. SQLite has no row locks, so there it takes the write lock at BEGIN
    (IMMEDIATE): two workers then never read the same pending delivery; readers are not blocked."""
    if db_connection.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    db_connection.ensure_connection()
    previous = db_connection.transaction_mode
    db_connection.transaction_mode = "IMMEDIATE"
    try:
        with transaction.atomic():
            yield
    finally:
        db_connection.transaction_mode = previous


def _claim(issue):
    return (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(issue=issue, status=Delivery.Status.PENDING)
        .select_related("subscriber")
        .order_by("pk")
        .first()
    )


def _still_subscribed(delivery, issue):
    return (
        delivery.subscriber is not None
        and Subscription.objects.confirmed()
        .filter(subscriber_id=delivery.subscriber_id, mailing_list_id=issue.mailing_list_id)
        .exists()
    )


def send_batch(issue_id):
    """Send up to NEWSLETTER_BATCH_SIZE pending copies of an issue, then enqueue the next batch or finish."""
    issue = Issue.objects.select_related("mailing_list__network").filter(pk=issue_id).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return {"sent": 0, "failed": 0, "skipped": 0}
    content = issue_content(issue)
    done = {"sent": 0, "failed": 0, "skipped": 0}
    connection = get_connection(fail_silently=False)
    try:
        for _number in range(_batch_size()):
            with _claim_transaction():
                delivery = _claim(issue)
                if delivery is None:
                    break
                if not _still_subscribed(delivery, issue):
                    outcome = {"status": Delivery.Status.SKIPPED}
                else:
                    message = build_issue_mail(
                        content,
                        to=delivery.subscriber.email,
                        subscriber_pk=delivery.subscriber.pk,
                        nonce=delivery.subscriber.nonce,
                    )
                    error, attempts = _deliver(connection, message)
                    if error is None:
                        outcome = {"status": Delivery.Status.SENT, "sent_at": timezone.now(), "error": ""}
                    else:
                        outcome = {"status": Delivery.Status.FAILED, "error": _describe(error)}
                    outcome["attempts"] = delivery.attempts + attempts
                # Right after the server's answer, in the claim's own transaction (see the module docstring).
                Delivery.objects.filter(pk=delivery.pk).update(**outcome)
            done[outcome["status"]] += 1
    except SMTPUnavailable as error:
        logger.warning("Mail server unavailable while sending issue %s, retrying later: %s", issue.pk, error)
        enqueue_batch(issue.pk, delay=UNAVAILABLE_DELAY)
        return done
    finally:
        _close(connection)
    _continue_or_finish(issue, done)
    return done


def _continue_or_finish(issue, done):
    pending = Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING).exists()
    if not pending:
        if Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now()
        ):
            # The sent issue appears in the public archive.
            pagecache.content_changed(issue.mailing_list.network_id)
    elif sum(done.values()):
        enqueue_batch(issue.pk)
    else:
        # Everything left is claimed by other workers right now; look again later in case one of them died.
        enqueue_batch(issue.pk, delay=LOCKED_DELAY)
