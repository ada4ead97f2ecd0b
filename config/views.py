"""Site-wide views that belong to no single app: health, crawlers, privacy, errors."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 while it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check failed: %s", error)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Crawl rules: everything public, nothing of the admin or the accounts."""
    try:
        sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    except NoReverseMatch:
        sitemap_url = ""
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain; charset=utf-8")


@require_safe
def privacy(request):
    """The privacy statement in plain language."""
    return render(request, "privacy.html")


def page_not_found(request, exception):
    """A Dutch 404 page that helps the visitor further."""
    return render(request, "404.html", status=404)


def server_error(request):
    """A Dutch 500 page that needs neither the database nor the context processors."""
    return HttpResponse(loader.get_template("500.html").render({"site_network": None}), status=500)


@require_safe
@cache_control(max_age=7 * 86400, public=True)
def media(request, path):
    """Uploaded files. Stored names never change content (a new upload gets a new name), so they cache long."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)
