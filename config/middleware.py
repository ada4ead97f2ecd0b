"""Response headers Django has no setting for, and the admin's one exception to the CSP."""

import base64
import functools
import hashlib
import re

from django.conf import settings
from django.urls import reverse_lazy


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


class AdminImportMapMiddleware:
    """Let the admin's pages run the editor (its import map and its one style element) under the
    site's strict policy: exact hashes, never 'unsafe-inline'.

    Listed after csp.middleware.CSPMiddleware, so it marks the response before that one
    writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = reverse_lazy("admin:index")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(str(self.prefix)):
            response._csp_update = {"script-src": [editor_importmap_hash()], "style-src": [EDITOR_STYLE_HASH]}
        return response
