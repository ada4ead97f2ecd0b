"""The news's sections on home and theme pages (see core/home.py)."""

from django.db.models import Q
from django.urls import reverse

from core.home import home_section, theme_section
from news.models import NewsPost


def _news(queryset):
    return list(queryset.select_related("network").order_by("-publish_at", "-pk")[:3])


@home_section(40)
def latest_news(request, network):
    """The network's latest public posts; the main network's home shows those of its regional networks too."""
    scope = Q(network=network) | Q(network__parent=network) if network.parent_id is None else Q(network=network)
    posts = _news(NewsPost.objects.published().filter(scope))
    if posts:
        more = reverse("news:list") + ("" if network.parent_id is None else f"?netwerk={network.slug}")
        return {"template": "news/sections/latest_news.html", "posts": posts, "more_url": more}
    return None


@theme_section(20)
def theme_news(request, theme):
    posts = _news(NewsPost.objects.published().filter(themes=theme))
    if posts:
        more = reverse("news:list") + f"?thema={theme.slug}"
        return {"template": "news/sections/latest_news.html", "posts": posts, "more_url": more}
    return None
