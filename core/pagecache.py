"""Whole-page cache for anonymous visitors, invalidated per network and per narrow key.

A page is stored when it is the same for everybody: a GET answered 200 to a visitor without
a session or flash-message cookie, that sets no cookie itself (a page with a POST form sets
the CSRF cookie, so it is never stored), does not say `private` or `no-store`, and is not a
page reached by a link with a secret in it (`token_page`: confirm, unsubscribe, preferences).

Invalidation works with generation numbers kept in the shared cache: one per network, one for
the whole site, and one per narrow key ("campaign:12", "event:7"). A stored page remembers the
generations it was built from; when something it shows changes, that generation goes up and
every page built from it is stale at once, on every app server sharing the cache.

Which change makes which pages stale follows from each model's owner declaration
(core/owners.py): public content of a network makes the pages of that network (and of the parent
network, whose pages show its regional networks' content) stale, shared public content (themes)
the site-wide parts, and what is not public no page at all (a subscriber, a pending
registration). RULES holds only the exceptions, declared by the apps (network/pagecache_rules.py;
the rule kinds are below): every page for networks and partners, only the pages that declared a
narrow key for a signature (a confirmed one changes its campaign's tally and nothing else). Every
model of the project's apps must have a declaration (tests/test_pagecache.py); a model without
one in an app whose other models have one falls back to the whole site, never to nothing.

A page says which networks it shows with `depends_on(request, network)`; a page that does not
say depends on all of them. A page that shows something narrower (a campaign's tally, an
event's free seats) adds `depends_on_keys(request, key("campaign", pk))`. Code that changes
such data with queryset.update() calls `content_changed()` or `key_changed()` itself.
Pages also expire after PAGE_CACHE_SECONDS, so date-driven content ("nog 3 dagen") moves on.

Publication windows (core/publication.py) open and close without anybody saving anything: a page
is stored with the next moment a window of any content opens or closes (`next_boundary()`, kept in
the shared cache until windowed content is saved or that moment has passed) and is stale from that
moment on. The check is made on every hit against the clock, so it holds without a timer or a
worker; the page's expiry, and its s-maxage for a CDN, are cut to that moment as well.

Hits answer with an ETag, so a browser or CDN revalidating gets a 304 without a body.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language_from_request

from core.owners import follow, owner_of
from core.publication import is_windowed, next_boundary

logger = logging.getLogger(__name__)

SITE = "site"
PREFIX = "page"
# v2: pages stored before token pages were refused (a newsletter confirmation page among them)
# are never served after an upgrade. v3: a stored page carries the moment it goes stale.
BODY_PREFIX = f"{PREFIX}:body:v3"
# The next moment (seconds since the epoch) a publication window opens or closes; inf: none is set.
WINDOWS_KEY = f"{PREFIX}:windows"


def _no_parent(network_id):
    return None


def _no_networks():
    return []


# Which network's pages also show a network's content, and which networks exist: the app that
# owns networks says (use_networks(), from network/pagecache_rules.py), so this file names no app.
_parent_network_id = _no_parent
_network_ids = _no_networks


def use_networks(*, parent_id, all_ids):
    """`parent_id(network_id)`: the network whose pages show this one's content too (or None);
    `all_ids()`: the ids of every network, the scopes a page depends on when it names none."""
    global _parent_network_id, _network_ids
    _parent_network_id, _network_ids = parent_id, all_ids


def _generation_key(scope):
    return f"{PREFIX}:gen:{scope}"


def key(kind, pk):
    """A narrow dependency: "campaign:12" is what pages showing campaign 12's tally depend on."""
    return f"{kind}:{pk}"


def bump(*scopes):
    """Make every page built from these scopes (network ids, narrow keys or SITE) stale."""
    for scope in scopes:
        generation_key = _generation_key(scope)
        try:
            cache.incr(generation_key)
        except ValueError:
            # Unknown (new, or evicted): any value differs from what stored pages remember.
            cache.set(generation_key, _fresh_generation(), None)


def _fresh_generation():
    return time.time_ns()


def content_changed(network_id=None):
    """Content of this network (or of the whole site) changed: its pages are rebuilt."""
    if network_id is None:
        bump(SITE)
        return
    parent_id = _parent_network_id(network_id)
    # The parent network's pages show its regional networks' content too.
    bump(*[scope for scope in (network_id, parent_id) if scope is not None])


def key_changed(kind, pk):
    """Only the pages that declared `key(kind, pk)` are rebuilt (a campaign's tally, an event's seats)."""
    bump(key(kind, pk))


def everything_changed():
    """Every stored page is stale (after a restore, an import done outside Django, ...)."""
    cache.delete(NETWORKS_KEY)
    cache.delete(WINDOWS_KEY)
    bump(SITE)


