"""/healthz answers 503 while the database is down and recovers without a restart; /healthz/worker
answers 503 while no background worker shows life or a task waits too long."""

import contextlib
import datetime
import signal
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter.models import WorkerHeartbeat
from newsletter.tasks import send_issue_batch
from tests.helpers import PROJECT_DIR, http_get, production_env, wait_for
from tests.pgcluster import PostgresCluster, free_port


@pytest.mark.django_db
def test_healthz_answers_ok_with_a_database_check(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def cluster():
    cluster = PostgresCluster().init().start().create_database()
    yield cluster
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
        cluster.stop()
    cluster.remove()


def test_healthz_is_503_while_postgres_is_down_and_recovers_by_itself(cluster):
    port = free_port()
    env = production_env(DATABASE_URL=cluster.url, PORT=port, WEB_CONCURRENCY=1)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_for(lambda: _status(url) == 200, message="gunicorn to answer 200 on /healthz")
        assert http_get(url) == (200, "ok\n")

        cluster.stop()
        assert http_get(url) == (503, "database unreachable\n")
        assert http_get(url)[0] == 503

        cluster.start()
        wait_for(lambda: _status(url) == 200, message="/healthz to recover after PostgreSQL came back")
        assert server.poll() is None, "the app server was restarted"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _status(url):
    try:
        return http_get(url, timeout=2)[0]
    except OSError:
        return None


MINUTE = datetime.timedelta(minutes=1)


def heartbeat(seen_ago):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"w{WorkerHeartbeat.objects.count()}",
        host="app1",
        pid=1,
        started_at=now - seen_ago,
        seen_at=now - seen_ago,
    )


def queued_task(waiting_for, **fields):
    """A task enqueued `waiting_for` ago that no worker took (an issue that does not exist: a no-op)."""
    result = send_issue_batch.enqueue(issue_id=0)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - waiting_for, **fields)
    return result


def worker_health(client):
    response = client.get("/healthz/worker")
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_worker_health_is_503_without_any_worker(client, settings):
    settings.WORKER_MAX_WAIT_SECONDS = 300
    assert worker_health(client) == (503, "no worker running\n")
    queued_task(10 * MINUTE)
    assert worker_health(client) == (503, "no worker running\n")


@pytest.mark.django_db
def test_worker_health_is_503_when_the_last_heartbeat_is_too_old(client, settings):
    settings.WORKER_MAX_WAIT_SECONDS = 300
    heartbeat(seen_ago=6 * MINUTE)
    assert worker_health(client) == (503, "no worker running\n")
    heartbeat(seen_ago=4 * MINUTE)
    assert worker_health(client) == (200, "ok\n")


@pytest.mark.django_db
def test_worker_health_is_ok_with_a_recent_heartbeat_and_nothing_waiting_long(
    client, settings, django_assert_num_queries
):
    settings.WORKER_MAX_WAIT_SECONDS = 300
    heartbeat(seen_ago=datetime.timedelta(seconds=20))
    queued_task(waiting_for=4 * MINUTE)
    # Enqueued long ago to run a minute from now (a retry's delay): not waiting yet.
    queued_task(waiting_for=60 * MINUTE, run_after=timezone.now() + MINUTE)
    with django_assert_num_queries(2):
        assert worker_health(client) == (200, "ok\n")


@pytest.mark.django_db
def test_worker_health_is_503_when_a_task_waited_too_long_and_no_worker_started_one(client, settings):
    """A heartbeat alone is not enough: a worker whose loop hangs still has a beating thread."""
    settings.WORKER_MAX_WAIT_SECONDS = 300
    heartbeat(seen_ago=datetime.timedelta(seconds=20))
    queued_task(waiting_for=6 * MINUTE)
    assert worker_health(client) == (503, "tasks waiting\n")
    # A task that became due 6 minutes ago waited as long.
    DBTaskResult.objects.all().delete()
    queued_task(waiting_for=60 * MINUTE, run_after=timezone.now() - 6 * MINUTE)
    assert worker_health(client) == (503, "tasks waiting\n")


@pytest.mark.django_db
def test_worker_health_is_ok_while_a_busy_worker_works_through_a_long_queue(client, settings):
    settings.WORKER_MAX_WAIT_SECONDS = 300
    heartbeat(seen_ago=datetime.timedelta(seconds=20))
    queued_task(waiting_for=6 * MINUTE)
    queued_task(waiting_for=7 * MINUTE, status="RUNNING", started_at=timezone.now() - MINUTE)
    assert worker_health(client) == (200, "ok\n")


@pytest.mark.django_db
def test_worker_health_says_only_database_unreachable_while_the_database_fails(client, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr("newsletter.worker.worker_problem", down)
    assert worker_health(client) == (503, "database unreachable\n")


def _start_worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "newsletter_worker", "--no-reload", "--interval", "0.2"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_worker_health_ok_and_its_end_makes_it_503(client, settings):
    from tests.scale.conftest import shared_database_url

    settings.WORKER_MAX_WAIT_SECONDS = 5
    env = production_env(DATABASE_URL=shared_database_url(), WORKER_MAX_WAIT_SECONDS=5)
    waiting = queued_task(waiting_for=10 * MINUTE)
    assert worker_health(client) == (503, "no worker running\n")

    worker = _start_worker(env)
    try:
        wait_for(lambda: worker_health(client)[0] == 200, timeout=30, message="the worker's first heartbeat")
        wait_for(
            lambda: DBTaskResult.objects.get(pk=waiting.id).status == "SUCCESSFUL",
            message="the worker to run the waiting task",
        )
        # Killed without a chance to clean up (machine gone, OOM): silence for longer than 5 seconds.
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        wait_for(lambda: worker_health(client) == (503, "no worker running\n"), timeout=20, message="a 503")
    finally:
        worker.kill()
        worker.wait(timeout=10)

    worker = _start_worker(env)
    try:
        wait_for(lambda: worker_health(client)[0] == 200, timeout=30, message="the second worker's heartbeat")
        # Stopped by systemd (SIGTERM): it removes its heartbeat on the way out; 503 at once.
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
        assert worker_health(client) == (503, "no worker running\n")
    finally:
        worker.kill()
        worker.wait(timeout=10)


@pytest.mark.django_db
def test_both_health_urls_answer_over_plain_http_where_every_page_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/privacy/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/worker").status_code == 503
