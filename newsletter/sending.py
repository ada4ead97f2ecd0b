"""Sending an issue: one Delivery per subscriber, worked off in batches by background tasks.

The guarantee: each subscriber gets an issue at most once. A copy whose fate SMTP leaves
unknown (the whole message was handed to the mail server, and its answer never came) is
never sent again automatically: it is marked uncertain, and a newsletter manager of the
network decides in the admin (send it again, or mark it as sent). Copies the mail server
certainly did not take (a refusal, a connection broken before the end of the message) are
tried again a bounded number of times with growing pauses, then marked failed.

How:

- `start_sending()` turns a draft into "sending", creates one pending `Delivery` per confirmed
  subscriber of the list whose address is not suspended (newsletter/bounces.py; a unique
  constraint per issue and subscriber) and enqueues the first
  batch tasks, all in one transaction: the task queue lives in the same database, so either
  everything exists or nothing does. A second call finds the issue no longer a draft.
- `send_batch()` opens one SMTP connection and, one copy at a time (up to NEWSLETTER_BATCH_SIZE
  copies or BATCH_SECONDS, then it enqueues the next batch):
  1. claims a due pending delivery (`SELECT ... FOR UPDATE SKIP LOCKED`, so parallel workers
     never pick the same one) and COMMITS it as "sending", with a fresh claim token and the
     time, before anything about it goes to the mail server;
  2. talks SMTP one command at a time (newsletter/smtp.py) and, just before the end-of-message
     marker, commits `handed_over_at`: from then on the server may have the message;
  3. records the outcome. Steps 2 and 3 write only while the claim token still matches, so a
     worker whose claim was given up (below) changes nothing and sends no end-of-message.
  A failure of one copy (a refusal, an unexpected exception while building or sending it)
  settles that copy and the batch goes on. Only an unreachable mail server stops the batch: the
  copy goes back uncounted and the batch runs again after UNAVAILABLE_DELAY.
- A worker that dies (killed, machine gone, database lost) leaves its copy "sending". Once the
  claim is older than NEWSLETTER_CLAIM_SECONDS, `expire_claims()` settles it: never handed
  over, it is pending again (the server never had it); handed over, it is uncertain.
- `recover()` runs every few minutes (`manage.py recover_newsletters`, deploy/newsletter-recover.timer)
  and when `manage.py newsletter_worker` starts: it expires claims, finishes issues with nothing
  left to send, and enqueues a batch for every issue that has pending copies but no queued
  task and no copy claimed within the claim time (its chain of tasks died with a worker, or
  with an error outside any one copy).

So no copy goes out twice without a person deciding. The price: a copy in flight when a
worker dies, or whose answer is lost, waits for a person instead of going out again.
"""

import datetime
import logging
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.recording import record_change
from core import pagecache
from core.mail import build_mail
from newsletter import bounces, smtp
from newsletter.models import Delivery, Issue, Subscription
from newsletter.subscribing import PREFERENCES, UNSUBSCRIBE, absolute_url, signed_url

logger = logging.getLogger(__name__)

# Batch tasks enqueued at the start; each enqueues its successor, so this many workers can share an issue.
PARALLEL_BATCHES = 4
# Tries per copy the mail server did not take (a 4xx answer, a connection broken before the end of
# the message), and the pause before the 2nd, 3rd, ... try. The claim is let go during a pause.
SEND_ATTEMPTS = 4
RETRY_DELAYS = (60, 300, 1800)
# Seconds before a batch tries again when the mail server cannot be reached at all.
UNAVAILABLE_DELAY = 60
# Seconds a batch waits before it looks again when nothing is due yet but something is.
IDLE_DELAY = 1
# A batch hands over to the next one after this many seconds, so a worker asked to stop (SIGTERM,
# `systemctl stop`) finishes within its stop timeout instead of being killed with a copy in flight.
BATCH_SECONDS = 30

# Why a claim ran out, for the delivery's error column (technical, like the mail server's own errors).
ABANDONED_BEFORE = "Worker stopped before the end of the message reached the mail server; tried again."
ABANDONED_AFTER = "Worker stopped after handing the message to the mail server, before its answer."


