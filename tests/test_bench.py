"""`make bench` does not rot: bench_data at a small scale, the baseline view, wrk's output read back."""

import importlib
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import clear_url_caches

from associations.models import Association
from core.management.commands.bench_data import SIZES
from events.models import Event
from network.models import Network
from news.models import NewsPost
from newsletter.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db

# Small enough for a quick test, large enough that every kind is topped up beyond the demo's own rows.
SCALE = 0.07
EXPECTED = {name: round(size * SCALE) for name, size in SIZES.items()}


def bench_data():
    call_command("bench_data", scale=SCALE, stdout=io.StringIO())


def test_bench_data_fills_to_scale_with_derived_fields_and_the_measured_pages_answer(client, bench):
    bench_data()
    assert Network.objects.count() == 3
    assert Association.objects.count() == EXPECTED["associations"] == 70
    assert NewsPost.objects.count() == EXPECTED["news"] == 700
    assert Event.objects.count() == EXPECTED["events"] == 70
    assert Subscriber.objects.count() == EXPECTED["subscribers"] == 3_500
    # What save() would have derived, filled by the command itself.
    assert not Association.objects.filter(province="").exists()
    assert not Association.objects.filter(latitude__isnull=True).exists()  # on the map, and near me
    for event in Event.objects.filter(is_example=True)[:20]:
        assert (event.starts_at, event.ends_at) == event._moments()
        assert event.end_date is not None
    # Some posts name an association of their own network (linked by the associations' part).
    links = NewsPost.associations.through.objects.select_related("newspost", "association")
    assert links.exists()
    assert all(link.newspost.network_id == link.association.network_id for link in links)
    generated = Subscriber.objects.filter(email__endswith="@voorbeeld.example")
    assert Subscription.objects.filter(subscriber__in=generated).count() >= generated.count()

    expected_counts = {
        "/nieuws/": NewsPost.objects.published().count(),
        "/verenigingen/": Association.objects.active().count(),
        "/agenda/": Event.objects.published().upcoming().count(),
    }
    for path, count in expected_counts.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.context["page"].paginator.count == count, path
    post = NewsPost.objects.published().filter(themes__isnull=False).latest("publish_at")
    association = Association.objects.active().filter(is_example=True).last()
    event = Event.objects.published().upcoming().last()
    for path in [
        "/",
        post.get_absolute_url(),
        association.get_absolute_url(),
        event.get_absolute_url(),
        "/verenigingen/?netwerk=netwerk-tegen-armoede&provincie=antwerpen&thema=wonen",
        "/zoeken/?q=armoede",
        "/agenda/archief/",
    ]:
        assert client.get(path).status_code == 200, path

    # The rare word of the second search page finds a handful (3 demo posts, 2 demo campaigns), at any scale.
    response = client.get(f"/zoeken/?q={bench.RARE_WORD}")
    assert response.status_code == 200
    assert [(group.kind.slug, group.count) for group in response.context["groups"] if group.count] == [
        ("nieuws", 3),
        ("acties", 2),
    ]

    bench_data()  # a second run finds the totals reached and adds nothing
    assert (NewsPost.objects.count(), Subscriber.objects.count()) == (700, 3_500)


def test_bench_data_refuses_a_database_with_real_subscribers():
    Subscriber.objects.create(email="lezer@gmail.com")
    with pytest.raises(CommandError, match="real addresses"):
        bench_data()
    assert not NewsPost.objects.exists()


@pytest.fixture
def baseline_url(settings):
    import config.urls

    def reload(enabled):
        settings.BENCH_BASELINE = enabled
        importlib.reload(config.urls)
        clear_url_caches()

    reload(True)
    yield "/bench/baseline/"
    reload(False)


