"""A staff member's sign-in in Chromium: every page on the way passes the quality gate (axe, Nu Html
Checker, one h1, no outside request, no CSP violation), the wrong password and code included."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User

from tests.browser.quality import QualityGate, assert_reports_pass, validate_html
from tests.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-wachtwoord-voor-de-test"


def test_staff_sets_up_a_second_factor_and_signs_in(browser, live_server):
    user = User.objects.create_user("redactie@example.org", "redactie@example.org", PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    gate = QualityGate(browser, live_server.url)
    page = gate.page
    reports = []

    def sign_in(password):
        page.locator("form.account-form").get_by_label("E-mailadres").fill(user.email)
        page.locator("form.account-form").get_by_label("Wachtwoord").fill(password)
        return page.locator("form.account-form").get_by_role("button", name="Aanmelden")

    try:
        reports.append(gate.check(live_server.url + "/accounts/password/reset/"))
        reports.append(gate.check(live_server.url + "/accounts/login/?next=/beheer/"))
        reports.append(gate.submit(sign_in("fout-wachtwoord"), expected_status=400))
        assert "niet correct" in page.content()
        # Password right, no second factor yet: the admin sends to the set-up, after the password again.
        reports.append(gate.submit(sign_in(PASSWORD)))
        assert page.url.startswith(live_server.url + "/accounts/reauthenticate/")
        page.locator("form.account-form").get_by_label("Wachtwoord").fill(PASSWORD)
        reports.append(gate.submit(page.locator("form.account-form").get_by_role("button", name="Bevestig")))
        assert page.url == live_server.url + "/accounts/2fa/totp/activate/"
        assert page.get_by_role("img", name="QR-code").count() == 1
        secret = page.locator("#authenticator_secret").input_value()
        page.locator("form.account-form").get_by_label("Authenticator code").fill("123456")
        reports.append(
            gate.submit(page.locator("form.account-form").get_by_role("button", name="Bevestig"), expected_status=400)
        )
        page.locator("form.account-form").get_by_label("Authenticator code").fill(totp_code(secret))
        reports.append(gate.submit(page.locator("form.account-form").get_by_role("button", name="Bevestig")))
        for path in (
            "/accounts/2fa/",
            "/accounts/2fa/recovery-codes/",
            "/accounts/sessions/",
            "/accounts/password/change/",
            "/accounts/email/",
        ):
            reports.append(gate.check(live_server.url + path))
        codes = re.findall(r"\b\d{8}\b", gate.check(live_server.url + "/accounts/2fa/recovery-codes/").html)
        assert len(codes) == 10
        reports.append(gate.check(live_server.url + "/accounts/logout/"))
        reports.append(gate.submit(page.locator("form.account-form").get_by_role("button", name="Afmelden")))

        # The next sign-in asks for the code.
        gate.check(live_server.url + "/beheer/")
        reports.append(gate.submit(sign_in(PASSWORD)))
        assert page.url == live_server.url + "/accounts/2fa/authenticate/"
        page.locator("form.account-form").get_by_label("Code").fill("000000")
        reports.append(
            gate.submit(page.locator("form.account-form").get_by_role("button", name="Aanmelden"), expected_status=400)
        )
        page.locator("form.account-form").get_by_label("Code").fill(codes[0])
        with page.expect_navigation():
            page.locator("form.account-form").get_by_role("button", name="Aanmelden").click()
        assert page.url == live_server.url + "/beheer/"
    finally:
        gate.close()
    assert_reports_pass(reports)


def test_a_session_without_the_code_is_asked_for_it(browser, live_server):
    """Signed in with the password before the app was set up on another device: the admin asks
    this session for the app's code first, on a page that passes the quality gate."""
    from tests.helpers import with_mfa

    user = User.objects.create_user("redactie@example.org", "redactie@example.org", PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    gate = QualityGate(browser, live_server.url)
    page = gate.page
    try:
        gate.check(live_server.url + "/accounts/login/")
        page.locator("form.account-form").get_by_label("E-mailadres").fill(user.email)
        page.locator("form.account-form").get_by_label("Wachtwoord").fill(PASSWORD)
        gate.submit(page.locator("form.account-form").get_by_role("button", name="Aanmelden"))
        with_mfa(user)
        report = gate.check(live_server.url + "/beheer/")
        assert page.url == live_server.url + "/accounts/2fa/reauthenticate/?next=%2Fbeheer%2F"
        assert "Vul de code van je authenticator-app in" in report.html
        while 30 - time.time() % 30 < 3:  # a code with time left for the round trip
            time.sleep(0.2)
        page.locator("form.account-form").get_by_label("Code").fill(totp_code(user.totp_secret))
        with page.expect_navigation():
            page.locator("form.account-form").get_by_role("button", name="Bevestig").click()
        assert page.url == live_server.url + "/beheer/"
    finally:
        gate.close()
    html_errors = validate_html({"code prompt": report.html})
    assert not report.problems and not html_errors["code prompt"], (report.problems, html_errors)
