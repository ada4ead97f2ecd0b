"""The sitemap of every public page, served at /sitemap.xml and named in robots.txt.

Each section is a Sitemap class in `SITEMAPS`, registered by the app whose pages it lists, from
the `register()` of its sitemaps.py that its AppConfig.ready() calls:

    from core import sitemaps

    def register():
        sitemaps.register("campaigns", CampaignSitemap)

A section's queries do not grow with the content (one query for its items, one to count
them). Documents are files, not pages: they stay out, because crawlers and the browser
quality gate (tests/browser/quality.py) read this sitemap as a list of HTML pages.
"""

from django.urls import NoReverseMatch, reverse

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
