import argparse
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from network.models import Network
from newsletter import sending
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Delivery, Issue, MailingList, Subscriber, Subscription
from newsletter.worker import in_process_worker


class CountingHandler:
    """An aiosmtpd handler that accepts everything and counts the copies per recipient."""

    def __init__(self):
        self.received = Counter()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"


class Command(BaseCommand):
    help = (
        "Measure sending one newsletter issue to N throwaway subscribers through a local SMTP server "
        "(aiosmtpd, in this process) on the configured database, through the real batch tasks; cleans up after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=10_000)
        parser.add_argument("--batch-size", type=int, default=settings.NEWSLETTER_BATCH_SIZE)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Worker processes working off the batch tasks in parallel (1: in this process).",
        )
        # Internal: a worker process started by --workers, working off one issue's tasks.
        parser.add_argument("--work-off", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, subscribers, batch_size, workers, work_off=None, **options):
        if work_off:
            self._work_off(Issue.objects.get(pk=work_off))
            return
        try:
            from aiosmtpd.controller import Controller
        except ImportError as error:
            raise CommandError("The benchmark needs aiosmtpd: pip install -r requirements-dev.txt") from error

        handler = CountingHandler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        mail_server = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "NEWSLETTER_BATCH_SIZE": batch_size,
        }
        run = secrets.token_hex(4)
        network = None
        try:
            with override_settings(**mail_server):
                started = time.perf_counter()
                network, issue = self._setup(run, subscribers)
                prepared = time.perf_counter()
                sending.start_sending(issue)
                enqueued = time.perf_counter()
                if workers > 1:
                    self._work_off_in_processes(issue, workers, mail_server)
                else:
                    self._work_off(issue)
                finished = time.perf_counter()
                self._report(handler, issue, subscribers, batch_size, workers, started, prepared, enqueued, finished)
        finally:
            if network is not None:
                self._clean_up(network)
            controller.stop()

    @transaction.atomic
    def _setup(self, run, count):
        network = Network.objects.create(
            name=f"Benchmark {run}", short_name="BENCH", slug=f"benchmark-{run}", region="vlaanderen", mission="-"
        )
        mailing_list = MailingList.objects.create(network=network, name="Benchmark", slug="benchmark", is_open=False)
        now = timezone.now()
        people = Subscriber.objects.bulk_create(
            [
                Subscriber(email=f"bench-{run}-{number}@example.invalid", name=f"Lezer {number}", confirmed_at=now)
                for number in range(count)
            ],
            batch_size=2000,
        )
        if not all(person.pk for person in people):  # databases that return no keys from bulk_create
            people = list(Subscriber.objects.filter(email__startswith=f"bench-{run}-"))
        Subscription.objects.bulk_create(
            [
                Subscription(
                    subscriber=person,
                    mailing_list=mailing_list,
                    status=Subscription.Status.CONFIRMED,
                    consent_version=CONSENT_VERSION,
                    consent_text=str(CONSENT_TEXT),
                    consented_at=now,
                    confirmed_at=now,
                )
                for person in people
            ],
            batch_size=2000,
        )
        issue = Issue.objects.create(
            mailing_list=mailing_list,
            subject=f"Benchmark {run}",
            intro="Een eerste alinea met wat tekst.\n\nEen tweede alinea, zoals in een echte nieuwsbrief.",
        )
        return network, issue

    def _tasks(self, issue):
        return DBTaskResult.objects.filter(task_path="newsletter.tasks.send_issue_batch").filter(
            args_kwargs__kwargs__issue_id=issue.pk
        )

    def _work_off(self, issue):
        """Run this issue's batch tasks as db_worker does (claim, run, record) until the issue is sent."""
        worker = in_process_worker(f"bench-{os.getpid()}")
        while Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).exists():
            with transaction.atomic():
                result = self._tasks(issue).ready().select_for_update(skip_locked=True).first()
                if result is not None:
                    result.claim(worker.worker_id)
            if result is None:
                time.sleep(0.05)
                continue
            worker.run_task(result)
        failed = list(self._tasks(issue).failed().values_list("traceback", flat=True))
        if failed:
            raise CommandError(f"A batch task failed:\n{failed[0]}")

    def _work_off_in_processes(self, issue, count, mail_server):
        """`count` worker processes on the same database, sending through this process's SMTP server."""
        environment = {
            **os.environ,
            **{name: str(value) for name, value in mail_server.items() if not isinstance(value, bool)},
            "EMAIL_USE_TLS": "0",
        }
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_newsletter", f"--work-off={issue.pk}"]
        processes = [subprocess.Popen(command, env=environment) for _ in range(count)]  # noqa: S603 (our own command)
        if any(process.wait() != 0 for process in processes):
            raise CommandError("A worker process failed.")

    def _report(self, handler, issue, count, batch_size, workers, started, prepared, enqueued, finished):
        seconds = finished - enqueued
        copies = sum(handler.received.values())
        duplicates = sum(1 for number in handler.received.values() if number > 1)
        sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()
        vendor = connection.vendor
        self.stdout.write(
            f"database: {vendor}\n"
            f"subscribers: {count}, batch size: {batch_size}, worker processes: {workers}\n"
            f"setup (subscribers): {prepared - started:.2f} s\n"
            f"start sending (deliveries + tasks): {enqueued - prepared:.2f} s\n"
            f"sending: {seconds:.2f} s, {copies / seconds:.0f} messages/s\n"
            f"received by the SMTP server: {copies} copies for {len(handler.received)} addresses, "
            f"{duplicates} duplicates; deliveries marked sent: {sent}"
        )
        if copies != count or duplicates or sent != count:
            raise CommandError("Not every subscriber received exactly one copy.")

    def _clean_up(self, network):
        issues = Issue.objects.filter(mailing_list__network=network)
        for issue in issues:
            self._tasks(issue).delete()
        Subscriber.objects.filter(subscriptions__mailing_list__network=network).delete()
        issues.delete()
        network.delete()