def windows_changed():
    """A publication window was set or changed: the next boundary is looked up again.

    Also once the transaction commits, so a value computed meanwhile from the rows as they were
    is not kept."""
    cache.delete(WINDOWS_KEY)
    transaction.on_commit(lambda: cache.delete(WINDOWS_KEY))


def _window_boundary():
    """The next moment a publication window opens or closes (epoch seconds), None if none is set."""
    now = time.time()
    boundary = cache.get(WINDOWS_KEY)
    if boundary is None or boundary <= now:
        moment = next_boundary()
        boundary = moment.timestamp() if moment is not None else math.inf
        cache.set(WINDOWS_KEY, boundary, None)
    return None if boundary == math.inf else boundary


def depends_on(request, *networks):
    """Declare that this page shows content of these networks only, besides site-wide parts
    (themes, and the networks and partners in every header and footer: they bump SITE)."""
    request._page_networks = {network.pk for network in networks}


def depends_on_keys(request, *keys):
    """Declare that this page also shows data that changes without its network changing,
    e.g. key("campaign", pk) for a campaign's signature count (see RULES)."""
    request._page_keys = getattr(request, "_page_keys", set()) | set(keys)


def token_page(view):
    """For a view reached by a link with a secret in it (confirm, unsubscribe, preferences, cancel).

    Its page is personal even without a cookie: never stored here (the middleware checks the
    mark, whatever the response says) and never in a browser's or CDN's cache (no-store). The
    site's Referrer-Policy (same-origin) already keeps the link from other sites; "no-referrer"
    would make browsers post the page's form with `Origin: null`, which CSRF checking refuses.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request._page_personal = True
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    wrapped.token_page = True
    return wrapped


def _generations(scopes):
    keys = {_generation_key(scope): scope for scope in scopes}
    found = cache.get_many(list(keys))
    missing = {generation_key: _fresh_generation() for generation_key in keys if generation_key not in found}
    if missing:
        # add(): two workers arriving at once keep one value.
        for generation_key, value in missing.items():
            cache.add(generation_key, value, None)
        found.update(cache.get_many(list(missing)))
    return {keys[generation_key]: value for generation_key, value in found.items()}


# Page furniture --------------------------------------------------------------------------------

PART_PREFIX = f"{PREFIX}:part"
PART_SECONDS = 24 * 3600


def kept(name, scopes, build):
    """`build()`'s value, built once per generation of `scopes` (SITE, network ids) and shared by every page.

    For the furniture many pages show and few changes touch (a network's menu, the networks and
    themes to filter on): the same generations as the pages, so it is never older than a page
    built after a change would be. The generations are read before building, in the same round
    trip as the stored value; a change during the build leaves a value the next request rebuilds.
    The value must pickle.
    """
    part_key = f"{PART_PREFIX}:{name}"
    found = cache.get_many([part_key, *map(_generation_key, scopes)])
    current = {scope: found.get(_generation_key(scope)) for scope in scopes}
    if None in current.values():
        current = _generations(scopes)
    entry = found.get(part_key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = build()
    cache.set(part_key, (current, value), PART_SECONDS)
    return value


NETWORKS_KEY = f"{PREFIX}:networks"
# The network ids this process saw last: which generations to fetch along with a page.
_seen_network_ids = []
# The narrow keys of the pages this process built or served, per page: fetched along with it.
_page_narrow_keys = {}
NARROW_KEYS_REMEMBERED = 5000


def _all_scopes():
    ids = cache.get(NETWORKS_KEY)
    if ids is None:
        ids = list(_network_ids())
        cache.set(NETWORKS_KEY, ids, None)
    return [SITE, *ids]


def _stored_page(page_key):
    """The stored response for `page_key` if it is still current, in one round trip to the cache.

    The page and the generations of every network this process knows of (and of the narrow
    keys it last saw for this page) are fetched together; only a page built from a scope not
    seen yet needs a second trip.
    """
    global _seen_network_ids
    scopes = [SITE, *_seen_network_ids, *_page_narrow_keys.get(page_key, ())]
    found = cache.get_many([page_key, NETWORKS_KEY, *map(_generation_key, scopes)])
    _seen_network_ids = found.get(NETWORKS_KEY) or _seen_network_ids
    entry = found.get(page_key)
    if entry is None:
        return None
    response, built_from, stale_from = entry
    if stale_from is not None and time.time() >= stale_from:
        return None  # a publication window opened or closed since the page was built
    current = {scope: found.get(_generation_key(scope)) for scope in built_from}
    if None in current.values():
        current = _generations(built_from)
        _remember_scopes(page_key, built_from)
    return response if current == built_from else None


def _remember_scopes(page_key, scopes):
    """A page was built from these scopes: fetch their generations with the next hit."""
    global _seen_network_ids
    new = [scope for scope in scopes if isinstance(scope, int) and scope not in _seen_network_ids]
    if new:
        _seen_network_ids = [*_seen_network_ids, *new]
    narrow = [scope for scope in scopes if isinstance(scope, str) and scope != SITE]
    if narrow:
        if len(_page_narrow_keys) >= NARROW_KEYS_REMEMBERED:
            _page_narrow_keys.clear()  # costs a second round trip per page for a while, nothing else
        _page_narrow_keys[page_key] = narrow


def _page_key(request):
    # The scheme too: a plain-http request must reach SecurityMiddleware's redirect, not a page.
    raw = f"{request.scheme}|{request.get_host()}|{get_language_from_request(request)}|{request.get_full_path()}"
    return f"{BODY_PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


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
        page_key = _page_key(request)
        response = _stored_page(page_key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and self._storable(request, response):
            networks = getattr(request, "_page_networks", None)
            scopes = [SITE, *networks] if networks is not None else _all_scopes()
            scopes += sorted(getattr(request, "_page_keys", ()))
            built_from = _generations(scopes)
            _remember_scopes(page_key, scopes)
            stale_from = _window_boundary()
            timeout, cdn_seconds = settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_CDN_SECONDS
            if stale_from is not None:
                seconds_left = max(1, math.ceil(stale_from - time.time()))
                timeout, cdn_seconds = min(timeout, seconds_left), min(cdn_seconds, seconds_left)
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            patch_cache_control(response, public=True, max_age=0, s_maxage=cdn_seconds)
            cache.set(page_key, (response, built_from, stale_from), timeout)
            response["X-Page-Cache"] = "miss"
        elif response.cookies:
            patch_cache_control(response, private=True)
        return response

    def _storable(self, request, response):
        if getattr(request, "_page_personal", False):
            return False  # a page behind a secret link (token_page), whatever its headers say
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        # A page that used the CSRF token is personal (the token belongs to the visitor's cookie).
        return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


# Which changes make which pages stale ------------------------------------------------------


@dataclass(frozen=True)
class EveryPage:
    """Shown in every page's header or footer (network names and colours, funders)."""

    def changed(self, instance):
        everything_changed()


