"""The network a host shows: its own domain's, else the main network (core/sites.py caches it)."""

from core.sites import own_domain_network, site_network
from network.models import Network


def at_root(request, network):
    """Whether `network`'s pages (home, donate) are at the root paths on their canonical host: on its own
    domain, or as the main network on the main host."""
    if network.domain:
        return True
    main = site_network(request) if own_domain_network(request) is None else Network.objects.main()
    return network == main


def load_site_network(host):
    network = Network.objects.for_host(host) or Network.objects.main()
    if network is not None:
        network.funders  # noqa: B018 (fetched now, so the cached copy carries them)
    return network
