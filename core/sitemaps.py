"""The sitemap of every public page, served at /sitemap.xml and named in robots.txt.

Each section is a Sitemap class in `SITEMAPS`, registered by the app whose pages it lists, from
the `register()` of its sitemaps.py that its AppConfig.ready() calls:

    from core import sitemaps

    def register():
        sitemaps.register("campaigns", CampaignSitemap)

Each host has its own sitemap listing only the pages canonical on it (core.sites.canonical_url):
a section gets `host_network`, the network whose own domain was asked for (None on the main host),
and lists that network's pages there and the rest on the main host.

A section's queries do not grow with the content (one query for its items, one to count
them). Documents are files, not pages: they stay out, because crawlers and the browser
quality gate (tests/browser/quality.py) read this sitemap as a list of HTML pages.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import NoReverseMatch, reverse

from core.sites import own_domain_network

# Filled by the apps, in the order of INSTALLED_APPS; the URLconf holds this very dict.
SITEMAPS = {}


def register(name, sitemap_class):
    """Add a section to /sitemap.xml (the URLconf holds this very dict, so it sees the addition)."""
    if name in SITEMAPS and SITEMAPS[name] is not sitemap_class:
        raise ValueError(f"A sitemap section named {name!r} exists already.")
    SITEMAPS[name] = sitemap_class


def reverses(name):
    """Whether a URL name exists (an app that is not installed leaves its names out)."""
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def view(request):
    """/sitemap.xml of the requested host: every section, told which host it lists."""
    host_network = own_domain_network(request)
    sections = {}
    for name, section_class in SITEMAPS.items():
        section = section_class()
        section.host_network = host_network
        sections[name] = section
    return sitemap(request, sitemaps=sections)