class ServerUnavailable(Exception):
    """The mail server cannot be reached: try the batch later."""


class ClaimLost(Exception):
    """The delivery's claim was given up (its time ran out) while this worker still held it."""


def issue_content(issue):
    """What every copy of an issue shows: the intro, the chosen published news posts, events and campaigns
    (three queries)."""
    from campaigns.models import Campaign
    from events.models import Event

    network = issue.mailing_list.network
    return {
        "issue": issue,
        "network": network,
        "mailing_list": issue.mailing_list,
        "paragraphs": issue.intro_paragraphs(),
        "posts": list(issue.news_posts.published().select_related("network").order_by("-publish_at", "-pk")),
        "events": list(Event.objects.published().filter(newsletter_issues=issue).order_by("starts_at", "pk")),
        "campaigns": list(Campaign.objects.published().filter(newsletter_issues=issue).order_by("-starts_on", "pk")),
        "archive_url": absolute_url(issue.get_absolute_url()),
        "site_url": settings.SITE_URL,
    }


def _list_id(mailing_list):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{mailing_list.slug}.{mailing_list.network.slug}.{host}>"


def build_issue_mail(content, *, to, subscriber_pk, nonce, test=False, delivery_pk=None):
    """One copy of the issue for one address, with its own unsubscribe and preferences links (RFC 8058)
    and, for a delivery, the token a bounce report finds it by (newsletter/bounces.py)."""
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
    envelope_sender = None
    if delivery_pk is not None:
        headers[bounces.COPY_HEADER] = bounces.copy_token(delivery_pk)
        envelope_sender = bounces.return_path(delivery_pk)
    if envelope_sender:
        # The From header stays the network's; only the envelope (the Return-Path) carries the token.
        headers["From"] = sender
    return build_mail(
        to, subject, "newsletter/mail/issue", context, headers=headers, from_email=envelope_sender or sender
    )


def send_test(issue, to):
    """A copy for a staff member, marked as a test; its links lead nowhere (no subscriber behind them)."""
    build_issue_mail(issue_content(issue), to=to, subscriber_pk=0, nonce="test", test=True).send()


def enqueue_batch(issue_id, run_after=None):
    from newsletter.tasks import send_issue_batch

    task = send_issue_batch
    if run_after is not None and run_after > timezone.now():
        task = task.using(run_after=run_after)
    return task.enqueue(issue_id=issue_id)


def _in(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def start_sending(issue, *, from_status=Issue.Status.DRAFT):
    """Sending starts: deliveries for the list's confirmed subscribers, and the batch tasks. False if the
    issue is no longer `from_status` (a draft, or a scheduled issue at its time)."""
    with transaction.atomic():
        now = timezone.now()
        # The conditional UPDATE is the guard: of two clicks on "send", one changes the row.
        if not Issue.objects.filter(pk=issue.pk, status=from_status).update(
            status=Issue.Status.SENDING, sending_started_at=now
        ):
            return False
        # The update sends no signal: the audit trail gets its "sent" entry, with the staff member, here.
        record_change(issue, {"status": (from_status, Issue.Status.SENDING)})
        subscriber_ids = list(
            Subscription.objects.receiving()
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


def schedule(issue, when):
    """A draft is to go out at `when`, not before: the worker starts it then (start_scheduled). False if not a draft.

    Who receives it is decided at that time, so a subscriber who leaves or bounces meanwhile gets nothing.
    """
    from newsletter.tasks import start_scheduled_issue

    with transaction.atomic():
        if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.DRAFT).update(
            status=Issue.Status.SCHEDULED, send_at=when
        ):
            return False
        record_change(
            issue,
            {"status": (Issue.Status.DRAFT, Issue.Status.SCHEDULED), "send_at": (None, when.isoformat())},
        )
        start_scheduled_issue.using(run_after=when).enqueue(issue_id=issue.pk)
    issue.refresh_from_db()
    return True


def unschedule(issue):
    """A scheduled issue becomes a draft again (its queued task then does nothing). False if it was not scheduled."""
    with transaction.atomic():
        if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
            status=Issue.Status.DRAFT, send_at=None
        ):
            return False
        record_change(issue, {"status": (Issue.Status.SCHEDULED, Issue.Status.DRAFT)})
    issue.refresh_from_db()
    return True


