"""Rate limits on public forms, counted in the shared cache (Redis when REDIS_URL is set).

A fixed window per scope and key: the first attempt creates the counter with the window
as its lifetime (`cache.add`), every attempt increments it atomically (`cache.incr`), so
two app servers sharing one cache count together. Email addresses are hashed before they
become part of a cache key. Limits live in settings.RATE_LIMITS. While Redis is unreachable
nothing can be counted and every attempt is allowed (logged): a sign-up form that works beats
one that refuses everybody, and the other defences (honeypot, double opt-in) still hold.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from config.cache import CacheUnavailable

logger = logging.getLogger(__name__)


def client_ip(request):
    """The visitor's address: the socket's, or the one the trusted proxies put in X-Forwarded-For."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _hit(scope, kind, value, limit, window):
    digest = hashlib.sha256(f"{scope}:{kind}:{value}".encode()).hexdigest()[:32]
    key = f"ratelimit:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except CacheUnavailable:
        logger.warning("Rate limit %s/%s not counted: the cache is unreachable; the attempt is allowed", scope, kind)
        return True
    except ValueError:  # the counter expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def allow(request, scope, email=None):
    """Count one attempt at `scope` from this client (and for this address); False once over a limit."""
    limits = settings.RATE_LIMITS[scope]
    allowed = _hit(scope, "ip", client_ip(request), *limits["ip"])
    if email:
        # Both counters always count, so a refused burst from one address still uses up its own limit.
        allowed = _hit(scope, "address", email.strip().lower(), *limits["address"]) and allowed
    return allowed
