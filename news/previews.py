"""The preview of a news post (core/previews.py): its public page, drafts and scheduled posts included."""

from core import previews
from news.models import NewsPost
from news.views import render_post


def _posts():
    return NewsPost.objects.select_related("network").prefetch_related(
        "themes", "links", "attachments", "associations"
    )


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(NewsPost, render_post, queryset=_posts, published=NewsPost.objects.published)
