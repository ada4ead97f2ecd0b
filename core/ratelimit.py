"""Rate limits on public forms, counted in the shared cache (Redis when REDIS_URL is set).

A fixed window per scope and key: the first attempt creates the counter with the window
as its lifetime (`cache.add`), every attempt increments it atomically (`cache.incr`), so
two app servers sharing one cache count together. Email addresses are hashed before they
become part of a cache key. Limits live in settings.RATE_LIMITS. While Redis is unreachable
nothing can be counted and every attempt is allowed (logged): a sign-up form that works beats
one that refuses everybody, and the other defences (honeypot, double opt-in) still hold.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

from core.cache import CacheUnavailable

logger = logging.getLogger(__name__)


def client_ip(request):
    """The visitor's address: the socket's, or the one the trusted proxies put in X-Forwarded-For.

    The one rule for the whole site: these rate limits, allauth's sign-in limits and the addresses
    on /accounts/sessions/ all read it (core/accounts.py). An entry that is no address (a proxy
    count higher than the real number of proxies lets the client write it) counts as absent.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _normalised(forwarded[-proxies])
            if address:
                return address
    remote = request.META.get("REMOTE_ADDR", "")
    return _normalised(remote) or remote


def _normalised(value):
    """An address in its canonical spelling (an IPv4-mapped IPv6 address as IPv4), or None."""
    try:
        address = ipaddress.ip_address(value.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_key(address):
    """What a per-client limit counts: an IPv4 address, or the IPv6 network of RATE_LIMIT_IPV6_PREFIX
    bits (a /64 by default) around it, since one subscriber line gets a whole /64 to pick from."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((parsed, settings.RATE_LIMIT_IPV6_PREFIX), strict=False)
        return str(network)
    return address


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
    allowed = _hit(scope, "ip", client_key(client_ip(request)), *limits["ip"])
    if email:
        # Both counters always count, so a refused burst from one address still uses up its own limit.
        allowed = _hit(scope, "address", email.strip().lower(), *limits["address"]) and allowed
    return allowed
