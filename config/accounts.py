"""How django-allauth treats accounts here: staff only, no public sign-up."""

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Staff accounts are made by a superuser in the admin; nobody signs up."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        """The QR code as inline SVG with a text alternative (the CSP allows no data: images)."""
        svg = super().build_totp_svg(url)
        svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
        label = _("QR code to scan with the authenticator app")
        return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
