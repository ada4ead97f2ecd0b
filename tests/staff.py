"""Staff sign-in through allauth's pages, for the tests of accounts, the second factor and client addresses."""

import re

from django.urls import reverse

from tests.factories import StaffFactory, SuperuserFactory
from tests.helpers import totp_code

PASSWORD = "een-lang-wachtwoord-voor-de-test"


def make_staff(email="redactie@example.org", *, superuser=True, verified=True, mfa=True):
    factory = SuperuserFactory if superuser else StaffFactory
    return factory(username=email, email=email, password=PASSWORD, verified=verified, mfa=mfa)


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def confirm_password(client):
    """allauth asks for the password again before a second factor is set up: a stolen session alone
    cannot attach the thief's phone."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")


def set_up_authenticator(client):
    """Through allauth's set-up page; the secret of the new authenticator app.

    allauth announces the new authenticator when its transaction commits (core/accounts.py
    listens), so tests that set one up run with real transactions (`transaction=True`).
    """
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret
