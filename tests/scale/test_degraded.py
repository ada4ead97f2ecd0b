"""Without Redis or PostgreSQL the site degrades instead of failing (in this process; the same
against real app servers is in test_two_servers.py and test_postgres_restart.py)."""

import logging
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, ProgrammingError
from django.test import Client, RequestFactory

import core.cache
from core import ratelimit
from core.cache import CacheUnavailable
from network.models import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_server, monkeypatch):
    """The site's Redis cache settings, pointed at the test's redis-server; retried at once."""
    monkeypatch.setattr(core.cache, "RETRY_SECONDS", 0)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "site",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    if not redis_server.answers():
        redis_server.start()


def test_an_unreachable_redis_answers_like_an_empty_cache_and_says_so_once(redis_cache, redis_server, caplog):
    redis_cache.set("page", "html")
    redis_cache.set("counter", 1)
    assert redis_cache.get("page") == "html"

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert redis_cache.get("page") is None
        assert redis_cache.get("page", "default") == "default"
        assert redis_cache.get_many(["page", "counter"]) == {}
        assert redis_cache.add("new", 1) is False
        assert redis_cache.set("page", "other") is None
        assert redis_cache.set_many({"a": 1}) == ["a"]
        assert redis_cache.delete("page") is False
        assert redis_cache.has_key("page") is False
        assert redis_cache.get_or_set("lookup", lambda: "from the database") == "from the database"
        with pytest.raises(CacheUnavailable):
            redis_cache.incr("counter")
        with pytest.raises(ValueError, match="unreachable"):
            redis_cache.decr("counter")
    messages = [record.getMessage().split(":")[0] for record in caplog.records]
    assert messages == ["Cache unreachable, serving without it"]

    redis_server.start()  # empty: this redis-server keeps nothing on disk
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        redis_cache.set("page", "fresh")
        assert redis_cache.get("page") == "fresh"
    assert [record.getMessage() for record in caplog.records] == ["Cache reachable again"]


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_cache, redis_server):
    client = redis_cache._cache.get_client()
    redis_cache.set("page", "html")
    assert redis_cache._cache.get_client(write=True) is client is redis_cache._cache.get_client()

    redis_server.stop()
    assert redis_cache.get("page") is None
    redis_server.start()

    redis_cache.set("page", "again")
    assert redis_cache.get("page") == "again"
    assert redis_cache._cache.get_client() is client


def test_while_redis_is_down_a_worker_does_not_try_it_for_every_call(redis_cache, redis_server, monkeypatch):
    redis_server.stop()
    monkeypatch.setattr(core.cache, "RETRY_SECONDS", 60)
    assert redis_cache.get("x") is None
    with mock.patch("django.core.cache.backends.redis.RedisCache.get") as get:
        for _ in range(10):
            assert redis_cache.get("x", "default") == "default"
    assert get.call_count == 0


def test_rate_limits_let_attempts_through_while_redis_is_down(redis_cache, redis_server, settings, caplog):
    settings.RATE_LIMITS = {"subscription": {"ip": (1, 3600), "address": (1, 3600)}}
    request = RequestFactory().post("/nieuwsbrief/", REMOTE_ADDR="192.0.2.1")
    assert ratelimit.allow(request, "subscription", email="a@example.org")
    assert not ratelimit.allow(request, "subscription", email="a@example.org"), "counted in Redis"

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert ratelimit.allow(request, "subscription", email="a@example.org")
        assert ratelimit.allow(request, "subscription", email="a@example.org")
    assert "Rate limit subscription/ip not counted: the cache is unreachable" in caplog.text


@pytest.fixture
def network():
    return Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )


def database_down():
    """Every query fails as it does while PostgreSQL is down."""
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    )


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(network, caplog):
    client = Client(raise_request_exception=False)
    with database_down(), caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/nieuws/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<h1>" in page and 'lang="nl"' in page
    # One line in the log, not an "Internal Server Error" traceback per request.
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == (
        'Database unavailable, answered 503: /nieuws/ (connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused)"
    )


def test_a_mistake_in_a_query_is_still_a_500(network):
    client = Client(raise_request_exception=False)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=ProgrammingError("no column")):
        assert client.get("/nieuws/").status_code == 500


def test_a_page_in_the_page_cache_is_served_while_the_database_is_down(network, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client = Client(raise_request_exception=False)
    assert client.get("/nieuws/")["X-Page-Cache"] == "miss"
    with database_down():
        response = client.get("/nieuws/")
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
        assert client.get("/nieuws/?jaar=2025").status_code == 503, "a page not in the cache needs the database"
