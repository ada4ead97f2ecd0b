"""Staff accounts in the documented deployment shape (gunicorn workers behind a proxy that appends
the visitor's address to X-Forwarded-For, Redis, PostgreSQL, mail over SMTP): the sign-in limits
count per real client, the second factor counts per session on every staff page, and setting it
up ends the other sessions."""

import re
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from network.models import Network
from news.models import NewsPost
from tests.helpers import mail_body, totp_code, with_mfa

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PASSWORD = "een-lang-wachtwoord-achter-de-proxy"
TIMEOUT = 15
SET_UP = "/accounts/2fa/totp/activate/"


def make_staff(email, *, mfa):
    # Hashed for the servers' settings (the tests' hasher is one production does not accept).
    staff = get_user_model().objects.create_superuser(email, email)
    staff.password = PBKDF2PasswordHasher().encode(PASSWORD, "zout-voor-de-test", iterations=1000)
    staff.save()
    EmailAddress.objects.create(user=staff, email=email, primary=True, verified=True)
    return with_mfa(staff) if mfa else staff


@pytest.fixture(scope="module")
def data(committed_db):
    network = Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )
    draft = NewsPost.objects.create(
        network=network, title="Ontwerp", slug="ontwerp", status=NewsPost.Status.DRAFT, lead="Kort.", body="<p>x</p>"
    )
    return SimpleNamespace(
        draft=draft,
        attacked=make_staff("redactie@example.org", mfa=True),
        switching=make_staff("wissel@example.org", mfa=False),
        newcomer=make_staff("nieuw@example.org", mfa=False),
    )


def csrf_token(session, url):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=TIMEOUT).text).group(1)


def post_form(session, url, fields):
    """A form as a browser sends it: the page first (its CSRF token), then the post."""
    token = csrf_token(session, url)
    return session.post(url, {**fields, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=TIMEOUT)


def fresh_code(secret):
    """The app's code, with at least 3 seconds of its 30-second period left for the round trip."""
    while 30 - time.time() % 30 < 3:
        time.sleep(0.2)
    return totp_code(secret)


def get(session, site, path):
    return session.get(site.url + path, allow_redirects=False, timeout=TIMEOUT)


def test_failed_sign_ins_from_one_client_leave_another_clients_sign_in_alone(deployed_site, data):
    login = deployed_site.url + "/accounts/login/"
    attacker = deployed_site.client("203.0.113.10")
    token = csrf_token(attacker, login)
    statuses = [
        attacker.post(
            login,
            {"login": f"iemand{attempt}@example.org", "password": "fout", "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=TIMEOUT,
        ).status_code
        for attempt in range(20)
    ]
    assert statuses == [400] * 20
    response = post_form(attacker, login, {"login": data.attacked.email, "password": PASSWORD})
    assert response.status_code == 429, "the attacker's own address is locked out, the right password too"

    staff = deployed_site.client("198.51.100.20")
    response = post_form(staff, login, {"login": data.attacked.email, "password": PASSWORD})
    assert (response.status_code, response.headers.get("Location")) == (302, "/accounts/2fa/authenticate/")
    code_url = deployed_site.url + "/accounts/2fa/authenticate/"
    response = post_form(staff, code_url, {"code": fresh_code(data.attacked.totp_secret)})
    assert (response.status_code, response.headers.get("Location")) == (302, "/beheer/")
    assert get(staff, deployed_site, "/beheer/").status_code == 200

    sessions = get(staff, deployed_site, "/accounts/sessions/")
    assert sessions.status_code == 200
    table = sessions.text.split("<table>", 1)[1].split("</table>", 1)[0]
    assert "198.51.100.20" in table
    assert "127.0.0.1" not in table, "the proxy's address is nobody's"


def test_setting_up_the_app_signs_the_password_only_session_out_everywhere(deployed_site, data):
    user = data.switching
    login = deployed_site.url + "/accounts/login/"
    before = deployed_site.client("203.0.113.21")  # signed in with the password before the set-up
    response = post_form(before, login, {"login": user.email, "password": PASSWORD})
    assert (response.status_code, response.headers.get("Location")) == (302, "/beheer/")
    assert get(before, deployed_site, "/beheer/").headers["Location"] == SET_UP

    elsewhere = deployed_site.client("198.51.100.21")
    post_form(elsewhere, login, {"login": user.email, "password": PASSWORD})
    response = get(elsewhere, deployed_site, SET_UP)
    assert response.headers.get("Location") == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    response = post_form(elsewhere, deployed_site.url + response.headers.get("Location"), {"password": PASSWORD})
    assert response.headers.get("Location") == SET_UP
    page = get(elsewhere, deployed_site, SET_UP).text
    secret = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page).group(1)
    # The token of the page that showed the secret: each view of the page makes a new secret.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = elsewhere.post(
        deployed_site.url + SET_UP,
        {"code": fresh_code(secret), "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert (response.status_code, response.headers.get("Location")) == (302, "/accounts/2fa/recovery-codes/")
    assert get(elsewhere, deployed_site, "/beheer/").status_code == 200, "the session that set it up is in"

    response = get(before, deployed_site, "/beheer/")
    assert (response.status_code, response.headers.get("Location")) == (302, "/beheer/login/?next=/beheer/")
    response = get(before, deployed_site, "/accounts/email/")
    assert (response.status_code, response.headers.get("Location")) == (302, "/accounts/login/?next=/accounts/email/")

    # Sent before the answer to the set-up (SMTP, in the request).
    (notice,) = deployed_site.mail.to(user.email)
    assert notice["Subject"] == "Authenticator-app geactiveerd"
    assert "IP adres: 198.51.100.21" in mail_body(notice)


def test_a_password_only_session_gets_no_preview_and_adds_no_address(deployed_site, data):
    user = data.newcomer
    browser = deployed_site.client("203.0.113.31")
    post_form(browser, deployed_site.url + "/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = get(browser, deployed_site, f"/nieuws/voorbeeld/{data.draft.pk}/")
    assert (response.status_code, response.headers.get("Location")) == (302, SET_UP)
    response = get(browser, deployed_site, "/accounts/email/")
    assert (response.status_code, response.headers.get("Location")) == (302, SET_UP)
    token = browser.cookies["csrftoken"]
    response = browser.post(
        deployed_site.url + "/accounts/email/",
        {"action_add": "", "email": "dief@example.org", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert (response.status_code, response.headers.get("Location")) == (302, SET_UP)
    assert not EmailAddress.objects.filter(email="dief@example.org").exists()
