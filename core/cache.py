"""The Redis cache backend: Django's own, made to degrade instead of fail while Redis is down.

Everything in the cache can be rebuilt (pages, page generations, site lookups) or may be
skipped for a while (rate-limit counters), so an unreachable Redis must not turn pages and
sign-ups into errors. While it is unreachable every read answers "not cached", every write
is dropped, and `incr()` raises CacheUnavailable, a ValueError like a missing counter's.
After a connection error the backend does not try again for RETRY_SECONDS, so a Redis that
times out instead of refusing costs a worker one timeout now and then, not one per call.
An outage is logged once when it starts and once when Redis answers again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5


class CacheUnavailable(ValueError):
    """incr() while the cache is unreachable: callers treat it as a counter that is not there."""


_RAISE = object()


class ReusedClients(RedisCacheClient):
    """Django's Redis client maker, keeping one `redis.Redis` per server instead of one per call.

    Django builds a new `redis.Redis` for every cache operation, and each copies redis-py's
    table of ~170 response callbacks: half a millisecond per call, more than the round trip
    to Redis itself, and a page-cache hit makes two calls. A `redis.Redis` on a connection
    pool is safe to share (every command borrows a connection from the pool).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that answers like an empty cache while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._unreachable_until = None

    def _call(self, operation, fallback, *args, **kwargs):
        if self._unreachable_until is not None and time.monotonic() < self._unreachable_until:
            return self._fallback(fallback)
        try:
            result = operation(*args, **kwargs)
        except UNREACHABLE as error:
            if self._unreachable_until is None:
                logger.warning("Cache unreachable, serving without it: %s", error)
            self._unreachable_until = time.monotonic() + RETRY_SECONDS
            return self._fallback(fallback)
        if self._unreachable_until is not None:
            logger.warning("Cache reachable again")
            self._unreachable_until = None
        return result

    @staticmethod
    def _fallback(fallback):
        if fallback is _RAISE:
            raise CacheUnavailable("the cache is unreachable")
        return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call(super().incr, _RAISE, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
