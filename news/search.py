"""The news in the site search (core/search.py)."""

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.search import Result, register_kind
from news.models import NewsPost


def _date(value):
    return formats.date_format(timezone.localdate(value), "DATE_FORMAT")


def register():
    """Called by the app's AppConfig.ready()."""
    register_kind(
        "nieuws",
        label=_("News"),
        queryset=lambda: NewsPost.objects.published().select_related("network"),
        fields={"A": ["title"], "B": ["lead"], "C": ["body"]},
        describe=lambda post: Result(
            post.title, post.get_absolute_url(), (post.network.short_name, _date(post.publish_at))
        ),
        position=10,
        stored=True,
    )
