"""Uploaded files served by the app (settings.SERVE_MEDIA: `make run`, or one server behind nginx).

Serving is the same for every file: the SVG sandbox, nosniff and the cache headers. Whether a
file may be seen is the question of the app that owns it, so core names no app: an app
registers a guard for a folder of MEDIA_ROOT, in its AppConfig.ready():

    from core import media
    media.register_guard("documents/", document_access)

A guard gets the request and the path and answers an `Access`. Files under a guarded folder are
revalidated on every use, so taking one offline takes effect at once; every other stored name
never changes content (a new upload gets a new name), so those cache long.
"""

import enum

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve

# An SVG opened on its own is a document in which a browser runs script with this site's origin;
# sandboxed, it has no origin and runs nothing. Shown with <img> (every logo here) a policy has no
# effect: images never run script. deploy/nginx.conf sends the same header for /media/*.svg.
MEDIA_SVG_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

# A file nothing guards: a week in any cache.
PUBLIC_MAX_AGE = 7 * 86400


class Access(enum.Enum):
    """A guard's answer about one file for one request."""

    PUBLIC = "public"  # anyone may have it (and caches, revalidating on every use)
    PRIVATE = "private"  # this user may have it; no cache may store it
    HIDDEN = "hidden"  # not found, as if the file did not exist


# Folder ("documents/") -> guard(request, path) -> Access, filled by the apps' ready().
GUARDS = {}


def register_guard(prefix, guard):
    """Let `guard` decide who may have the files whose path starts with `prefix`."""
    if prefix in GUARDS and GUARDS[prefix] is not guard:
        raise ValueError(f"The media folder {prefix!r} has a guard already.")
    GUARDS[prefix] = guard


def access(request, path):
    """What the guard of the path's folder answers; None for a file no app guards."""
    for prefix, guard in GUARDS.items():
        if path.startswith(prefix):
            return guard(request, path)
    return None


@require_safe
def serve(request, path):
    """An uploaded file, with the headers its guard's answer asks for."""
    answer = access(request, path)
    if answer is Access.HIDDEN:
        raise Http404
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.lower().endswith(".svg"):
        response["Content-Security-Policy"] = MEDIA_SVG_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    if answer is Access.PRIVATE:
        patch_cache_control(response, private=True, no_store=True)
    elif answer is Access.PUBLIC:
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
