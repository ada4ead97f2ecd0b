"""The news in the site search (core/search.py)."""

from django.utils.translation import gettext_lazy as _

from core.search import Result, date_label, register_kind
from news.models import NewsPost


def register():
    """Called by the app's AppConfig.ready()."""
    register_kind(
        "nieuws",
        label=_("News"),
        queryset=lambda: NewsPost.objects.published().select_related("network"),
        fields={"A": ["title"], "B": ["lead"], "C": ["body"]},
        describe=lambda post: Result(
            post.title, post.get_absolute_url(), (post.network.short_name, date_label(post.publish_at))
        ),
        position=10,
        stored=True,
        columns=["title", "slug", "publish_at", "network__short_name"],
    )
