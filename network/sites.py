"""Which network a request is about when the URL does not say: its own domain, else the main network.

The answer is cached per host (with its funders, which every footer shows)
and dropped whenever a network or partner changes (see network/signals.py).
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


def _load(host):
    from network.models import Network

    network = Network.objects.for_host(host) or Network.objects.main()
    if network is not None:
        network.funders  # noqa: B018 (fetched now, so the cached copy carries them)
    return network


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
