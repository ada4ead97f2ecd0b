"""The network a host shows: its own domain's, else the main network (core/sites.py caches it)."""

from network.models import Network


def load_site_network(host):
    network = Network.objects.for_host(host) or Network.objects.main()
    if network is not None:
        network.funders  # noqa: B018 (fetched now, so the cached copy carries them)
    return network
