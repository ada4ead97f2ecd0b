"""Follow a redirect where the site has no page, and count the addresses visitors miss.

Only a 404 answer to a GET or HEAD costs anything here: two queries (looking up the redirect, then
counting its visit or the missing address). Every other answer passes untouched, so a page costs no query
more. 404s and redirects are never stored by the page cache (core/pagecache.py stores 200s only),
so a new redirect works at once, without invalidating anything.
"""

from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from redirects.models import MissingPath, Redirect, readable_path

# The admin, the accounts and uploads have no redirects, and what is missed there is nobody's
# broken link (a draft document's secret folder must not end up in a list editors read).
SKIPPED_PREFIXES = ("/beheer/", "/accounts/", "/media/", "/static/")
# Browsers keep a permanent redirect; a day, so that one removed by staff stops working soon.
REDIRECT_MAX_AGE = 24 * 60 * 60


class RedirectFallbackMiddleware:
    """A 404 for an address with a redirect becomes a 301 to its target (query string kept); a 404
    without one is counted as a missing address (the path only).

    In MIDDLEWARE before CommonMiddleware: an address without its final slash is sent on to the
    address with it first, so it is neither counted as missing nor redirected twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = readable_path(request.path)
        if path is None or path.startswith(SKIPPED_PREFIXES):
            return response
        target = Redirect.objects.follow(path)
        if target is not None:
            return self._redirect(request, target)
        if not _behind_a_secret(request):
            MissingPath.objects.record_request(path)
        return response

    @staticmethod
    def _redirect(request, target):
        query = request.META.get("QUERY_STRING", "")
        if query:
            target = f"{target}{'&' if '?' in target else '?'}{query}"
        response = HttpResponsePermanentRedirect(target)
        patch_cache_control(response, max_age=REDIRECT_MAX_AGE)
        return response


def _behind_a_secret(request):
    """A link with a secret in it (confirm, unsubscribe, cancel: core.pagecache.token_page) is not
    written down, even when it leads nowhere."""
    match = getattr(request, "resolver_match", None)
    return bool(getattr(getattr(match, "func", None), "token_page", False))
