"""Whole-page cache for anonymous visitors, invalidated per network.

A page is stored when it is the same for everybody: a GET answered 200 to a visitor without
a session or flash-message cookie, that sets no cookie itself (a page with a POST form sets
the CSRF cookie, so it is never stored) and does not say `private` or `no-store`.

Invalidation works with generation numbers kept in the shared cache: one per network and
one for the whole site. A stored page remembers the generations it was built from; when
content of a network is saved or deleted (signals below, or `content_changed()` where code
uses queryset.update()), that network's generation goes up and every page built from it is
stale at once, on every app server sharing the cache. A page says which networks it shows
with `depends_on(request, network)`; a page that does not say depends on all of them.
Pages also expire after PAGE_CACHE_SECONDS, so date-driven content ("nog 3 dagen") moves on.

Hits answer with an ETag, so a browser or CDN revalidating gets a 304 without a body.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language_from_request

SITE = "site"
PREFIX = "page"
# Models whose changes no public page shows (each newsletter copy sent, subscriber lists).
IGNORED = {
    "newsletter.subscriber",
    "newsletter.subscription",
    "newsletter.delivery",
    "network.networkmembership",
    "associations.associationmembership",
    "associations.profilechange",
    # Registrations: only a change of the confirmed seats shows (an event's free seats), and
    # events/registrations.py invalidates for exactly that (`_seats_changed`), never for a pending post.
    "events.registration",
}
APPS = {"network", "associations", "events", "campaigns", "newsletter"}


def _generation_key(scope):
    return f"{PREFIX}:gen:{scope}"


def bump(*scopes):
    """Make every page built from these scopes (network ids or SITE) stale."""
    for scope in scopes:
        key = _generation_key(scope)
        try:
            cache.incr(key)
        except ValueError:
            # Unknown (new, or evicted): any value differs from what stored pages remember.
            cache.set(key, _fresh_generation(), None)


def _fresh_generation():
    return time.time_ns()


def content_changed(network_id=None):
    """Content of this network (or of the whole site) changed: its pages are rebuilt."""
    if network_id is None:
        bump(SITE)
        return
    from network.models import Network

    parent_id = Network.objects.filter(pk=network_id).values_list("parent_id", flat=True).first()
    # The parent network's pages show its regional networks' content too.
    bump(*[scope for scope in (network_id, parent_id) if scope is not None])


def everything_changed():
    """Every stored page is stale (after a restore, an import done outside Django, ...)."""
    cache.delete(NETWORKS_KEY)
    bump(SITE)


def depends_on(request, *networks):
    """Declare that this page shows content of these networks only, besides site-wide parts
    (themes, and the networks and partners in every header and footer: they bump SITE)."""
    request._page_networks = {network.pk for network in networks}


def _generations(scopes):
    keys = {_generation_key(scope): scope for scope in scopes}
    found = cache.get_many(list(keys))
    missing = {key: _fresh_generation() for key in keys if key not in found}
    if missing:
        # add(): two workers arriving at once keep one value.
        for key, value in missing.items():
            cache.add(key, value, None)
        found.update(cache.get_many(list(missing)))
    return {keys[key]: value for key, value in found.items()}


NETWORKS_KEY = f"{PREFIX}:networks"
# The network ids this process saw last: which generations to fetch along with a page.
_seen_network_ids = []


def _all_scopes():
    from network.models import Network

    ids = cache.get(NETWORKS_KEY)
    if ids is None:
        ids = list(Network.objects.values_list("pk", flat=True))
        cache.set(NETWORKS_KEY, ids, None)
    return [SITE, *ids]


def _stored_page(key):
    """The stored response for `key` if it is still current, in one round trip to the cache.

    The page and the generations of every network this process knows of are fetched
    together; only a page built from a network not seen yet needs a second trip.
    """
    global _seen_network_ids
    scopes = [SITE, *_seen_network_ids]
    found = cache.get_many([key, NETWORKS_KEY, *map(_generation_key, scopes)])
    _seen_network_ids = found.get(NETWORKS_KEY) or _seen_network_ids
    entry = found.get(key)
    if entry is None:
        return None
    response, built_from = entry
    current = {scope: found.get(_generation_key(scope)) for scope in built_from}
    if None in current.values():
        current = _generations(built_from)
    return response if current == built_from else None


def _remember_networks(scopes):
    """A page was just built from these networks: fetch their generations with the next hit."""
    global _seen_network_ids
    new = [scope for scope in scopes if scope != SITE and scope not in _seen_network_ids]
    if new:
        _seen_network_ids = [*_seen_network_ids, *new]


def _page_key(request):
    # The scheme too: a plain-http request must reach SecurityMiddleware's redirect, not a page.
    raw = f"{request.scheme}|{request.get_host()}|{get_language_from_request(request)}|{request.get_full_path()}"
    return f"{PREFIX}:body:{hashlib.sha256(raw.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serve and store whole pages for anonymous visitors (see the module docstring).

    First in MIDDLEWARE: a hit runs no other middleware, and a page is stored with the headers
    and cookies all of them added (so a page that set the CSRF cookie is never stored).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL

    def __call__(self, request):
        if request.path.startswith(self.static_prefix):
            return self.get_response(request)  # WhiteNoise: files with their own cache headers
        return self._page(request)

    def _cacheable_request(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(tuple(settings.PAGE_CACHE_SKIP_PREFIXES))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )

    def _page(self, request):
        if not self._cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies:
                # A signed-in or personal page: never for a shared cache (CDN, proxy).
                patch_cache_control(response, private=True)
            return response
        key = _page_key(request)
        response = _stored_page(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and self._storable(request, response):
            scopes = getattr(request, "_page_networks", None)
            scopes = [SITE, *scopes] if scopes is not None else _all_scopes()
            built_from = _generations(scopes)
            _remember_networks(scopes)
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)
            cache.set(key, (response, built_from), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        elif response.cookies:
            patch_cache_control(response, private=True)
        return response

    def _storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        # A page that used the CSRF token is personal (the token belongs to the visitor's cookie).
        return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def _network_id_of(instance):
    """The network whose pages show this object, following one foreign key if needed."""
    if hasattr(instance, "network_id"):
        return instance.network_id
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            related_model = field.related_model
            if any(f.name == "network" for f in related_model._meta.concrete_fields):
                related_id = getattr(instance, field.attname)
                if related_id is None:
                    continue
                return related_model._base_manager.filter(pk=related_id).values_list("network_id", flat=True).first()
    return None


def _changed(sender, instance, **kwargs):
    label = sender._meta.label_lower
    if sender._meta.app_label not in APPS or label in IGNORED:
        return
    if label in ("network.network", "network.partner"):
        # Names, colours and funders appear in every page's header and footer.
        everything_changed()
        return
    network_id = _network_id_of(instance)
    content_changed(network_id)


def connect():
    post_save.connect(_changed, dispatch_uid="pagecache.saved")
    post_delete.connect(_changed, dispatch_uid="pagecache.deleted")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache.m2m")


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _changed(type(instance), instance)