def test_the_baseline_view_answers_without_a_query_only_when_mounted(client, baseline_url, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(baseline_url)
    assert response.status_code == 200 and response.content == b"ok\n"


def test_the_baseline_view_is_not_mounted_by_default(client):
    assert client.get("/bench/baseline/").status_code == 404


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.41ms    2.60ms    1.13s    81.33%
    Req/Sec   771.44     51.79     0.88k    73.00%
  Latency Distribution
     50%  850.00us
     75%   11.32ms
     90%   13.18ms
     99%    1.13s
  15375 requests in 10.01s, 96.29MB read
  Socket errors: connect 0, read 12, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   1536.40
Transfer/sec:      9.62MB
"""


@pytest.fixture
def bench(monkeypatch):
    """scripts/bench.py as a module."""
    spec = importlib.util.spec_from_file_location("bench", Path(__file__).parent.parent / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_bench_script_reads_wrks_latency_distribution(bench):
    result = bench.parse_wrk(WRK_OUTPUT)
    assert (result.rps, result.requests) == (1536.40, 15375)
    assert (result.p50, result.p75, result.p99) == (0.85, 11.32, 1130.0)
    # Sync workers close connections, which wrk may count as read errors; timeouts and non-2xx count.
    assert result.errors == 5


def stat(pid, parent, utime, stime, cutime=0, cstime=0, name="gunicorn: worker [config.wsgi]"):
    """The text of /proc/<pid>/stat with the fields bench.py reads (the rest zeros)."""
    rest = " ".join(["0"] * 9)  # pgrp .. cmajflt: fields 5 to 13
    return f"{pid} ({name}) S {parent} {rest} {utime} {stime} {cutime} {cstime} 20 0 1 0 0 0 0\n"


def test_process_cpu_is_read_from_proc_stat_even_with_a_parenthesis_in_the_name(bench):
    assert bench.parse_stat(stat(101, 100, 1200, 340, 5, 6, name="odd) name (x")) == (100, 1200, 340, 5, 6)


def test_cpu_per_request_counts_the_servers_workers_and_those_recycled_between_the_samples(bench):
    before = {
        1: (0, 0, 0, 0, 0),
        100: (1, 900, 900, 40, 10),  # the master: its own ticks do not count, its ended children's do
        101: (100, 300, 100, 0, 0),
        102: (100, 250, 50, 0, 0),
        200: (1, 5000, 5000, 0, 0),  # another process on the machine
    }
    after = {
        1: (0, 0, 0, 0, 0),
        100: (1, 990, 990, 40 + 380, 10 + 120),  # worker 101 was recycled: 380 + 120 ticks in all
        102: (100, 450, 90, 0, 0),
        103: (102, 20, 10, 0, 0),  # a child of a worker counts as well
        104: (100, 70, 30, 0, 0),  # the new worker
        200: (1, 9000, 9000, 0, 0),
    }
    first, second = bench.tree_ticks(before, 100), bench.tree_ticks(after, 100)
    assert (first, second) == (50 + 400 + 300, 550 + 540 + 30 + 100)
    # 470 ticks of 10 ms (100 per second) over 940 requests: 5 ms each.
    assert bench.cpu_ms_per_request(first, second, 940, tick=100) == 5.0
    assert bench.tree_ticks(after, 999) is None
    assert bench.cpu_ms_per_request(None, second, 940, tick=100) is None
    assert bench.cpu_ms_per_request(first, second, 0, tick=100) is None


def test_the_cache_counter_counts_calls_and_keys_read_leaving_the_page_cache_out_but_not_furniture(bench):
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache("bench-counter", {})
    cache.set("menu", [1, 2])
    with bench.CacheCounter([cache]) as counter:
        assert cache.get("menu") == [1, 2]
        assert cache.get_many(["menu", "networks", "themes"]) == {"menu": [1, 2]}
        assert cache.get_or_set("version", 1) == 1  # its own get and add are part of this one call
        cache.get("page:body:v3:abc")  # the page cache's own keys are not counted
        cache.get_many(["page:windows", "page:networks"])
        cache.get_many(["page:part:menu", "page:gen:site"])  # furniture kept with its generations is
        cache.set("partners", [])
    assert (counter.reads, counter.keys_read, counter.writes) == (4, 7, 1)
    assert str(counter) == "4 round trips, 7 keys; 1 write"
    cache.get("menu")  # after the block the cache is not counted any more
    assert counter.reads == 4 and "get" not in vars(cache)
    assert list(counter.names) == ["menu", "networks", "themes", "version", "page:part:menu", "page:gen:site"]
    with bench.CacheCounter([cache]) as quiet:
        cache.get("menu")
    assert str(quiet) == "1 round trip, 1 key"


def run(bench, rps, p50=5.0, p99=10.0, errors=0):
    return bench.WrkResult(rps, p50, p50, p99, p99, int(rps * 10), errors, app_cpu_ms=2.5, db_cpu_ms=0.5)


def test_the_targets_are_issue_23s_against_the_baseline_of_the_same_mode(bench):
    pages = {page.key: page for page in bench.pages_to_measure()}
    pages["baseline"].runs = {"uncached": run(bench, 2000), "cached": run(bench, 1000)}
    uncached = {
        "home": run(bench, 200, p99=99),  # 10%: met
        "news": run(bench, 199, p99=50),  # 9.95%: not met
        "directory": run(bench, 300, p99=100),  # p99 not under 100 ms: not met
        "news_detail": run(bench, 140, p99=900),  # 7%, and no p99 target for it: met
        "agenda": run(bench, 139),  # not met
        "search": run(bench, 50, p50=99, p99=299),  # met: only latency counts
        "search_rare": run(bench, 500, p50=100, p99=20),  # p50 not under 100 ms: not met
    }
    for key, result in uncached.items():
        pages[key].runs["uncached"] = result
        pages[key].runs["cached"] = run(bench, 800, p99=19.9)  # 80%: met
        pages[key].cache_header = "hit"
    pages["agenda"].runs["cached"] = run(bench, 900, p99=20)  # p99 not under 20 ms
    pages["search"].runs["cached"] = run(bench, 900, errors=1)  # errors never meet a target
    del pages["search_rare"].runs["cached"]
    pages["search_rare"].first_seconds["cached"] = 6.0
    for page in pages.values():
        page.queries = {"demo": 7, "large": 7}
    pages["news"].queries["large"] = 8
    pages["home"].weight = bench.Weight(50_000, 20_000, 30_000, 10_000, 2_000)

    rows = bench.evaluate(list(pages.values()))
    met = {target: ok for target, _measured, ok in rows}
    assert met == {
        "uncached Home: ≥ 10% of the baseline's throughput, p99 < 100 ms": True,
        "uncached News list: ≥ 10% of the baseline's throughput, p99 < 100 ms": False,
        "uncached Directory with filters: ≥ 10% of the baseline's throughput, p99 < 100 ms": False,
        "uncached News post: ≥ 7% of the baseline's throughput": True,
        "uncached Calendar: ≥ 7% of the baseline's throughput": False,
        "uncached Search, rare word (tandarts): p50 < 100 ms, p99 < 300 ms": False,
        "uncached Search, common word (armoede): p50 < 100 ms, p99 < 300 ms": True,
        "cached Home: ≥ 80% of the baseline's throughput, p99 < 20 ms": True,
        "cached News list: ≥ 80% of the baseline's throughput, p99 < 20 ms": True,
        "cached News post: ≥ 80% of the baseline's throughput, p99 < 20 ms": True,
        "cached Directory with filters: ≥ 80% of the baseline's throughput, p99 < 20 ms": True,
        "cached Calendar: ≥ 80% of the baseline's throughput, p99 < 20 ms": False,
        "cached Search, common word (armoede): ≥ 80% of the baseline's throughput, p99 < 20 ms": False,
        "cached Search, rare word (tandarts): ≥ 80% of the baseline's throughput, p99 < 20 ms": False,
        "queries per page independent of data size (demo data = large data)": False,
        "home page ≤ 100 KB transferred before content images": True,
    }
    measured = {target: text for target, text, _ok in rows}
    assert measured["uncached Home: ≥ 10% of the baseline's throughput, p99 < 100 ms"] == (
        "10% of baseline, p50 5.0 ms, p99 99.0 ms, CPU 2.5 / 0.5 ms/req app / db"
    )
    assert measured["cached Search, common word (armoede): ≥ 80% of the baseline's throughput, p99 < 20 ms"] == (
        "90% of baseline, p50 5.0 ms, p99 10.0 ms, CPU 2.5 / 0.5 ms/req app / db, 1 errors"
    )
    assert measured["cached Search, rare word (tandarts): ≥ 80% of the baseline's throughput, p99 < 20 ms"] == (
        "not measured: one request took 6.0 s"
    )
    assert measured["queries per page independent of data size (demo data = large data)"] == (
        "differ on News list (7 → 8)"
    )
    table = bench.throughput_table(list(pages.values()))
    assert "| 200 | 2.5 / 0.5 | 5.0 | 99.0 | 10% |" in table


def test_the_queries_table_gives_each_pages_cache_reads_and_what_a_search_found(bench):
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache("bench-table", {})
    with bench.CacheCounter([cache]) as first:
        cache.get_many(["networks", "menu"])
        cache.set("menu", [])
    with bench.CacheCounter([cache]) as following:
        cache.get_many(["networks", "menu"])
    page = bench.Page("search_rare", "Search, rare word (tandarts)", queries={"demo": 5, "large": 5, "cached": 0})
    page.caches = {"first": first, "next": following}
    page.matches = "3 results (Nieuws 3)"
    other = bench.Page("news", "News list")
    other.caches = {"next": following}
    assert bench.cache_keys([page, other, bench.Page("baseline", "Bare")]) == (
        "- Search, rare word (tandarts), News list: `networks`, `menu`"
    )
    assert bench.cache_keys([bench.Page("baseline", "Bare")]) == "No page read a cache besides the page cache."
    table = bench.queries_table([page])
    assert (
        "| Search, rare word (tandarts)<br>3 results (Nieuws 3) | 5 | 5 | 0 | 0.0 "
        "| 1 round trip, 2 keys; 1 write | 1 round trip, 2 keys |"
    ) in table


def test_the_profile_puts_each_functions_own_time_in_one_part_of_the_stack(bench):
    venv = "/srv/app/.venv/lib/python3.11/site-packages"
    root = str(bench.ROOT)
    assert bench.part_of(f"{venv}/django/template/base.py") == "templates"
    assert bench.part_of(f"{root}/core/templatetags/timestamps.py") == "templates"
    assert bench.part_of(f"{venv}/jinja2/runtime.py") == "forms"
    assert bench.part_of(f"{venv}/django/forms/boundfield.py") == "forms"
    assert bench.part_of(f"{venv}/django/db/models/sql/compiler.py") == "orm"
    assert bench.part_of(f"{venv}/django/db/backends/utils.py") == "driver"
    assert bench.part_of(f"{venv}/psycopg/cursor.py") == "driver"
    assert bench.part_of(f"{venv}/django/urls/resolvers.py") == "urls"
    assert bench.part_of(f"{venv}/asgiref/local.py") == "i18n"
    assert bench.part_of(f"{venv}/redis/connection.py") == "cache"
    assert bench.part_of(f"{root}/core/cache.py") == "cache"
    assert bench.part_of(f"{venv}/django/middleware/csrf.py") == "request"
    assert bench.part_of(f"{root}/core/middleware.py") == "request"
    assert bench.part_of(f"{root}/news/views.py") == "site"
    assert bench.part_of(f"{venv}/django/utils/functional.py") == "utils"
    assert bench.part_of(f"{venv}/django/apps/registry.py") == "other"
    assert bench.part_of("/usr/lib/python3.11/copy.py") == "other"


def test_a_builtins_time_counts_for_the_parts_that_called_it(bench):
    root = str(bench.ROOT)
    template = ("/x/site-packages/django/template/base.py", 1, "resolve")
    compiler = ("/x/site-packages/django/db/models/sql/compiler.py", 2, "as_sql")
    view = (f"{root}/news/views.py", 3, "news_list")
    getattr_ = ("~", 0, "<built-in method builtins.getattr>")
    stats = {
        template: (1, 1, 0.3, 0.6, {}),
        compiler: (1, 1, 0.2, 0.3, {}),
        view: (1, 1, 0.1, 1.0, {}),
        # 0.4 s in getattr: 0.3 of it called from the template engine, 0.1 from the ORM.
        getattr_: (9, 9, 0.4, 0.4, {template: (6, 6, 0.3, 0.3), compiler: (3, 3, 0.1, 0.1)}),
    }
    shares = bench.shares_of(stats)
    assert shares["templates"] == pytest.approx(0.6)
    assert shares["orm"] == pytest.approx(0.3)
    assert shares["site"] == pytest.approx(0.1)
    assert shares["driver"] == 0.0
    assert list(shares) == [name for name, _label in bench.PARTS]


def test_the_profile_table_gives_cpu_per_request_and_the_shares(bench):
    page = bench.Page("home", "Home")
    shares = {name: 0.0 for name, _label in bench.PARTS} | {"templates": 0.5, "orm": 0.5}
    page.profile = bench.Profile(7.25, shares, after_change_ms=9.5)
    table = bench.profile_table([page, bench.Page("baseline", "Bare")])
    assert table.splitlines()[0].startswith("| page | CPU ms per request | after a change | templates | forms | orm |")
    assert table.splitlines()[2] == "| Home | 7.2 | 9.5 | 50% | 0% | 50% | 0% | 0% | 0% | 0% | 0% | 0% | 0% | 0% |"
    assert len(table.splitlines()) == 3  # a page without a profile (the bare view) has no row


def test_profile_pages_measures_each_page_but_the_bare_view(bench, monkeypatch):
    monkeypatch.setattr(bench, "PROFILE_REQUESTS", 2)
    pages = [bench.Page("baseline", "Bare", path="/bench/baseline/"), bench.Page("news", "News list", path="/nieuws/")]
    bench.profile_pages(pages)
    assert pages[0].profile is None
    profile = pages[1].profile
    assert profile.cpu_ms > 0
    assert sum(profile.shares.values()) == pytest.approx(1.0)
    assert profile.shares["templates"] > 0 and profile.shares["request"] > 0
    assert profile.after_change_ms > 0