def start_scheduled(issue_id):
    """Start a scheduled issue whose time has come; whether this call started it. Never before its time."""
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SCHEDULED, send_at__lte=timezone.now()).first()
    return issue is not None and start_sending(issue, from_status=Issue.Status.SCHEDULED)


def _batch_size():
    return max(1, settings.NEWSLETTER_BATCH_SIZE)


def _claim_time():
    return datetime.timedelta(seconds=max(1, settings.NEWSLETTER_CLAIM_SECONDS))


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


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
    """The next due pending copy, committed as "sending" under a new claim token; None when none is due."""
    now = timezone.now()
    with _claim_transaction():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(now), issue=issue, status=Delivery.Status.PENDING)
            .select_related("subscriber")
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return None
        delivery.claim = secrets.token_hex(16)
        delivery.claimed_at = now
        delivery.attempts += 1
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENDING,
            claim=delivery.claim,
            claimed_at=now,
            handed_over_at=None,
            next_attempt_at=None,
            attempts=delivery.attempts,
        )
    return delivery


def _settle(delivery, **fields):
    """Record what became of a claimed copy and let the claim go, unless the claim was given up meanwhile."""
    held = Delivery.objects.filter(
        pk=delivery.pk, claim=delivery.claim, status__in=[Delivery.Status.SENDING, Delivery.Status.UNCERTAIN]
    )
    if not held.update(claim="", **fields):
        logger.warning("Delivery %s was settled by someone else while this worker held it", delivery.pk)


def _hand_over(delivery):
    """Commit that the end of the message is about to reach the server, renewing the claim; ClaimLost if not ours."""
    now = timezone.now()
    held = Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim, status=Delivery.Status.SENDING)
    if not held.update(handed_over_at=now, claimed_at=now):
        raise ClaimLost(delivery.pk)


def _still_subscribed(delivery, issue):
    """Still on the list, and the address not suspended since sending started (a bounce, a complaint)."""
    return (
        delivery.subscriber is not None
        and Subscription.objects.receiving()
        .filter(subscriber_id=delivery.subscriber_id, mailing_list_id=issue.mailing_list_id)
        .exists()
    )


def _retry_or_fail(delivery, error):
    if delivery.attempts >= SEND_ATTEMPTS:
        _settle(delivery, status=Delivery.Status.FAILED, error=error)
        return "failed"
    delay = RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]
    _settle(delivery, status=Delivery.Status.PENDING, next_attempt_at=_in(delay), handed_over_at=None, error=error)
    return "retry"


def _send_copy(backend, content, issue, delivery):
    """Send one claimed copy and record its fate; what became of it ("sent", "retry", ...).

    Raises ServerUnavailable (the copy is put back first) and database errors, nothing else.
    """
    if not _still_subscribed(delivery, issue):
        _settle(delivery, status=Delivery.Status.SKIPPED, attempts=delivery.attempts - 1)
        return "skipped"
    handed_over = []

    def before_end_of_data():
        _hand_over(delivery)
        handed_over.append(True)

    try:
        subscriber = delivery.subscriber
        message = build_issue_mail(
            content, to=subscriber.email, subscriber_pk=subscriber.pk, nonce=subscriber.nonce, delivery_pk=delivery.pk
        )
        result = smtp.transmit(backend, message, before_end_of_data)
    except ClaimLost:
        logger.warning("Delivery %s: claim given up before the message was handed over; not sent", delivery.pk)
        return "lost"
    except DatabaseError:
        raise
    except Exception as error:
        # A fault of this one copy (its address, its content, a bug): the copy fails, the batch goes on.
        logger.exception("Delivery %s of issue %s could not be sent", delivery.pk, issue.pk)
        smtp.close(backend)
        status = Delivery.Status.UNCERTAIN if handed_over else Delivery.Status.FAILED
        _settle(delivery, status=status, error=smtp.describe(error))
        return status.value

    outcome = result.outcome
    if outcome is smtp.Outcome.ACCEPTED:
        _settle(delivery, status=Delivery.Status.SENT, sent_at=timezone.now(), error="")
        return "sent"
    if outcome is smtp.Outcome.REFUSED:
        _settle(delivery, status=Delivery.Status.FAILED, error=result.error)
        return "failed"
    if outcome in (smtp.Outcome.REFUSED_TEMPORARILY, smtp.Outcome.NOT_HANDED_OVER):
        return _retry_or_fail(delivery, result.error)
    if outcome is smtp.Outcome.UNREACHABLE:
        # The server's fault, not this copy's: it goes back without counting a try.
        _settle(delivery, status=Delivery.Status.PENDING, attempts=delivery.attempts - 1, error=result.error)
        raise ServerUnavailable(result.error)
    _settle(delivery, status=Delivery.Status.UNCERTAIN, error=result.error)
    return "uncertain"


