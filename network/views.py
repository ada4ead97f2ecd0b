from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core import pagecache, sites
from core.home import HOME_SECTIONS, THEME_SECTIONS, render_sections
from core.sites import list_query, site_network
from network.forms import DocumentFilterForm
from network.models import Document, Network, Page, Theme
from network.sites import at_root


def _home(request, network):
    # Its regional networks' changes reach it too (pagecache.content_changed bumps the parent).
    pagecache.depends_on(request, network)
    sites.canonical(request, network, path="/" if at_root(request, network) else network.get_absolute_url())
    return render(
        request,
        "network/home.html",
        {"network": network, "sections": render_sections(HOME_SECTIONS, request, network)},
    )


@require_safe
def home(request):
    """The home page of the network the host belongs to, or of the main network."""
    network = site_network(request)
    if network is None:
        return render(request, "network/empty_site.html")
    return _home(request, network)


@require_safe
def network_detail(request, slug):
    """A network's home page."""
    return _home(request, get_object_or_404(Network, slug=slug))


@require_safe
def network_list(request):
    """All networks, the main one first, with their regions."""
    networks = Network.objects.select_related("parent")
    return render(request, "network/network_list.html", {"networks": networks})


@require_safe
def page_detail(request, network_slug, slug):
    """A network's content page, with the network's menu of pages."""
    page = get_object_or_404(
        Page.objects.published().select_related("network").prefetch_related("themes"),
        network__slug=network_slug,
        slug=slug,
    )
    return render_page(request, page)


def render_page(request, page, preview=None):
    """A content page; `preview` (core/previews.py) marks it as a preview."""
    pagecache.depends_on(request, page.network)
    sites.canonical(request, page.network)
    return render(request, "network/page_detail.html", {"page": page, "network": page.network, "preview": preview})


@require_safe
def theme_list(request):
    """The themes shared by all networks."""
    return render(request, "network/theme_list.html", {"themes": Theme.objects.all()})


@require_safe
def theme_detail(request, slug):
    """Everything about one theme, from every network."""
    theme = get_object_or_404(Theme, slug=slug)
    return render(
        request,
        "network/theme_detail.html",
        {"theme": theme, "sections": render_sections(THEME_SECTIONS, request, theme)},
    )


@require_safe
def document_list(request):
    """Downloads: logos as a kit per network, then documents, filtered by network, kind and theme."""
    form = DocumentFilterForm(list_query(request), request=request)
    documents, status = form.apply(
        Document.objects.published().exclude(kind=Document.Kind.LOGO).select_related("network")
    )
    logos = Document.objects.published().logos()
    logo_networks = (
        Network.objects.filter(documents__in=logos)
        .distinct()
        .prefetch_related(Prefetch("documents", queryset=logos.order_by("title"), to_attr="logos"))
    )
    return render(
        request,
        "network/document_list.html",
        {"form": form, "documents": documents, "logo_networks": logo_networks},
        status=status,
    )


@require_safe
def partner_list(request, network_slug):
    """A network's funders and partners, with their attribution lines."""
    network = get_object_or_404(Network, slug=network_slug)
    partners = network.partners.all()
    pagecache.depends_on(request, network)
    sites.canonical(request, network)
    return render(request, "network/partner_list.html", {"network": network, "partners": partners})


@require_safe
@cache_control(max_age=86400, public=True)
def network_stylesheet(request, slug):
    """The network's brand colour as CSS custom properties (no inline styles: strict CSP)."""
    network = get_object_or_404(Network, slug=slug)
    css = f":root{{--brand:{network.brand_colour};--brand-dark:{network.brand_colour}}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
