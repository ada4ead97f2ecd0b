"""The admin works under the site's Content-Security-Policy: no inline script or style is refused."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.management import call_command

from campaigns.models import Campaign
from newsletter.models import Issue
from tests.helpers import totp_code, with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_raise_no_content_security_policy_violation(browser_context, live_server):
    call_command("load_demo", verbosity=0)
    user = with_mfa(User.objects.create_superuser("csp", "csp@example.org", "een-lang-wachtwoord-voor-de-test"))
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    page = browser_context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: message.type in ("error", "warning") and problems.append(f"{page.url}: {message.text}"),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + "/beheer/")
    page.locator("form.account-form").get_by_label("E-mailadres").fill("csp@example.org")
    page.locator("form.account-form").get_by_label("Wachtwoord").fill("een-lang-wachtwoord-voor-de-test")
    page.locator("form.account-form").get_by_role("button", name="Aanmelden").click()
    page.locator("form.account-form").get_by_label("Code").fill(totp_code(user.totp_secret))
    page.locator("form.account-form").get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live_server.url + "/beheer/")
    paths = [
        "/beheer/",
        "/beheer/news/newspost/add/",
        "/beheer/network/page/add/",
        "/beheer/associations/association/add/",
        f"/beheer/campaigns/campaign/{Campaign.objects.get(slug='lokaalsociaal').pk}/change/",
        "/beheer/events/event/add/",
        "/beheer/events/event/?q=forum",
        f"/beheer/newsletter/issue/{Issue.objects.first().pk}/change/",
        "/beheer/campaigns/signature/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path, wait_until="load")
        assert response.status == 200, path
        assert "content-security-policy" in response.headers  # Playwright gives header names in lower case
    # The rich-text editor really started (its toolbar is built by script).
    page.goto(live_server.url + "/beheer/news/newspost/add/", wait_until="load")
    assert page.locator(".prose-menubar, .ProseMirror").count() > 0
    violations = [problem for problem in problems if "Content Security Policy" in problem or "Refused" in problem]
    assert not violations, violations
