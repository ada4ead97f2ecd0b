"""Is the background worker alive? The heartbeat each worker writes, and the check /healthz/worker makes.

django-tasks-db keeps no record of its workers, so `manage.py newsletter_worker` writes one: a
`WorkerHeartbeat` row it updates every WORKER_MAX_WAIT_SECONDS / 5 seconds from a thread of
its own and deletes when it stops. In the database, because that is the one thing every web
server and every worker machine share (a cache may be per machine, or down).

The worker is healthy when
- some worker wrote its heartbeat within WORKER_MAX_WAIT_SECONDS, and
- no task has been waiting longer than that, unless a worker started a task within that time
  (a busy worker working through a long queue is alive; a worker whose loop hangs is not,
  even while its heartbeat thread still writes).
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from newsletter.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def in_process_worker(worker_id):
    """db_worker's Worker for running tasks one by one in this process (`worker.run_task(result)`),
    without its loop: the benchmark and the tests claim the tasks themselves."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


# Rows of workers that died without deleting theirs (killed, machine gone) are removed after this.
FORGET_AFTER = datetime.timedelta(days=1)

NO_WORKER = "no worker running"
TASKS_WAITING = "tasks waiting"


def heartbeat_seconds():
    """How often a worker writes its heartbeat: five times within the allowed silence."""
    return max(1.0, settings.WORKER_MAX_WAIT_SECONDS / 5)


class Heartbeat:
    """The heartbeat of one worker process: start() before the worker loop, stop() after it."""

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self):
        # The first one in the calling thread: the worker shows up before it takes its first task.
        self.beat()
        self._thread.start()
        return self

    def beat(self):
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(pk=self.worker_id).update(seen_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
                seen_at=now,
            )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()

    def _run(self):
        while not self._stopping.wait(heartbeat_seconds()):
            try:
                self.beat()
            except DatabaseError as error:
                # The database is down or (SQLite) busy: the next beat tries again.
                logger.warning("Worker heartbeat not written: %s", error)
            finally:
                # One short connection per beat: the thread holds none between beats.
                connection.close()

    def stop(self):
        """Stop beating and remove the row: a worker that stopped is not running."""
        self._stopping.set()
        self._thread.join(timeout=10)
        try:
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
        except DatabaseError as error:
            logger.warning("Worker heartbeat not removed: %s", error)


def worker_problem(now=None):
    """None while a worker shows life; otherwise a short reason (NO_WORKER or TASKS_WAITING)."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=settings.WORKER_MAX_WAIT_SECONDS)
    if not WorkerHeartbeat.objects.filter(seen_at__gte=since).exists():
        return NO_WORKER
    # Ready since before `since`: enqueued then, to run at once (django-tasks-db's "no run_after"
    # is its maximum date) or at a time already passed then.
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, enqueued_at__lt=since).filter(
        Q(run_after=get_date_max()) | Q(run_after__lt=since)
    )
    if waiting.exists() and not DBTaskResult.objects.filter(started_at__gte=since).exists():
        return TASKS_WAITING
    return None
