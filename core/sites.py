"""Which network a request is about when the URL does not say: its own domain, else the main network.

The network app says how to find it (`register_loader`, from NetworkConfig.ready()); this module
keeps the answer per host in the shared cache (with what the loader fetched along, such as the
funders every footer shows) until `forget_site_networks()` (network/signals.py calls it when a
network or partner changes).
"""

from django.conf import settings
from django.core.cache import cache

from core.listing import PAGE_PARAMETER

VERSION_KEY = "site-network:version"
TIMEOUT = 300


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
    """The host's network, with the version it was stored under: one round trip to the cache."""
    if not hasattr(request, "_site_network"):
        host = request.get_host().split(":")[0].lower()
        key = f"site-network:host:{host}"
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, None)
            version = cache.get(VERSION_KEY)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            value = stored[1]
        else:
            value = _load(host)
            cache.set(key, (version, value), TIMEOUT)
        request._site_network = value
    return request._site_network


def site_network(request):
    return _cached_site_network(request)


# The query parameter of every network filter, and its value for "every network".
NETWORK_PARAMETER = "netwerk"
ALL_NETWORKS = "alle"


def _host(request):
    return request.get_host().split(":")[0].lower().removeprefix("www.")


def own_domain_network(request):
    """The network whose own domain was requested (its site), or None on the main host."""
    network = site_network(request)
    if network is not None and network.domain and network.domain == _host(request):
        return network
    return None


def list_query(request):
    """The query string a list, feed or search reads its filters from (None when there is none).

    On a network's own domain a list without `netwerk` shows that network (and its regional
    networks): the domain is that network's site. `?netwerk=alle` (or empty) is every network.
    """
    data = request.GET
    network = own_domain_network(request)
    if network is not None and NETWORK_PARAMETER not in data:
        data = data.copy()
        data[NETWORK_PARAMETER] = network.slug
    return data or None


def network_switch(request):
    """On a network's own domain: the links between "this network" and "every network" for the lists."""
    network = own_domain_network(request)
    if network is None:
        return None
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    chosen = query.pop(NETWORK_PARAMETER, [network.slug])[-1]
    own = f"{request.path}?{query.urlencode()}" if query else request.path
    query[NETWORK_PARAMETER] = ALL_NETWORKS
    return {
        "network": network,
        "showing_own": chosen == network.slug,
        "own_url": own,
        "all_url": f"{request.path}?{query.urlencode()}",
    }


def canonical(request, network, *, path=None, listing=False):
    """Declare what this page shows, for its canonical address: content of `network` (None: of every
    network, or shared) at `path` (default: the request's); `listing`: a list whose `netwerk` filter
    is part of the address."""
    request._canonical = (network, path, listing)


def _origin(request, network):
    if network is not None and network.domain:
        return f"{request.scheme}://{network.domain}"
    if own_domain_network(request) is not None:
        return settings.SITE_URL  # shared pages and networks without a domain live on the main host
    return f"{request.scheme}://{request.get_host()}"


def canonical_url(request):
    """The one address of this page: content of a network with its own domain there, the rest on the
    main host (so no page is duplicate content across domains); none for a page with a secret link."""
    if getattr(request, "_page_personal", False):
        return ""
    network, path, listing = getattr(request, "_canonical", (None, None, False))
    query = ""
    if listing:
        parameters = request.GET.copy()
        parameters.pop(NETWORK_PARAMETER, None)
        if network is not None and not network.domain:
            parameters[NETWORK_PARAMETER] = network.slug
        query = parameters.urlencode()
    return f"{_origin(request, network)}{path or request.path}" + (f"?{query}" if query else "")
