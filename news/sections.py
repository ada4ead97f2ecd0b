"""The news's sections on home and theme pages (see core/home.py)."""

from django.urls import reverse

from core.home import register_home_section, register_theme_section
from news.models import NewsPost


def _news(queryset):
    return list(queryset.cards().order_by("-publish_at", "-pk")[:3])


def latest_news(request, network):
    """The network's latest public posts; the main network's home shows those of its regional networks too."""
    posts = _news(NewsPost.objects.published().filter(network.with_regional_networks()))
    if posts:
        more = reverse("news:list") + ("" if network.parent_id is None else f"?netwerk={network.slug}")
        return {"template": "news/sections/latest_news.html", "posts": posts, "more_url": more}
    return None


def theme_news(request, theme):
    posts = _news(NewsPost.objects.published().filter(themes=theme))
    if posts:
        more = reverse("news:list") + f"?thema={theme.slug}"
        return {"template": "news/sections/latest_news.html", "posts": posts, "more_url": more}
    return None


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(40, latest_news)
    register_theme_section(20, theme_news)