@dataclass(frozen=True)
class SiteWide:
    """Shared by all networks (themes): every page, through the SITE generation."""

    def changed(self, instance):
        bump(SITE)


@dataclass(frozen=True)
class OfNetwork:
    """Shown on the pages of the network at `path`, and of its parent network."""

    path: str = "network_id"

    def changed(self, instance):
        # No network found (a link missing): the whole site, never nothing.
        content_changed(follow(instance, self.path))


@dataclass(frozen=True)
class Narrow:
    """Shown only on the pages that declared key(kind, <id at path>), and only while `shown(instance)`.

    Deleting a shown object or saving it makes those pages stale; an object that is not shown
    (a pending signature) changes no page, whatever happens to it.
    """

    kind: str
    path: str
    shown: object = None

    def changed(self, instance):
        if self.shown is None or self.shown(instance):
            pk = follow(instance, self.path)
            if pk is not None:
                key_changed(self.kind, pk)


@dataclass(frozen=True)
class NoPublicPage:
    """On no public page (staff-only data, people's addresses, each newsletter copy)."""

    def changed(self, instance):
        pass


# The exceptions to the rule each model's owner declaration implies, by label: declared by the
# apps (network/pagecache_rules.py).
RULES = {}


def declare(rules):
    """Declare the rules of the models whose changes the owner declaration does not describe."""
    RULES.update(rules)


def rule_for(model):
    """The rule of a model: its exception in RULES, else what its owner declaration implies; None: not watched."""
    label = model._meta.label_lower
    if label in RULES:
        return RULES[label]
    owner = owner_of(model)
    if owner is None:
        return None
    if not owner.public:
        return NoPublicPage()
    if owner.attribute is None:
        return SiteWide()
    return OfNetwork(owner.attribute)


@lru_cache(maxsize=1)
def _watched_apps():
    """The apps with owner declarations: a model of theirs without one is a forgotten declaration."""
    from django.apps import apps

    return frozenset(model._meta.app_label for model in apps.get_models() if owner_of(model) is not None)


def _changed(sender, instance, **kwargs):
    if is_windowed(sender):
        windows_changed()
    rule = rule_for(sender)
    if rule is None:
        if sender._meta.app_label in _watched_apps():
            logger.warning("No owner declared on %s: every page is rebuilt (see core/owners.py)", sender._meta.label)
            bump(SITE)
        return
    rule.changed(instance)


def connect():
    post_save.connect(_changed, dispatch_uid="pagecache.saved")
    post_delete.connect(_changed, dispatch_uid="pagecache.deleted")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache.m2m")


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _changed(type(instance), instance)
