"""The second factor: a signed-in session counts only once it passed it. One rule for every page.

Every account here is a staff account. allauth asks for the authenticator app's code at sign-in
once the app is set up, and notes in the session each step it passed (its authentication
records: "password", "mfa", ...). A session without the "mfa" step (signed in with the password
before the app was set up, or on another device while it was set up) reaches only the pages that
finish or end a sign-in; every other URL answers as the admin does: the set-up page for a user
without an authenticator app, the code prompt for one with it.

Deny by default, not a list of staff-only views: the previews, unpublished events and their
forms, the account pages and the admin are covered where they are, and so is any staff-only
view added later, without anybody remembering to add it to a list. The cost is small: a
half-signed-in staff member is sent to the set-up page from public pages too, until they finish
or sign out.

Association volunteers are the one exception: a non-staff account signed in with a code mailed
to it (allauth's login by code) has no second factor and needs none, because it reaches nothing
a second factor guards. Its session is refused (403) the admin and every account page but signing
in and out (deny by default: any account page allauth adds later is refused too); elsewhere it
is a visitor with a "Mijn vereniging" page, and every staff view refuses it by its own
permission check (staff only: `network.permissions.can_preview`, the admin's `is_staff`).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# The URLs a session that has not passed the second factor may open (view names).
OPEN_VIEWS = frozenset(
    {
        # Signing in and out.
        "account_login",
        "account_logout",
        "admin_login",
        "admin:logout",
        "account_inactive",
        "mfa_authenticate",
        # The code prompt for a user with the app, and setting the app up for one without
        # (allauth asks for the password again first: "account_reauthenticate").
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "account_reauthenticate",
        # Address verification and a forgotten password, which work signed out too.
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        # A preview's share link: public by its token, whatever session the browser holds.
        "network:shared_preview",
        # Public files the pages above load: a network's house style and (in development) media.
        "network:stylesheet",
        "media",
    }
)


# Areas a volunteer's session may not enter (view-name prefixes), and the exceptions in them.
CLOSED_TO_VOLUNTEERS = ("admin:", "admin_", "account_", "mfa_", "usersessions_")
VOLUNTEER_OPEN_VIEWS = frozenset(
    {"account_login", "account_logout", "account_request_login_code", "account_confirm_login_code"}
)


def signed_in_by_code(request):
    """Whether this session's sign-in was a code mailed to the account (allauth's login by code)."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "code" for record in get_authentication_records(request, request.user))


def is_volunteer_session(request):
    """A signed-in non-staff account that came in with a mailed code: an association volunteer."""
    user = request.user
    return user.is_authenticated and not user.is_staff and not user.is_superuser and signed_in_by_code(request)


def passed_second_factor(request):
    """Whether this session's sign-in included a code of the authenticator app (or a recovery code)."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def second_factor_response(request, view_name):
    """None when the request may go on; otherwise where a session without the second factor goes."""
    # Without a session cookie nobody is signed in; not reading the session keeps public pages
    # free of "Vary: Cookie", which would split every cache in front of them.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    if view_name in VOLUNTEER_OPEN_VIEWS or (
        view_name in OPEN_VIEWS and not view_name.startswith(CLOSED_TO_VOLUNTEERS)
    ):
        return None  # open to every session (signing in and out, a network's style sheet, media)
    user = request.user
    if not user.is_authenticated:
        return None
    # Before the exceptions below: a volunteer's session never opens the admin or an account page,
    # the demo's waiver and the pages that finish a staff sign-in included.
    if is_volunteer_session(request):
        if view_name.startswith(CLOSED_TO_VOLUNTEERS) and view_name not in VOLUNTEER_OPEN_VIEWS:
            raise PermissionDenied
        return None
    if settings.STAFF_MFA_WAIVED or view_name in OPEN_VIEWS:
        return None
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user, types=[Authenticator.Type.TOTP]):
        messages.warning(
            request,
            _("Set up sign-in with an authenticator app first. Without it the admin stays closed."),
        )
        return redirect("mfa_activate_totp")
    if passed_second_factor(request):
        return None
    messages.warning(
        request,
        _("Enter the code from your authenticator app: this session has not been confirmed with it yet."),
    )
    return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()}))


def record_second_factor(request, authenticator):
    """Count the session that has just set up the app as passed: it proved the app with a code."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, request.user, "mfa", id=authenticator.pk, type=authenticator.type)
