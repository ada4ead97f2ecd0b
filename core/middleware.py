"""Response headers Django has no setting for, and the admin's one exception to the CSP."""

import base64
import functools
import hashlib
import re

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.urls import get_urlconf, reverse


class PermissionsPolicyMiddleware:
    """Turn off browser features no page here uses (camera, microphone, location, ...)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


@functools.cache
def editor_importmap_hash():
    """The CSP hash of the rich-text editor's import map, the one inline script the admin needs.

    Computed from the editor's own ImportMap object (not from the response), so a script
    injected into a page could never be allowed by it.
    """
    from django_prose_editor.widgets import importmap

    content = re.search(r"<script[^>]*>(.*)</script>", str(importmap.render()), re.DOTALL).group(1)
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"


# The <style> element the editor (django-prose-editor 0.28, Tiptap inside) adds to the page.
# tests/browser/test_admin_csp.py fails when an upgrade changes it: put the new hash here.
EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


@functools.lru_cache
def _admin_prefix(urlconf):
    return reverse("admin:index", urlconf=urlconf)


def admin_prefix():
    """The admin's URL prefix ("/beheer/"), looked up once instead of on every request."""
    return _admin_prefix(get_urlconf() or settings.ROOT_URLCONF)


class AdminImportMapMiddleware:
    """Let the admin's pages run the editor (its import map and its one style element) under the
    site's strict policy: exact hashes, never 'unsafe-inline'.

    Listed after csp.middleware.CSPMiddleware, so it marks the response before that one
    writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(admin_prefix()):
            response._csp_update = {"script-src": [editor_importmap_hash()], "style-src": [EDITOR_STYLE_HASH]}
        return response


class StaffMFAMiddleware:
    """A signed-in session that has not passed the second factor gets no page but the ones that
    finish or end its sign-in (core/secondfactor.py). settings.STAFF_MFA_WAIVED (local demo
    only) lifts this.

    In process_view, where the URL's name is known; a URL that matches nothing answers 404 to
    everyone alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from core.secondfactor import second_factor_response

        return second_factor_response(request, request.resolver_match.view_name)


class AccountFormStatusMiddleware:
    """allauth re-renders a form with errors as 200; here bad input answers 400 like every other
    form on the site, and too many failed sign-ins answer 429."""

    url_names = ("account_", "mfa_", "usersessions_")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        match = request.resolver_match
        if (
            request.method != "POST"
            or response.status_code != 200
            or not (match and match.url_name and match.url_name.startswith(self.url_names))
        ):
            return response
        form = (response.context_data or {}).get("form")
        if form is not None and form.is_bound and form.errors:
            rate_limited = any(error.code == "too_many_login_attempts" for error in form.non_field_errors().data)
            response.status_code = 429 if rate_limited else 400
        return response


class StaffAuditlogMiddleware(AuditlogMiddleware):
    """django-auditlog's actor recording, only for requests that can have a signed-in user.

    It hooks the model signals around every request it wraps; a visitor without a session
    cookie changes nothing the audit trail follows, so their requests skip that work.
    """

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        return super().__call__(request)
