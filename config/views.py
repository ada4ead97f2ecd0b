"""Site-wide views that belong to no single app: health, crawlers, privacy, errors."""

import logging
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve

from core.unavailable import DATABASE_UNAVAILABLE

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


@never_cache
@require_safe
def healthz_worker(request):
    """For monitoring, not for the load balancer: 200 while a background worker shows life, 503
    when none did for WORKER_MAX_WAIT_SECONDS or a task waits that long (newsletter/worker.py).
    The body is the short reason only."""
    from newsletter.worker import worker_problem

    try:
        problem = worker_problem()
    except DatabaseError as error:
        logger.warning("Worker health check failed: %s", error)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    if problem:
        return HttpResponse(f"{problem}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Never stored by the page cache: the yardstick is a view that runs on every request.
@never_cache
def bench_baseline(request):
    """`make bench`'s yardstick: every middleware, no database, a few bytes (settings.BENCH_BASELINE)."""
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
def admin_login(request):
    """The admin's sign-in page is allauth's, which asks for the second factor."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)


def privacy(request):
    """The privacy statement in plain language."""
    return render(request, "privacy.html")


def page_not_found(request, exception):
    """A Dutch 404 page that helps the visitor further."""
    return render(request, "404.html", status=404)


def bad_request(request, exception):
    """A Dutch 400 page for a request Django could not read (a broken form body, say)."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A Dutch 403 page when a form arrives without its security token (cookies blocked, or a
    page open for very long)."""
    return render(request, "403_csrf.html", status=403)


def too_many_requests(request, exception=None):
    """A Dutch 429 page: too many attempts from here in a short time."""
    return render(request, "429.html", status=429)


def server_error(request):
    """A Dutch 500 page that needs neither the database nor the context processors; a 503 page
    while the database is unreachable (Django calls this view inside its `except` block)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    return HttpResponse(loader.get_template("500.html").render({"site_network": None}), status=500)


# Seconds a visitor or crawler is asked to wait: a database restart takes a few.
RETRY_AFTER_SECONDS = 10


def service_unavailable(request):
    """A Dutch 503 page, "even niet bereikbaar", rendered without the database. A persistent
    connection broken by the outage is replaced at the next request (conn_health_checks)."""
    response = HttpResponse(loader.get_template("503.html").render({"site_network": None}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


# An SVG opened on its own is a document in which a browser runs script with this site's origin;
# sandboxed, it has no origin and runs nothing. Shown with <img> (every logo here) a policy has no
# effect: images never run script. deploy/nginx.conf sends the same header for /media/*.svg.
MEDIA_SVG_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


@require_safe
def media(request, path):
    """Uploaded files. Stored names never change content (a new upload gets a new name), so they cache long.

    A draft document's file is not found, except by staff who may edit it; published documents
    are revalidated on every use, so taking one offline takes effect.
    """
    from network.models import Document
    from network.permissions import can_preview

    draft = None
    if path.startswith("documents/"):
        draft = Document.objects.filter(file=path, published=False).only("network_id").first()
        if draft is not None and not can_preview(request.user, draft):
            raise Http404
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.lower().endswith(".svg"):
        response["Content-Security-Policy"] = MEDIA_SVG_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    if draft is not None:
        patch_cache_control(response, private=True, no_store=True)
    elif path.startswith("documents/"):
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=7 * 86400)
    return response
