"""/healthz answers 503 while the database is down and recovers without a restart."""

import contextlib
import subprocess
import sys

import pytest

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
