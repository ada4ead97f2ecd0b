"""How django-allauth treats accounts here: staff only, no public sign-up, the site's client-address
rule, and other sessions ended when the second factor changes.

The receivers below are connected when network/apps.py imports this module.
"""

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.ratelimit import client_ip
from core.secondfactor import record_second_factor


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Staff accounts are made by a superuser in the admin; nobody signs up."""
        return False

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