def send_batch(issue_id):
    """Send up to NEWSLETTER_BATCH_SIZE due copies of an issue, then enqueue the next batch or finish."""
    issue = Issue.objects.select_related("mailing_list__network").filter(pk=issue_id).first()
    if issue is None or issue.status not in (Issue.Status.SENDING, Issue.Status.SENT):
        return {}
    expire_claims(issue_id=issue.pk)
    content = issue_content(issue)
    done = Counter()
    backend = get_connection(fail_silently=False)
    started = time.monotonic()
    try:
        for _number in range(_batch_size()):
            if done and time.monotonic() - started >= BATCH_SECONDS:
                break
            delivery = _claim(issue)
            if delivery is None:
                break
            done[_send_copy(backend, content, issue, delivery)] += 1
    except ServerUnavailable as error:
        logger.warning("Mail server unavailable while sending issue %s, retrying later: %s", issue.pk, error)
        enqueue_batch(issue.pk, run_after=_in(UNAVAILABLE_DELAY))
        return dict(done)
    finally:
        smtp.close(backend)
    _continue_or_finish(issue, worked=sum(done.values()))
    return dict(done)


def _next_run(issue_id):
    """When a batch of the issue has something to do: now, a retry's time, or when a claim runs out. None: never."""
    now = timezone.now()
    deliveries = Delivery.objects.filter(issue_id=issue_id)
    if deliveries.filter(_due(now), status=Delivery.Status.PENDING).exists():
        return now
    times = deliveries.aggregate(
        retry=Min("next_attempt_at", filter=Q(status=Delivery.Status.PENDING)),
        claimed=Min("claimed_at", filter=Q(status=Delivery.Status.SENDING)),
    )
    candidates = [times["retry"]]
    if times["claimed"] is not None:
        # A claim held by a worker that may have died: look again once it has run out.
        candidates.append(times["claimed"] + _claim_time() + datetime.timedelta(seconds=1))
    candidates = [moment for moment in candidates if moment is not None]
    return min(candidates) if candidates else None


def _finish(issue_id):
    """An issue still sending with nothing pending or in flight is sent; whether this call made it so."""
    unsettled = Delivery.objects.filter(
        issue_id=OuterRef("pk"), status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    )
    finished = (
        Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING)
        .exclude(Exists(unsettled))
        .update(status=Issue.Status.SENT, sent_at=timezone.now())
    )
    if finished:
        # The sent issue appears in the public archive.
        network_id = Issue.objects.filter(pk=issue_id).values_list("mailing_list__network_id", flat=True).get()
        pagecache.content_changed(network_id)
    return bool(finished)


def _continue_or_finish(issue, worked):
    next_run = _next_run(issue.pk)
    if next_run is None:
        _finish(issue.pk)
        return
    if not worked:
        # Due copies that another worker's claim transaction held a moment ago: no busy loop.
        next_run = max(next_run, _in(IDLE_DELAY))
    enqueue_batch(issue.pk, run_after=next_run)


