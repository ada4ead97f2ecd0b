"""Page furniture every template needs: the site's network, its name and the main navigation."""

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from core.sites import canonical_url, network_switch, site_network


@functools.lru_cache(maxsize=16)
def _navigation_urls(root_urlconf, urlconf, script_prefix):
    """(url, label) of each item of the main navigation whose view exists: reversed once per process and
    URL configuration, not on every page."""
    items = []
    for url_name, label in settings.MAIN_NAVIGATION:
        try:
            items.append((reverse(url_name, urlconf=urlconf), label))
        except NoReverseMatch:
            continue
    return tuple(items)


def _navigation(path):
    return [
        {"url": url, "label": label, "current": path == url if url == "/" else path.startswith(url)}
        for url, label in _navigation_urls(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    ]


def site(request):
    """Page furniture every template needs: the site's network, its name and the main navigation."""
    network = site_network(request)
    return {
        "site_network": network,
        "site_name": network.name if network else settings.SITE_NAME,
        "main_navigation": _navigation(request.path),
        # On a network's own domain, the lists' link to every network and back (includes/network_switch.html).
        "network_switch": network_switch(request),
        "canonical_url": canonical_url(request),
    }
