"""The network app's sections on home and theme pages (see core/home.py)."""

from core.home import register_home_section, register_theme_section
from network.models import Document


def regional_networks(request, network):
    """The regional networks that belong to this one."""
    children = network.regional_networks
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


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(10, regional_networks)
    register_home_section(90, donate_call)
    register_theme_section(10, theme_pages)
    register_theme_section(80, theme_documents)
