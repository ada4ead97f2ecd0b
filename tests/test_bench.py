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


def test_bench_data_fills_to_scale_with_derived_fields_and_the_measured_pages_answer(client):
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


def test_the_bench_script_reads_wrks_latency_distribution(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench", Path(__file__).parent.parent / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench", bench)  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    result = bench.parse_wrk(WRK_OUTPUT)
    assert (result.rps, result.requests) == (1536.40, 15375)
    assert (result.p50, result.p75, result.p99) == (0.85, 11.32, 1130.0)
    # Sync workers close connections, which wrk may count as read errors; timeouts and non-2xx count.
    assert result.errors == 5
