"""How django-allauth treats accounts here: staff and association volunteers, no public sign-up, the
site's client-address rule, sign-in codes rate limited, and other sessions ended when the second
factor changes.

The receivers below are connected when network/apps.py imports this module.
"""

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import RequestLoginCodeForm
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from core import ratelimit
from core.ratelimit import client_ip
from core.secondfactor import record_second_factor


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Staff accounts are made by a superuser in the admin; nobody signs up."""
        return False

    def get_login_redirect_url(self, request):
        """Staff go to the admin; anybody else (a volunteer, signed in by a mailed code) to their own page."""
        if request.user.is_staff:
            return super().get_login_redirect_url(request)
        return resolve_url(settings.NON_STAFF_LOGIN_REDIRECT_URL)

    def get_client_ip(self, request):
        """The site's one client-address rule (settings.PROXY_COUNT), for allauth's sign-in rate
        limits, the sessions it lists and the address in its notification mails."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed sign-ins count per account, not per account and host name: allauth puts the
        request's host in the key, which gave five tries per account for each name the site
        answers to (a network's own domain, with and without www). Password reset clears the
        same key."""
        return credentials.get("email", credentials.get("username", "")).lower()


class LoginCodeForm(RequestLoginCodeForm):
    """Asking for a sign-in code also counts against the site's own limit (settings.RATE_LIMITS
    "login_code", per client and per address), beside allauth's per-minute one: every request
    mails a code, so a robot could otherwise fill a volunteer's inbox an hour long."""

    def clean_email(self):
        email = super().clean_email()
        if email and not ratelimit.allow(context.request, "login_code", email=email):
            raise self.get_adapter_error()
        return email

    def get_adapter_error(self):
        from django import forms

        return forms.ValidationError(_("Too many codes asked for this address. Try again in an hour."))


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        """The QR code as inline SVG with a text alternative (the CSP allows no data: images)."""
        svg = super().build_totp_svg(url)
        svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
        label = _("QR code to scan with the authenticator app")
        return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


@receiver(mfa_signals.authenticator_added, dispatch_uid="core.accounts.second_factor_added")
@receiver(mfa_signals.authenticator_removed, dispatch_uid="core.accounts.second_factor_removed")
@receiver(mfa_signals.authenticator_reset, dispatch_uid="core.accounts.second_factor_reset")
def end_other_sessions_on_second_factor_change(sender, request, user, authenticator, **kwargs):
    """A second factor set up, removed or its recovery codes renewed: every other session of the
    user ends (one signed in with the password alone before the set-up, one of whoever made the
    change necessary). The session that made the change stays; having just proved the new app
    with a code, it counts as passed (core/secondfactor.py)."""
    from allauth.usersessions.models import UserSession

    current = request.session.session_key
    for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=current):
        session.end()
    if authenticator.type == Authenticator.Type.TOTP and kwargs.get("signal") is mfa_signals.authenticator_added:
        record_second_factor(request, authenticator)
