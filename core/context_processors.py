"""Page furniture every template needs: the site's network, its name and the main navigation."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from core.sites import canonical_url, network_switch, site_network


def _navigation(path):
    items = []
    for url_name, label in settings.MAIN_NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items


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