def expire_claims(issue_id=None):
    """Settle copies whose claim ran out (their worker died or hung): the number settled.

    Never handed over: pending again (or failed after SEND_ATTEMPTS claims, so a copy that
    kills its worker every time cannot loop for ever). Handed over: uncertain.
    """
    stale = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - _claim_time())
    if issue_id is not None:
        stale = stale.filter(issue_id=issue_id)
    # The claim token stays on an uncertain copy: its worker, if alive after all, may still record the answer.
    count = stale.filter(handed_over_at__isnull=False).update(status=Delivery.Status.UNCERTAIN, error=ABANDONED_AFTER)
    never_sent = stale.filter(handed_over_at__isnull=True)
    count += never_sent.filter(attempts__gte=SEND_ATTEMPTS).update(
        status=Delivery.Status.FAILED, claim="", error=ABANDONED_BEFORE
    )
    count += never_sent.update(status=Delivery.Status.PENDING, claim="", error=ABANDONED_BEFORE)
    return count


def _queued_issue_ids():
    from django_tasks_db.models import DBTaskResult

    from newsletter.tasks import send_issue_batch

    tasks = DBTaskResult.objects.filter(status="READY", task_path=send_issue_batch.module_path)
    return {task["kwargs"].get("issue_id") for task in tasks.values_list("args_kwargs", flat=True)}


def recover():
    """The periodic check: expire claims, finish issues with nothing left, and restart the batches of
    issues whose chain of tasks died. {"expired": n, "finished": n, "resumed": n}."""
    expired = expire_claims()
    # Scheduled issues whose time came while their task was lost (a worker down at that moment).
    due = Issue.objects.filter(status=Issue.Status.SCHEDULED, send_at__lte=timezone.now()).values_list("pk", flat=True)
    for issue_id in list(due):
        start_scheduled(issue_id)
    sending_ids = Issue.objects.filter(status=Issue.Status.SENDING).values_list("pk", flat=True)
    finished = sum(_finish(issue_id) for issue_id in sending_ids)
    recently = timezone.now() - _claim_time()
    waiting = set(
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .exclude(issue__status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED])
        .values_list("issue_id", flat=True)
        .distinct()
    )
    # A copy claimed within the claim time means a worker is at it: its chain goes on by itself.
    active = set(
        Delivery.objects.filter(issue_id__in=waiting, claimed_at__gte=recently)
        .values_list("issue_id", flat=True)
        .distinct()
    )
    resumed = 0
    for issue_id in sorted(waiting - active - _queued_issue_ids()):
        enqueue_batch(issue_id, run_after=_next_run(issue_id))
        resumed += 1
    if expired or resumed:
        logger.warning("Newsletter recovery: %s claims expired, %s issues resumed", expired, resumed)
    return {"expired": expired, "finished": finished, "resumed": resumed}


def _decide(issue, deliveries, **changes):
    return deliveries.filter(issue=issue, status=Delivery.Status.UNCERTAIN).update(claim="", **changes)


def resend_uncertain(issue, deliveries):
    """A newsletter manager's decision: send these uncertain copies of `issue` again. Their number."""
    with transaction.atomic():
        count = _decide(
            issue,
            deliveries,
            status=Delivery.Status.PENDING,
            resolution=Delivery.Resolution.RESENT,
            attempts=0,
            handed_over_at=None,
            next_attempt_at=None,
            error="",
        )
        if count:
            _count_decision(issue, "copies_resent", count)
            enqueue_batch(issue.pk)
    return count


def mark_uncertain_sent(issue, deliveries):
    """A newsletter manager's decision: these uncertain copies of `issue` arrived. Their number."""
    with transaction.atomic():
        count = _decide(
            issue,
            deliveries,
            status=Delivery.Status.SENT,
            resolution=Delivery.Resolution.MARKED_SENT,
            sent_at=Coalesce(F("handed_over_at"), timezone.now()),
        )
        if count:
            _count_decision(issue, "copies_marked_sent", count)
    return count


def _count_decision(issue, field, count):
    old = Issue.objects.select_for_update().values_list(field, flat=True).get(pk=issue.pk)
    Issue.objects.filter(pk=issue.pk).update(**{field: old + count})
    # The update sends no signal: the audit trail gets its entry, with the staff member, here.
    record_change(issue, {field: (old, old + count)})
