"""The network app's sections on home and theme pages (see core/home.py)."""

from django.urls import reverse

from core.home import register_home_section, register_theme_section
from network.models import Document, NewsPost


def regional_networks(request, network):
    """The regional networks that belong to this one."""
    children = list(network.children.all())
    if children:
        return {"template": "network/sections/regional_networks.html", "networks": children}
    return None


def donate_call(request, network):
    if network.iban:
        return {"template": "network/sections/donate_call.html", "network": network}
    return None


def theme_pages(request, theme):
    pages = list(theme.pages.published().select_related("network").order_by("network__position", "position"))
    if pages:
        return {"template": "network/sections/theme_pages.html", "pages": pages}
    return None


def theme_documents(request, theme):
    documents = list(theme.documents.published().exclude(kind=Document.Kind.LOGO).select_related("network")[:20])
    if documents:
        return {"template": "network/sections/theme_documents.html", "documents": documents}
    return None


def _news(queryset):
    return list(queryset.select_related("network").order_by("-publish_at", "-pk")[:3])


def latest_news(request, network):
    """The network's latest public posts; the main network's home shows those of its regional networks too."""
    posts = _news(NewsPost.objects.published().filter(network.with_regional_networks()))
    if posts:
        more = reverse("news:list") + ("" if network.parent_id is None else f"?netwerk={network.slug}")
        return {"template": "network/sections/latest_news.html", "posts": posts, "more_url": more}
    return None


def theme_news(request, theme):
    posts = _news(NewsPost.objects.published().filter(themes=theme))
    if posts:
        more = reverse("news:list") + f"?thema={theme.slug}"
        return {"template": "network/sections/latest_news.html", "posts": posts, "more_url": more}
    return None


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(10, regional_networks)
    register_home_section(40, latest_news)
    register_home_section(90, donate_call)
    register_theme_section(10, theme_pages)
    register_theme_section(20, theme_news)
    register_theme_section(80, theme_documents)
