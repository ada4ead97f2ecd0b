from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from network.sites import site_network

# The main navigation, in order. An entry appears once its URL exists, so each app
# adds itself to the menu by defining the URL name listed here.
MAIN_NAVIGATION = [
    ("network:home", _("Home")),
    ("network:network_list", _("Networks")),
    ("associations:list", _("Associations")),
    ("news:list", _("News")),
    ("campaigns:list", _("Campaigns")),
    ("events:list", _("Calendar")),
    ("network:document_list", _("Documents")),
    ("network:donate", _("Support us")),
    ("search", _("Search")),
]


def _navigation(path):
    items = []
    for url_name, label in MAIN_NAVIGATION:
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
    }
