"""PostgreSQL restarted under load: the site answers 503 for as long as it is away, never 500,
and recovers by itself, without restarting gunicorn. Pages in the page cache stay 200.

wrk loads a page that is built from the database on every request (a request with a session
cookie is never served from the page cache) while a probe records status codes over time, on
that page and on a page in the page cache, and the database is stopped and started again.
"""

import contextlib
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from network.models import Network
from news.models import NewsPost
from tests.pgcluster import PostgresCluster
from tests.scale.conftest import app_server_env, copy_database, shared_database_url, start_app_servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WRK = shutil.which("wrk") or "/usr/bin/wrk"
STATUS_SCRIPT = Path(__file__).with_name("status_counts.lua")
# Not a session anybody has: the page is built (and the session looked up) on every request.
UNCACHED = {"Cookie": "sessionid=geen-sessie"}
WRK_SECONDS = 8
OUTAGE_STARTS_AFTER = 2.0
DOWN_SECONDS = 1.0
RECOVERY_SECONDS = 5.0


@pytest.fixture(scope="module")
def cluster(committed_db):
    """A PostgreSQL of its own (this test stops it), with a copy of the migrated test database."""
    network = Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )
    NewsPost.objects.create(
        network=network,
        title="Tien jaar beleidswerk",
        slug="tien-jaar-beleidswerk",
        status=NewsPost.Status.PUBLISHED,
        lead="Kort.",
        body="<p>Tekst.</p>",
    )
    cluster = PostgresCluster().init().start().create_database()
    try:
        copy_database(shared_database_url(), cluster.url)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        cluster.remove()


@pytest.fixture(scope="module")
def server(cluster, static_root, tmp_path_factory):
    env = app_server_env(
        static_root,
        DATABASE_URL=cluster.url,
        DJANGO_CACHE_DIR=tmp_path_factory.mktemp("cache"),
        WEB_CONCURRENCY=2,
    )
    [server] = start_app_servers(env, log_dir=tmp_path_factory.mktemp("gunicorn"))
    yield server
    server.stop()


class Probe(threading.Thread):
    """GETs a page again and again; (seconds since start, status or error name) for each."""

    def __init__(self, url, headers=None):
        super().__init__(daemon=True)
        self.url, self.headers = url, headers or {}
        self.results = []
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def run(self):
        with requests.Session() as http:
            while not self.stopped.is_set():
                at = time.monotonic() - self.started_at
                try:
                    response = http.get(self.url, headers=self.headers, timeout=10)
                    self.results.append((at, response.status_code, response.headers.get("Retry-After")))
                except requests.RequestException as error:
                    self.results.append((at, type(error).__name__, None))
                time.sleep(0.02)

    def statuses(self):
        return {status for _, status, _ in self.results}


def wrk_statuses(output):
    return {int(status): int(count) for status, count in re.findall(r"^status (\d+): (\d+)$", output, re.M)}


def test_the_site_answers_503_while_postgres_restarts_and_recovers_by_itself(server, cluster):
    page, cached_page = server.url + "/", server.url + "/nieuws/"
    assert requests.get(page, headers=UNCACHED, timeout=10).status_code == 200
    requests.get(cached_page, timeout=10)
    assert requests.get(cached_page, timeout=10).headers["X-Page-Cache"] == "hit"

    probes = [Probe(page, UNCACHED), Probe(cached_page)]
    for probe in probes:
        probe.start()
    wrk = [WRK, "-t2", "-c8", f"-d{WRK_SECONDS}s", "--timeout", "10s", "-s", str(STATUS_SCRIPT)]
    load = subprocess.Popen(
        [*wrk, "-H", f"Cookie: {UNCACHED['Cookie']}", page],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(OUTAGE_STARTS_AFTER)
    down_at = time.monotonic() - probes[0].started_at
    cluster.stop()
    time.sleep(DOWN_SECONDS)
    cluster.start()
    up_at = time.monotonic() - probes[0].started_at
    output, _ = load.communicate(timeout=WRK_SECONDS + 30)
    for probe in probes:
        probe.stopped.set()
        probe.join(timeout=15)

    uncached, cached = probes
    counts = wrk_statuses(output)
    unavailable = [at for at, status, _ in uncached.results if status == 503]
    report = SimpleNamespace(
        wrk=counts,
        database_down=(round(down_at, 2), round(up_at, 2)),
        first_503=unavailable and round(unavailable[0], 2),
        last_503=unavailable and round(unavailable[-1], 2),
        probe_requests=len(uncached.results),
        probe_503=len(unavailable),
    )
    print(f"\nPostgreSQL restart under load: {report}")

    assert counts and set(counts) <= {200, 503}, output
    assert counts.get(503), f"the outage was not seen by wrk: {output}"
    assert "Socket errors" not in output, output
    assert uncached.statuses() <= {200, 503}, uncached.results
    assert unavailable, "the probe saw no 503"
    assert all(retry == "10" for _, status, retry in uncached.results if status == 503)
    # Back by itself within seconds of the database, and for good.
    assert unavailable[-1] < up_at + RECOVERY_SECONDS, report
    assert any(status == 200 and at > unavailable[-1] for at, status, _ in uncached.results), report
    # The page cache kept answering while the database was away.
    assert cached.statuses() == {200}, cached.results
    assert any(down_at < at < up_at for at, _, _ in cached.results)

    assert server.process.poll() is None, "gunicorn stopped"
    log = Path(server.log_path).read_text()
    assert log.count("Booting worker") == 2, "a worker died and was replaced:\n" + server.log_tail()
    assert "Database unavailable, answered 503" in log
    assert "Traceback" not in log and "Internal Server Error" not in log, server.log_tail()
