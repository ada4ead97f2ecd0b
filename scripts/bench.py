"""`make bench`: throughput, latency, queries and weight of the main pages on a large data set.

Starts a throwaway PostgreSQL (tests/pgcluster.py), migrates, loads the demo and counts the
SQL queries of every page on it, fills the database with `manage.py bench_data` (1,000
associations, 10,000 news posts, 1,000 events, 50,000 subscribers) and counts again. Then it
serves the site with gunicorn under production settings (DEBUG off, a generated secret key,
plain http on loopback, a private Redis as the cache) and measures every page with wrk, the
bare baseline view (DJANGO_BENCH_BASELINE=1) in the same server included: once with the page
cache off (PAGE_CACHE_SECONDS=0) and once with it on. Before that it compares 2, 3 and 4
workers (unless --workers is given) and keeps the best. Prints the report and writes
docs/benchmarks.md; a "## Notes" section written by hand at the end of that file is kept.

Beside req/s and latency it gives the server-side CPU per request (the gunicorn workers', and
the PostgreSQL cluster's, from /proc before and after each wrk run), and checks issue 23's
targets. Query counts come from Django's test client in this process, on the same database and
settings, with the calls to the caches other than the page cache (CacheCounter). A page
whose single request takes longer than SLOW_SECONDS is not put under wrk (16 such requests at
once would only queue up); the report gives that request's time.
"""

import argparse
import contextlib
import datetime
import gzip
import html.parser
import http.client
import io
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import PG_BIN, PostgresCluster, free_port  # noqa: E402

WRK_THREADS, WRK_CONNECTIONS = 2, 16
WARM_UP_SECONDS = 2
SWEEP_SECONDS = 5
WORKER_CHOICES = (2, 3, 4)
SLOW_SECONDS = 5.0
# A measurement during which other processes used more than this share of the CPU is repeated,
# at most RETRIES times in a run, after a pause; the least disturbed one counts.
DISTURBED = 0.10
RETRIES = 6
RETRY_PAUSE_SECONDS = 15
retries_left = RETRIES
BASELINE_PATH = "/bench/baseline/"
# A word in a handful of posts: the demo's example posts "Toegang tot de tandarts moet beter"
# (3 of them; 2 demo campaigns as well); bench_data's generated texts never use it, so the
# search finds 5 results at any scale. The report gives what it found.
RARE_WORD = "tandarts"
HOME_BUDGET_BYTES = 100 * 1024
MODES = ("uncached", "cached")


@dataclass(frozen=True)
class Target:
    """A throughput or latency target for some pages in one mode (issue 23); None: not part of it."""

    mode: str
    keys: tuple
    ratio: float | None = None  # share of the bare view's throughput in the same server and mode
    p50_ms: float | None = None
    p99_ms: float | None = None


# The performance targets (evaluate(), below), at WRK_CONNECTIONS connections.
SITE_PAGES = ("home", "news", "news_detail", "directory", "agenda", "search", "search_rare")
TARGETS = (
    Target("uncached", ("home", "news", "directory"), ratio=0.10, p99_ms=100),
    Target("uncached", ("news_detail", "agenda"), ratio=0.07),
    Target("uncached", ("search", "search_rare"), p50_ms=100, p99_ms=300),
    Target("cached", SITE_PAGES, ratio=0.80, p99_ms=20),
)


@dataclass
class WrkResult:
    rps: float
    p50: float
    p75: float
    p90: float
    p99: float
    requests: int
    errors: int
    others_cpu: float = 0.0  # share of the machine's CPU other processes used meanwhile
    app_cpu_ms: float | None = None  # CPU ms of the server's workers per completed request
    db_cpu_ms: float | None = None  # CPU ms of the PostgreSQL cluster's processes per completed request

    def ratio(self, baseline):
        return self.rps / baseline.rps if baseline and baseline.rps else 0.0


@dataclass
class Weight:
    html: int  # bytes of HTML as the view renders it
    html_sent: int  # bytes on the wire with Accept-Encoding: br, gzip
    css: int  # the stylesheets the page links, as sent
    js: int  # its scripts, as sent
    other: int  # icons and other linked files, as sent (content images left out)

    @property
    def total_sent(self):
        return self.html_sent + self.css + self.js + self.other


@dataclass
class Page:
    key: str
    label: str
    path: str = ""
    queries: dict = field(default_factory=dict)  # "demo", "large", "cached" -> count
    sql_ms: float = 0.0  # time the database took for those queries on the large data set
    slowest: tuple = ()  # (ms, SQL) of the slowest of those queries
    first_seconds: dict = field(default_factory=dict)  # mode -> time of the first request
    runs: dict = field(default_factory=dict)  # mode -> WrkResult, absent when the page was too slow
    cache_header: str = ""
    weight: Weight | None = None
    caches: dict = field(default_factory=dict)  # "first", "next" -> CacheCounter of one request, large data
    matches: str = ""  # what a search page found, on the large data
    profile: "Profile | None" = None  # where this process's CPU goes on the page, large data, page cache off


def pages_to_measure():
    """In the order measured: the slowest page comes last, so what it leaves behind disturbs no other page."""
    return [
        Page("baseline", "Bare Django view (baseline)"),
        Page("static", "Static file (site.css)"),
        Page("home", "Home"),
        Page("news", "News list"),
        Page("news_detail", "News post"),
        Page("directory", "Directory with filters"),
        Page("agenda", "Calendar"),
        Page("search_rare", f"Search, rare word ({RARE_WORD})"),
        Page("search", "Search, common word (armoede)"),
    ]


class BenchError(RuntimeError):
    pass


STARTED = time.monotonic()


def log(message):
    elapsed = int(time.monotonic() - STARTED)
    print(f"[bench {elapsed // 60:2}:{elapsed % 60:02}] {message}", flush=True)


