"""Which network a request is about when the URL does not say: its own domain, else the main network.

The network app says how to find it (`register_loader`, from NetworkConfig.ready()); this module
keeps the answer per host in the shared cache (with what the loader fetched along, such as the
funders every footer shows) until `forget_site_networks()` (network/signals.py calls it when a
network or partner changes).
"""

from django.core.cache import cache

VERSION_KEY = "site-network:version"
TIMEOUT = 300


def _version():
    return cache.get_or_set(VERSION_KEY, 1, None)


def forget_site_networks():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


_loader = None


def register_loader(load):
    """`load(host)` returns the network a host shows (or None); called once per host per generation."""
    global _loader
    _loader = load


def _load(host):
    return _loader(host) if _loader is not None else None


def _cached_site_network(request):
    if not hasattr(request, "_site_network"):
        host = request.get_host().split(":")[0].lower()
        key = f"site-network:{_version()}:{host}"
        value = cache.get(key, default=False)
        if value is False:
            value = _load(host)
            cache.set(key, value, TIMEOUT)
        request._site_network = value
    return request._site_network


def site_network(request):
    return _cached_site_network(request)
