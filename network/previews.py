"""The preview of a network's content page (core/previews.py): its public page, drafts included.
Who may see previews, and the share links of every kind, are in network/sharing.py."""

from core import previews
from network.models import Page
from network.views import render_page


def _pages():
    return Page.objects.select_related("network").prefetch_related("themes")


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(Page, render_page, queryset=_pages, published=Page.objects.published)