# wrk --------------------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output):
    """Requests per second, latency percentiles (ms) and errors from `wrk --latency` output."""
    percentiles = {
        int(share): _milliseconds(value) for share, value in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)
    }
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not rps or not total or not {50, 75, 90, 99} <= set(percentiles):
        raise BenchError(f"Could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        # Sync workers close the connection after every response, which wrk may count as a read
        # error; failed connects, writes and timeouts are real errors.
        connect, _read, write, timeout = (int(n) for n in socket_errors.groups())
        errors += connect + write + timeout
    return WrkResult(
        rps=float(rps.group(1)),
        p50=percentiles[50],
        p75=percentiles[75],
        p90=percentiles[90],
        p99=percentiles[99],
        requests=int(total.group(1)),
        errors=errors,
    )


def parse_stat(text):
    """(parent pid, utime, stime, cutime, cstime) in clock ticks from the text of /proc/<pid>/stat."""
    fields = text.rsplit(")", 1)[1].split()  # the command name in parentheses may hold spaces
    return (int(fields[1]), *map(int, fields[11:15]))


def read_processes():
    """{pid: parse_stat(...)} of every process now."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                table[int(entry.name)] = parse_stat((entry / "stat").read_text())
    return table


def tree_ticks(table, root):
    """CPU ticks of the processes under `root` (not counting root's own): every descendant's, with
    the ticks of its children that ended, and those of root's ended children (a worker gunicorn
    recycled, a PostgreSQL backend whose connection closed). None when `root` is not running."""
    if root not in table:
        return None
    children = {}
    for pid, (parent, *_ticks) in table.items():
        children.setdefault(parent, []).append(pid)
    total = table[root][3] + table[root][4]
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        _parent, utime, stime, cutime, cstime = table[pid]
        total += utime + stime + cutime + cstime
        stack.extend(children.get(pid, ()))
    return total


def cpu_ms_per_request(before, after, requests, tick):
    """Milliseconds of CPU per request from two tree_ticks() samples; None when unknown."""
    if before is None or after is None or requests <= 0:
        return None
    return max(0, after - before) * 1000 / tick / requests


class CpuMeter:
    """How much of the machine's CPU went to other processes than this benchmark's while wrk ran,
    and how much the server's workers and PostgreSQL used.

    Ours: this process and its descendants (gunicorn, wrk, Redis) and the PostgreSQL server's
    processes, each with the CPU of its children that ended. Everything else busy is someone else's.
    """

    def __init__(self):
        self.roots = {os.getpid()}
        self.postgres = None
        self.tick = os.sysconf("SC_CLK_TCK")

    def add_postgres(self, data_directory):
        with contextlib.suppress(OSError, ValueError):
            self.postgres = int((data_directory / "postmaster.pid").read_text().split()[0])
            self.roots.add(self.postgres)

    def sample(self, server_pid=None):
        """(busy ticks of the whole machine, ticks of our processes, monotonic time,
        ticks of the server's workers, ticks of PostgreSQL's processes)."""
        busy = 0
        with contextlib.suppress(OSError):
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(
                int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
            )
            busy = user + nice + system + irq + softirq + steal
        table = read_processes()
        ours = 0
        for pid, (_parent, utime, stime, cutime, cstime) in table.items():
            ancestor = pid
            while ancestor > 1 and ancestor not in self.roots:
                ancestor = table[ancestor][0] if ancestor in table else 0
            if ancestor in self.roots:
                ours += utime + stime + cutime + cstime
        server = tree_ticks(table, server_pid) if server_pid else None
        database = tree_ticks(table, self.postgres) if self.postgres else None
        return busy, ours, time.monotonic(), server, database

    def others_share(self, before, after):
        seconds = after[2] - before[2]
        others = (after[0] - before[0]) - (after[1] - before[1])
        return max(0.0, others / self.tick / (seconds * (os.cpu_count() or 1))) if seconds > 0 else 0.0

    def per_request(self, before, after, requests):
        """(server's CPU ms, PostgreSQL's CPU ms) per request between two samples."""
        return (
            cpu_ms_per_request(before[3], after[3], requests, self.tick),
            cpu_ms_per_request(before[4], after[4], requests, self.tick),
        )


CPU = CpuMeter()


def wrk(url, seconds, server_pid=None):
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    command += ["-H", "Accept-Encoding: br, gzip", url]
    before = CPU.sample(server_pid)
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    after = CPU.sample(server_pid)
    result = parse_wrk(completed.stdout)
    result.others_cpu = CPU.others_share(before, after)
    result.app_cpu_ms, result.db_cpu_ms = CPU.per_request(before, after, result.requests)
    return result


# HTTP -------------------------------------------------------------------------------------------


def fetch(port, path, encoding="br, gzip", timeout=120):
    """(status, headers, body as sent) of one GET to the server on `port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def decoded(headers, body):
    encoding = headers.get("Content-Encoding", "")
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


class LinkedFiles(html.parser.HTMLParser):
    """The stylesheets, scripts and icons a page makes the browser load (content images left out)."""

    def __init__(self):
        super().__init__()
        self.css, self.js, self.other = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.js.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = set((attrs.get("rel") or "").lower().split())
            if "stylesheet" in rel:
                self.css.append(attrs["href"])
            elif rel & {"icon", "preload", "modulepreload", "manifest"}:
                self.other.append(attrs["href"])


def local_path(url):
    parts = urlsplit(url)
    if parts.netloc and parts.hostname not in {"127.0.0.1", "localhost"}:
        raise BenchError(f"A page links a file on another host: {url}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def weigh(port, headers, body):
    """The page's weight from its response and the files it links, fetched as a browser would."""
    html = decoded(headers, body)
    links = LinkedFiles()
    links.feed(html.decode())

    def sent(urls):
        total = 0
        for url in dict.fromkeys(urls):
            status, _headers, content = fetch(port, local_path(url))
            if status != 200:
                raise BenchError(f"{url} answered {status}")
            total += len(content)
        return total

    return Weight(len(html), len(body), sent(links.css), sent(links.js), sent(links.other))


# Processes --------------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server(directory):
    """A private Redis on a loopback port, without persistence."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with open(directory / "redis.log", "wb") as output:
        process = subprocess.Popen([*command, "--dir", str(directory)], stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise BenchError(f"redis-server did not start; see {directory / 'redis.log'}") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def gunicorn(env, workers, page_cache, log_file):
    """The site under gunicorn with config/gunicorn.conf.py, ready once /healthz answers: (port, master's pid)."""
    port = free_port()
    server_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers)}
    if not page_cache:
        server_env["PAGE_CACHE_SECONDS"] = "0"
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    with open(log_file, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if fetch(port, "/healthz", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError(f"gunicorn did not come up; see {log_file}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        # Quick shutdown: requests still queued from a slow page are dropped, not finished.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        end_database_sessions()


BARE_DJANGO = """from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(DEBUG=False, SECRET_KEY="calibration-only-" * 4, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__)


def index(request):
    return HttpResponse("ok\\n", content_type="text/plain")


urlpatterns = [path("", index)]
application = get_wsgi_application()
"""


def calibrate(directory, workers, duration):
    """A Django view without any middleware, in its own gunicorn: how fast this machine is.

    The performance targets were set where such a view serves about 4,000 requests per second.
    """
    (directory / "bare_django.py").write_text(BARE_DJANGO)
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "GUNICORN_"))}
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(directory), "-w", str(workers)]
    command += ["-b", f"127.0.0.1:{port}", "--max-requests", "0", "bare_django:application"]
    with open(directory / "calibration.log", "wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if fetch(port, "/", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError(f"the calibration server did not come up; see {directory / 'calibration.log'}")
            time.sleep(0.2)
        return run_wrk(port, "/", "calibration (no middleware)", duration, process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def end_database_sessions():
    """Queries of a stopped server's workers may still run in PostgreSQL: end them before the next measurement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )


def wait_until_idle(port, limit=120):
    """Requests still queued after wrk stops are finished before the next page is measured."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            fetch(port, BASELINE_PATH, timeout=limit)
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0


# Django in this process -------------------------------------------------------------------------


def setup_django(env):
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


class CacheCounter:
    """Calls to Django cache objects while in use, and the keys they read: one call is one round
    trip to Redis (get_many is one MGET). Calls a method makes of its own cache (get_or_set's get
    and add, a backend's get_many looping over get) are part of the outer call. Calls on the keys of
    the page cache itself (stored pages, the windows' next boundary, the list of networks) are left
    out: what a page reads besides it. The furniture kept with the page cache's generations
    (`pagecache.kept()`: a `page:part:` key with its `page:gen:` keys) is a read besides it."""

    READS = ("get", "get_many", "has_key", "get_or_set")
    WRITES = ("set", "set_many", "add", "delete", "delete_many", "incr", "decr", "touch", "clear")

    def __init__(self, caches):
        from core import pagecache

        self.caches = list(caches)
        self.ignore_prefix = (f"{pagecache.BODY_PREFIX}:", pagecache.WINDOWS_KEY, pagecache.NETWORKS_KEY)
        self.reads = self.keys_read = self.writes = 0
        self.names = {}  # the keys read, in order, once each
        self._depth = 0

    def _wrap(self, name, method):
        def counted(*args, **kwargs):
            outer = self._depth == 0
            self._depth += 1
            try:
                return method(*args, **kwargs)
            finally:
                self._depth -= 1
                if outer:
                    self._count(name, args[0] if args else kwargs.get("key", kwargs.get("keys")))

        return counted

    def _count(self, name, keys):
        if name in ("get_many", "set_many", "delete_many"):
            keys = list(keys or ())
        elif name == "clear":
            keys = [""]
        else:
            keys = [keys]
        keys = [key for key in keys if not (isinstance(key, str) and key.startswith(self.ignore_prefix))]
        if not keys:
            return
        if name in self.READS:
            self.reads += 1
            self.keys_read += len(keys)
            self.names.update(dict.fromkeys(map(str, keys)))
        else:
            self.writes += 1

    def __enter__(self):
        for cache in self.caches:
            for name in (*self.READS, *self.WRITES):
                setattr(cache, name, self._wrap(name, getattr(cache, name)))
        return self

    def __exit__(self, *exc_info):
        for cache in self.caches:
            for name in (*self.READS, *self.WRITES):
                with contextlib.suppress(AttributeError):
                    delattr(cache, name)  # the class's method again

    def __str__(self):
        reads = f"{self.reads} round trip{'s' if self.reads != 1 else ''}, {self.keys_read} key"
        reads += "s" if self.keys_read != 1 else ""
        return reads + (f"; {self.writes} write{'s' if self.writes != 1 else ''}" if self.writes else "")


def counting_caches():
    """A CacheCounter over every cache of the settings, as this thread sees them."""
    from django.conf import settings
    from django.core.cache import caches

    return CacheCounter(caches[alias] for alias in settings.CACHES)


def choose_paths(pages):
    """The URLs measured; they exist in the demo data already, so both data sets answer the same pages."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from news.models import NewsPost

    post = NewsPost.objects.published().filter(themes__isnull=False).order_by("-publish_at", "-pk").first()
    if post is None:
        raise BenchError("The demo has no published news post with a theme.")
    paths = {
        "baseline": BASELINE_PATH,
        "static": staticfiles_storage.url("css/site.css"),
        "home": "/",
        "news": "/nieuws/",
        "news_detail": post.get_absolute_url(),
        "directory": "/verenigingen/?netwerk=netwerk-tegen-armoede&provincie=antwerpen&thema=wonen",
        "agenda": "/agenda/",
        "search": "/zoeken/?q=armoede",
        "search_rare": f"/zoeken/?q={RARE_WORD}",
    }
    for page in pages:
        page.path = paths[page.key]


def count_queries(pages, data_set):
    """Queries of each page with the page cache off; on the demo data also with the page in the cache.

    The home page is requested once first, which fills the small per-host caches (the site's
    network); then each page is counted on its first request, the same way on both data sets.
    The calls to the caches (page cache left out) are counted on that request and on the next one.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0):
        Client().get("/", HTTP_HOST="127.0.0.1")
        for page in pages:
            with CaptureQueriesContext(connection) as queries, counting_caches() as first:
                response = Client().get(page.path, HTTP_HOST="127.0.0.1")
            if response.status_code != 200:
                raise BenchError(f"{page.path} answered {response.status_code} on the {data_set} data set")
            page.queries[data_set] = len(queries)
            page.sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
            if queries.captured_queries:
                slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
                page.slowest = (float(slowest["time"]) * 1000, slowest["sql"])
            # Only now: a request empties the connection's query log that `queries` reads.
            with counting_caches() as following:
                Client().get(page.path, HTTP_HOST="127.0.0.1")
            page.caches = {"first": first, "next": following}
            if page.key.startswith("search"):
                page.matches = search_matches(page.path)
    if data_set == "demo":
        # A page served from the cache does no work of its own, so its count is the same on any data set.
        for page in pages:
            Client().get(page.path, HTTP_HOST="127.0.0.1")
            with CaptureQueriesContext(connection) as queries:
                Client().get(page.path, HTTP_HOST="127.0.0.1")
            page.queries["cached"] = len(queries)


def search_matches(path):
    """What the site search finds for the query in `path`, per kind: "3 results (Nieuws 3)"."""
    from django.test import RequestFactory

    from core.search import run_search

    request = RequestFactory().get(path)
    groups = run_search(request, request.GET["q"])
    found = ", ".join(f"{group.kind.label} {group.count:,}" for group in groups if group.count)
    return f"{sum(group.count for group in groups):,} results ({found or 'none'})"


# Where the CPU of a page goes: cProfile in this process, each function's own time put in one part
# of the stack. Builtins (getattr, str.join, pickle.loads ...) count for the part that called them.
PARTS = (
    ("templates", "Django templates and template tags"),
    ("forms", "forms and widgets (their templates through Jinja2)"),
    ("orm", "the ORM building queries and model instances"),
    ("driver", "the database driver"),
    ("urls", "URL reversing and resolving"),
    ("i18n", "translations (and the thread-locals they read)"),
    ("cache", "cache clients (files in this process, Redis in the server)"),
    ("request", "request, response and middleware"),
    ("site", "the site's own code"),
    ("utils", "Django's utilities (escaping, lazy strings, dates)"),
    ("other", "the rest of Django and Python"),
)
PROFILE_REQUESTS = 30


AFTER_CHANGE_REQUESTS = 5


@dataclass
class Profile:
    cpu_ms: float  # CPU per request of this process without the profiler (best of three rounds)
    shares: dict  # part -> share of the profiled time
    after_change_ms: float | None = None  # CPU of the first request after a change anywhere (median)


def part_of(filename):
    """The part of the stack (PARTS) a function's own time counts for, by the file it is in."""
    path = filename.replace("\\", "/")
    site_packages = "/site-packages/" in path
    if "/jinja2/" in path or "/django/forms/" in path:
        return "forms"
    if "/django/template" in path or "/templatetags/" in path:
        return "templates"
    if "/django/db/models/" in path:
        return "orm"
    if "/django/db/" in path or "/psycopg" in path or "sqlite3" in path:
        return "driver"
    if "/django/urls/" in path:
        return "urls"
    if "/django/utils/translation/" in path or path.endswith(("/gettext.py", "/asgiref/local.py")):
        return "i18n"
    if "/django/core/cache/" in path or "/redis/" in path or path.endswith("/core/cache.py"):
        return "cache"
    if any(
        part in path
        for part in ("/django/core/handlers/", "/django/http/", "/django/middleware/", "/whitenoise/", "/allauth/")
    ) or path.endswith(("middleware.py", "/django/test/client.py")):
        return "request"
    if path.startswith(str(ROOT)) and not site_packages:
        return "site"
    if "/django/utils/" in path:
        return "utils"
    return "other"


def shares_of(stats):
    """{part: share of the total own time} from a pstats `stats` table (func -> cc, nc, tt, ct, callers)."""
    totals = dict.fromkeys((name for name, _label in PARTS), 0.0)
    for (filename, _line, _name), (_cc, _nc, own, _ct, callers) in stats.items():
        if filename == "~" and callers:
            # A builtin: its time goes to the parts of its callers, by what each caller spent in it.
            spent = {caller: values[2] for caller, values in callers.items()}
            whole = sum(spent.values()) or 1.0
            for caller, seconds in spent.items():
                totals[part_of(caller[0])] += own * seconds / whole
        else:
            totals[part_of(filename)] += own
    whole = sum(totals.values()) or 1.0
    return {name: seconds / whole for name, seconds in totals.items()}


def profile_pages(pages):
    """CPU per request of each page in this process, and the share of each part of the stack."""
    import cProfile
    import pstats

    from django.test import Client
    from django.test.utils import override_settings

    from core import pagecache, sites

    with override_settings(PAGE_CACHE_SECONDS=0):
        for page in pages:
            if page.key in ("baseline", "static"):
                continue
            client = Client()
            for _ in range(3):
                client.get(page.path, HTTP_HOST="127.0.0.1")
            # What a change anywhere costs the next request: every generation and the site's network
            # moved on, so the furniture kept per generation (menu, footer, filters) is built again.
            after_change = []
            for _ in range(AFTER_CHANGE_REQUESTS):
                pagecache.everything_changed()
                sites.forget_site_networks()
                started = time.process_time()
                client.get(page.path, HTTP_HOST="127.0.0.1")
                after_change.append((time.process_time() - started) * 1000)
            rounds = []
            for _ in range(3):
                started = time.process_time()
                for _ in range(PROFILE_REQUESTS):
                    client.get(page.path, HTTP_HOST="127.0.0.1")
                rounds.append((time.process_time() - started) / PROFILE_REQUESTS * 1000)
            profiler = cProfile.Profile(time.process_time)  # CPU: waiting for the database is not counted
            profiler.enable()
            for _ in range(PROFILE_REQUESTS):
                client.get(page.path, HTTP_HOST="127.0.0.1")
            profiler.disable()
            stats = pstats.Stats(profiler).stats
            page.profile = Profile(min(rounds), shares_of(stats), sorted(after_change)[len(after_change) // 2])


def data_counts():
    from associations.models import Association
    from events.models import Event
    from network.models import Network
    from news.models import NewsPost
    from newsletter.models import Subscriber

    return {
        "networks": Network.objects.count(),
        "associations": Association.objects.count(),
        "news posts": NewsPost.objects.count(),
        "events": Event.objects.count(),
        "subscribers": Subscriber.objects.count(),
    }


def prepare_database(pages, scale):
    from django.core.management import call_command
    from django.db import connections

    log("migrate, collectstatic")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log("load_demo; count queries on the demo data")
    call_command("load_demo", stdout=io.StringIO())
    choose_paths(pages)
    count_queries(pages, "demo")
    log(f"bench_data --scale {scale}")
    started = time.monotonic()
    call_command("bench_data", scale=scale, stdout=io.StringIO())
    data_seconds = time.monotonic() - started
    # Fresh statistics and visibility maps, as a database in service has them; otherwise autovacuum
    # would analyse the new rows in the middle of the measurements.
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts = data_counts()
    log(f"{counts} in {data_seconds:.0f} s; count queries on the large data")
    count_queries(pages, "large")
    log("profile each page in this process")
    profile_pages(pages)
    connections.close_all()
    return counts, data_seconds


# Measuring --------------------------------------------------------------------------------------


def sweep_workers(env, pages, directory):
    """Throughput of the baseline and of the uncached home page with 2, 3 and 4 workers."""
    paths = {page.key: page.path for page in pages}
    results = {}
    for workers in WORKER_CHOICES:
        with gunicorn(env, workers, page_cache=False, log_file=directory / "gunicorn.log") as (port, pid):
            results[workers] = {
                key: run_wrk(port, paths[key], f"{workers} workers, uncached {key}", SWEEP_SECONDS, pid)
                for key in ("baseline", "home")
            }
    return results


def pick_workers(results):
    """The fewest workers within 5% of the best summed throughput (each relative to its best) of baseline and home."""
    best = {key: max(result[key].rps for result in results.values()) or 1 for key in ("baseline", "home")}

    def score(workers):
        return sum(results[workers][key].rps / best[key] for key in best)

    top = max(score(workers) for workers in results)
    return min(workers for workers in results if score(workers) >= top * 0.95)


def measure(env, pages, workers, page_cache, duration, directory):
    """wrk on every page with the page cache off or on; with it off, also each page's weight."""
    mode = MODES[1] if page_cache else MODES[0]
    log_file = directory / "gunicorn.log"
    log_start = log_file.stat().st_size if log_file.exists() else 0
    with gunicorn(env, workers, page_cache, log_file) as (port, pid):
        for page in pages:
            # A first visitor: warms the worker up and, with the page cache on, stores the page.
            started = time.monotonic()
            try:
                status, headers, body = fetch(port, page.path)
            except OSError as error:
                status, headers, body = 0, {}, str(error).encode()
            page.first_seconds[mode] = time.monotonic() - started
            if status != 200:
                log(f"{mode:8} {page.label}: the first request failed ({status or body.decode()}); not measured")
                continue
            if page.key == "static":
                page.weight = Weight(0, 0, len(body), 0, 0)
            elif not page_cache:
                page.weight = weigh(port, headers, body)
            stored = page_cache and headers.get("X-Page-Cache") == "miss"
            if page.first_seconds[mode] > SLOW_SECONDS and not stored:
                log(f"{mode:8} {page.label}: one request takes {page.first_seconds[mode]:.1f} s; not put under wrk")
                continue
            page.runs[mode] = run_wrk(port, page.path, f"{mode:8} {page.label[:30]}", duration, pid)
            if page_cache:
                page.cache_header = fetch(port, page.path)[1].get("X-Page-Cache", "")
    # Workers recycled by max_requests (config/gunicorn.conf.py) during the pass: a new worker's start
    # takes CPU from the others, which shows in the p99 of the page measured at that moment.
    with open(log_file, "rb") as output:
        output.seek(log_start)
        return output.read().count(b"Booting worker") - workers


def run_wrk(port, path, label, duration, server_pid=None):
    """wrk on one page after a warm-up; measured again (within RETRIES per run) while others used the CPU."""
    global retries_left
    url = f"http://127.0.0.1:{port}{path}"
    best = None
    while True:
        wrk(url, WARM_UP_SECONDS)
        result = wrk(url, duration, server_pid)
        wait_until_idle(port)
        log(
            f"{label:39} {result.rps:8,.0f} req/s  p50 {result.p50:7.1f} ms  "
            f"p99 {result.p99:7.1f} ms  CPU/req {cpu_cell(result)} ms  others' CPU {result.others_cpu:4.0%}"
            + (f"  {result.errors} errors" if result.errors else "")
        )
        if best is None or result.others_cpu < best.others_cpu:
            best = result
        if best.others_cpu <= DISTURBED or retries_left <= 0:
            return best
        retries_left -= 1
        log(f"other processes used the CPU; measuring {label} again in {RETRY_PAUSE_SECONDS} s")
        time.sleep(RETRY_PAUSE_SECONDS)


# Report -----------------------------------------------------------------------------------------


def machine():
    cpu = "unknown"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    memory = "unknown"
    with contextlib.suppress(OSError, AttributeError):
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    system = platform.platform()
    with contextlib.suppress(OSError):
        name = re.search(r'^PRETTY_NAME="(.*)"', Path("/etc/os-release").read_text(), re.M)
        system = f"{name.group(1)}, Linux {platform.release()}" if name else system

    def version(command, pattern):
        with contextlib.suppress(OSError):
            completed = subprocess.run(command, capture_output=True, text=True)
            found = re.search(pattern, completed.stdout + completed.stderr)
            return found.group(1) if found else "unknown"
        return "unknown"

    import django
    import gunicorn as gunicorn_package

    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": memory,
        "OS": system,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": version([str(PG_BIN / "postgres"), "--version"], r"(\d+\.\d+)"),
        "Redis": version(["redis-server", "--version"], r"v=([\d.]+)"),
        "gunicorn": gunicorn_package.__version__,
        "wrk": version(["wrk", "--version"], r"wrk (\S+)"),
    }


def ms(value):
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def kb(value):
    return f"{value / 1024:.1f} KB"


def baselines(pages):
    return {mode: next(page for page in pages if page.key == "baseline").runs.get(mode) for mode in MODES}


def cpu_cell(run):
    """ "app / db" CPU ms per request of a run, "-" where unknown."""
    return " / ".join("-" if value is None else f"{value:.1f}" for value in (run.app_cpu_ms, run.db_cpu_ms))


def throughput_table(pages):
    baseline = baselines(pages)
    lines = [
        "| page | uncached req/s | CPU ms/req app / db | p50 ms | p99 ms | of baseline "
        "| cached req/s | CPU ms/req app / db | p50 ms | p99 ms | of baseline | cache | others' CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for page in pages:
        cells = [f"{page.label}<br>`{page.path}`"]
        for mode in MODES:
            run = page.runs.get(mode)
            if run is None:
                first = page.first_seconds.get(mode)
                cells += [f"not measured: one request {first:.1f} s" if first else "not measured", "-", "-", "-", "-"]
                continue
            errors = f" ({run.errors} errors)" if run.errors else ""
            cells += [f"{run.rps:,.0f}{errors}", cpu_cell(run), ms(run.p50), ms(run.p99)]
            cells.append(f"{run.ratio(baseline[mode]):.0%}")
        cells.append(page.cache_header or "-")
        cells.append(" / ".join(f"{run.others_cpu:.0%}" if (run := page.runs.get(mode)) else "-" for mode in MODES))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def queries_table(pages):
    lines = [
        "| page | queries, demo data | queries, large data | queries, cached | SQL ms, large "
        "| cache reads, first request | cache reads, next request | HTML | HTML sent | CSS sent | JS sent "
        "| icons sent |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        weight = page.weight or Weight(0, 0, 0, 0, 0)
        queries = [str(page.queries.get(key, "-")) for key in ("demo", "large", "cached")]
        caches = [str(page.caches[key]) if key in page.caches else "-" for key in ("first", "next")]
        sizes = [kb(weight.html), kb(weight.html_sent), kb(weight.css), kb(weight.js), kb(weight.other)]
        label = page.label + (f"<br>{page.matches}" if page.matches else "")
        lines.append("| " + " | ".join([label, *queries, ms(page.sql_ms), *caches, *sizes]) + " |")
    return "\n".join(lines)


def parts_legend():
    return "; ".join(f"{name}, {label}" for name, label in PARTS)


def profile_table(pages):
    lines = [
        "| page | CPU ms per request | after a change | " + " | ".join(name for name, _label in PARTS) + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in PARTS) + " |",
    ]
    for page in pages:
        if page.profile is not None:
            after = "-" if page.profile.after_change_ms is None else ms(page.profile.after_change_ms)
            shares = [f"{page.profile.shares[name]:.0%}" for name, _label in PARTS]
            lines.append(f"| {page.label} | {ms(page.profile.cpu_ms)} | {after} | " + " | ".join(shares) + " |")
    return "\n".join(lines)


def cache_keys(pages):
    """Which keys each page read on its next request, pages that read the same keys together."""
    groups = {}
    for page in pages:
        counter = page.caches.get("next")
        if counter is not None and counter.names:
            groups.setdefault(tuple(counter.names), []).append(page.label)
    if not groups:
        return "No page read a cache besides the page cache."
    return "\n".join(
        f"- {', '.join(labels)}: " + ", ".join(f"`{name}`" for name in names) for names, labels in groups.items()
    )


def target_text(target):
    parts = []
    if target.ratio is not None:
        parts.append(f"≥ {target.ratio:.0%} of the baseline's throughput")
    if target.p50_ms is not None:
        parts.append(f"p50 < {target.p50_ms:g} ms")
    if target.p99_ms is not None:
        parts.append(f"p99 < {target.p99_ms:g} ms")
    return ", ".join(parts)


def check_target(page, target, baseline):
    """(measured, met) of one page against one Target, from its run in the target's mode."""
    run = page.runs.get(target.mode)
    if run is None:
        first = page.first_seconds.get(target.mode)
        return (f"not measured: one request took {first:.1f} s" if first else "not measured"), False
    ratio = run.ratio(baseline)
    met = not run.errors
    measured = [f"{ratio:.0%} of baseline", f"p50 {ms(run.p50)} ms", f"p99 {ms(run.p99)} ms"]
    if target.ratio is not None:
        met = met and ratio >= target.ratio
    if target.p50_ms is not None:
        met = met and run.p50 < target.p50_ms
    if target.p99_ms is not None:
        met = met and run.p99 < target.p99_ms
    measured.append(f"CPU {cpu_cell(run)} ms/req app / db")
    if run.errors:
        measured.append(f"{run.errors} errors")
    note = " (not from the page cache)" if target.mode == "cached" and page.cache_header != "hit" else ""
    return ", ".join(measured) + note, met


def evaluate(pages, targets=TARGETS):
    """[(target, measured, met)] for the performance targets."""
    by_key = {page.key: page for page in pages}
    baseline = baselines(pages)
    rows = []
    for target in targets:
        for key in target.keys:
            page = by_key[key]
            measured, met = check_target(page, target, baseline[target.mode])
            rows.append((f"{target.mode} {page.label}: {target_text(target)}", measured, met))
    differing = [
        f"{p.label} ({p.queries.get('demo')} → {p.queries.get('large')})"
        for p in pages
        if p.queries.get("demo") != p.queries.get("large")
    ]
    rows.append(
        (
            "queries per page independent of data size (demo data = large data)",
            "equal on every page" if not differing else "differ on " + ", ".join(differing),
            not differing,
        )
    )
    home = by_key["home"].weight
    if home is not None:
        rows.append(
            (
                f"home page ≤ {HOME_BUDGET_BYTES // 1024} KB transferred before content images",
                f"{kb(home.total_sent)} (HTML {kb(home.html_sent)}, CSS {kb(home.css)}, JS {kb(home.js)}, "
                f"icons {kb(home.other)})",
                home.total_sent <= HOME_BUDGET_BYTES,
            )
        )
    return rows


def targets_table(rows):
    lines = ["| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in rows]
    return "\n".join(lines)


def sweep_table(results, chosen):
    if not results:
        return f"Workers given on the command line: {chosen}."
    lines = [
        f"Each {SWEEP_SECONDS} s of wrk with the page cache off. Chosen: **{chosen}**, the fewest workers within 5% "
        "of the best summed throughput of baseline and home (each relative to its best).",
        "",
        "| workers | baseline req/s | baseline p99 ms | uncached home req/s | home p99 ms | others' CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for workers, result in results.items():
        base, home = result["baseline"], result["home"]
        others = max(base.others_cpu, home.others_cpu)
        lines.append(
            f"| {workers} | {base.rps:,.0f} | {ms(base.p99)} | {home.rps:,.0f} | {ms(home.p99)} | {others:.0%} |"
        )
    return "\n".join(lines)


def slowest_queries(pages):
    lines = ["| page | ms | query |", "| --- | ---: | --- |"]
    for page in pages:
        if page.slowest:
            elapsed, sql = page.slowest
            text = " ".join(sql.split()).replace("|", "\\|")
            text = text if len(text) <= 300 else text[:300] + " …"
            lines.append(f"| {page.label} | {ms(elapsed)} | `{text}` |")
    return "\n".join(lines)


def disturbance(pages, sweep):
    """A sentence on how much other processes used the CPU during the measurements."""
    runs = [run for page in pages for run in page.runs.values()]
    runs += [run for result in sweep.values() for run in result.values()]
    if not runs:
        return ""
    worst = max(run.others_cpu for run in runs)
    mean = sum(run.others_cpu for run in runs) / len(runs)
    sentence = f"Other processes used {mean:.0%} of the machine's CPU on average while wrk ran, {worst:.0%} at most"
    if worst > 0.10:
        return sentence + ": the machine was not quiet, and throughput is lower than it would be on a quiet one."
    return sentence + "."


def report(context):
    pages = context["pages"]
    calibration = context["calibration"]
    rows = evaluate(pages)
    missed = [target for target, _measured, met in rows if not met]
    data = " · ".join(f"{count:,} {name}" for name, count in context["counts"].items())
    info = {
        **context["machine"],
        "load average before the run": f"{context['load']:.2f}",
        "speed of the machine": f"{calibration.rps:,.0f} req/s, p99 {ms(calibration.p99)} ms for a Django view "
        f"without any middleware, with the same wrk and workers ({cpu_cell(calibration).split(' / ')[0]} CPU ms "
        f"per request; others' CPU {calibration.others_cpu:.0%}); "
        "the targets below assume about 4,000",
        "server": f"gunicorn, {context['workers']} sync workers, production settings (DEBUG off, "
        "`DJANGO_HTTPS=0` on loopback), cache in Redis"
        + (f"; `GUNICORN_CMD_ARGS={gunicorn_args}`" if (gunicorn_args := os.environ.get("GUNICORN_CMD_ARGS")) else ""),
        "database": "throwaway PostgreSQL cluster on the same machine (tests/pgcluster.py, fsync off)",
        "load generator": f"wrk `-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{context['duration']}s --latency` on the "
        f"same machine, after one request and a {WARM_UP_SECONDS} s warm-up per page",
    }
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in info.items())
    summary = (
        f"Every target is met (at {WRK_CONNECTIONS} connections)."
        if not missed
        else f"**{len(missed)} of {len(rows)} targets are not met** (see Targets and the notes at the end)."
    )
    return f"""# Benchmarks

Measured by `make bench` (`scripts/bench.py`) on {context["date"]}; the run took {context["minutes"]}.
{summary} {disturbance(pages, context["sweep"])}

## Machine

| | |
| --- | --- |
{machine_rows}

Data: {data} (`manage.py bench_data`, {context["data_seconds"]:.0f} s).

## Throughput and latency

Uncached: `PAGE_CACHE_SECONDS=0`, every request renders the page. Cached: the page cache as
configured by default; "cache" is the `X-Page-Cache` header of a request after the run. "of
baseline" compares with the bare view measured in the same server and mode. A page whose
first request takes over {SLOW_SECONDS:.0f} s is not put under wrk. "others' CPU": the share of the
machine's CPU that processes other than the benchmark's used during the run (uncached / cached);
a run above {DISTURBED:.0%} is repeated after a pause (at most {RETRIES} times in all) and the least
disturbed one kept. "CPU ms/req": server-side CPU time per request wrk completed, from
`/proc/<pid>/stat` before and after the run: app, the gunicorn workers (user + system, with the
workers recycled meanwhile); db, every process of the PostgreSQL cluster.

{throughput_table(pages)}

gunicorn recycled workers (`max_requests`) {context["restarts"]["uncached"]} times while the pages were
measured uncached and {context["restarts"]["cached"]} times cached; a starting worker takes CPU from the others.

## Queries and weight

Queries per request with the page cache off, counted with Django's test client on the demo data
and on the large data, and with the page in the cache. Cache reads: calls to the caches other than
for stored pages (each one round trip to Redis; the furniture kept with the page cache's generations,
`page:part:` and `page:gen:` keys, included) and the keys they read, on the large data with the
page cache off, in the request the queries were counted on and in the next one (writes, if any,
after the semicolon). Search pages say what they found. Sizes: HTML as rendered and as sent
(`Accept-Encoding: br, gzip`), and the stylesheets, scripts and icons the page links, as sent.

{queries_table(pages)}

The keys read besides the page cache's, on the next request:

{cache_keys(pages)}

## Where the CPU goes

Each page in the benchmark's own process (Django's test client, the large data, the page cache off,
a file cache instead of Redis): its CPU milliseconds per request without a profiler (the best of three
rounds of {PROFILE_REQUESTS} requests), then the share of each part of the stack in a cProfile of the
CPU time of {PROFILE_REQUESTS} more requests (waiting for the database is not in it), by the file each
function is in; a builtin (`getattr`, `str.join`, unpickling) counts for the part that called it.
The parts: {parts_legend()}. "After a change": the CPU of the first request after a change anywhere on
the site (every generation and the site's network moved on, so the furniture kept per generation is
built again; the median of {AFTER_CHANGE_REQUESTS}).
PostgreSQL's own CPU is not in these numbers (see "db" above).

{profile_table(pages)}

The slowest query of each page on the large data (page cache off), for whoever makes it faster:

{slowest_queries(pages)}

## Targets

{targets_table(rows)}

## Workers

{sweep_table(context["sweep"], context["workers"])}

## How to run

```sh
make bench                                        # rewrites this file, keeps its Notes
make bench BENCH_ARGS="--workers 3 --duration 5"  # skip the worker comparison, shorter runs
make bench BENCH_ARGS="--scale 0.05 --workers 2 --duration 2 --no-output"  # a quick try, prints only
```

`make bench` needs the PostgreSQL 15 server binaries, `wrk` and `redis-server` (Debian packages,
installed when run as root) and a quiet machine: other processes on the same cores lower every
number, so the load average before the run is recorded above. CPU milliseconds per request
come from `/proc/<pid>/stat` (Linux only): the CPU time of the gunicorn master's children (and,
for db, of the PostgreSQL postmaster's), before and after each wrk run, divided by the requests
wrk completed; other load on the machine moves them less than it moves req/s. The rare search
word (`RARE_WORD` in `scripts/bench.py`, "tandarts") is in three of the demo's example posts and
two of its campaigns and in none of bench_data's texts, so it finds 5 results at any `--scale`;
the Queries table says what each search found.
"""


def write_report(path, text):
    notes = "## Notes\n\nNone yet.\n"
    if path.exists():
        previous = path.read_text()
        if "\n## Notes\n" in previous:
            notes = previous[previous.index("\n## Notes\n") + 1 :]
    path.write_text(text + "\n" + notes)


# Main -------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per page (default 10).")
    parser.add_argument("--workers", type=int, help="gunicorn workers; without it 2, 3 and 4 are compared.")
    parser.add_argument("--scale", type=float, default=1.0, help="Size of the data set for bench_data (default 1).")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="The report to write.")
    parser.add_argument("--no-output", action="store_true", help="Print the report only.")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    for command in ("wrk", "redis-server"):
        if not shutil.which(command):
            raise BenchError(f"{command} is missing: apt-get install {command}")
    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"the load average is {load:.2f}: other processes compete for the cores, numbers will be lower")
    pages = pages_to_measure()
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary, PostgresCluster() as cluster:
        directory = Path(temporary)
        CPU.add_postgres(cluster.data)
        with redis_server(directory) as redis_url:
            env = {
                **os.environ,
                "DATABASE_URL": cluster.url,
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_DEBUG": "0",
                "DJANGO_HTTPS": "0",
                "DJANGO_BENCH_BASELINE": "1",
                "DJANGO_MEDIA_ROOT": str(directory / "media"),
                # This process counts queries with a cache of its own (files without REDIS_URL).
                "DJANGO_CACHE_DIR": str(directory / "cache"),
                "DJANGO_LOG_LEVEL": "WARNING",
            }
            for name in ("REDIS_URL", "PAGE_CACHE_SECONDS", "WEB_CONCURRENCY"):
                env.pop(name, None)
            setup_django(env)
            counts, data_seconds = prepare_database(pages, args.scale)
            server_env = {**env, "REDIS_URL": redis_url}
            sweep, workers = {}, args.workers
            if workers is None:
                log(f"comparing {', '.join(map(str, WORKER_CHOICES))} gunicorn workers")
                sweep = sweep_workers(server_env, pages, directory)
                workers = pick_workers(sweep)
            log(f"calibration: a Django view without middleware, {workers} workers")
            calibration = calibrate(directory, workers, args.duration)
            restarts = {}
            for page_cache, mode in zip((False, True), MODES, strict=True):
                log(f"{workers} workers, page cache {'on' if page_cache else 'off'}")
                restarts[mode] = measure(server_env, pages, workers, page_cache, args.duration, directory)
    seconds = time.monotonic() - STARTED
    text = report(
        {
            "machine": machine(),
            "pages": pages,
            "counts": counts,
            "data_seconds": data_seconds,
            "sweep": sweep,
            "workers": workers,
            "restarts": restarts,
            "calibration": calibration,
            "duration": args.duration,
            "load": load,
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "minutes": f"{int(seconds // 60)} min {int(seconds % 60)} s",
        }
    )
    print(text)
    if not args.no_output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        write_report(args.output, text)
        log(f"written to {args.output}")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        raise SystemExit(f"bench: {error}") from None
