"""Signing a campaign in Chromium: every page a signer sees passes the quality gate, errors included."""

import re

import pytest
from django.core.management import call_command

from campaigns.models import Signature
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.helpers import mail_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signer_journey_passes_the_gate(browser, live_server, smtp_sink):
    call_command("load_demo", verbosity=0)
    gate = QualityGate(browser, live_server.url)
    campaign_url = live_server.url + "/acties/zorg-voor-iedereen/"
    try:
        reports = [gate.check(campaign_url)]
        page = gate.page
        # The server checks the form (novalidate): an empty post shows linked errors.
        reports.append(gate.submit(page.get_by_role("button", name="Teken", exact=True), expected_status=400))
        assert page.locator(".form-errors a").count() == 3
        form = page.locator("form.signature-form")
        form.get_by_label("Naam:", exact=True).fill("Greet Janssens")
        form.get_by_label("Gemeente of postcode").fill("Tongeren")
        form.get_by_label("E-mailadres").fill("greet@example.org")
        form.get_by_label("Toon mijn naam op deze pagina").check()
        reports.append(gate.submit(page.get_by_role("button", name="Teken", exact=True)))
        assert "Kijk in je mailbox" in page.content()

        body = mail_body(smtp_sink.wait_for(1)[0])
        confirm_path, erase_path = (
            re.search(rf"https?://[^/\s]+(/acties/\S+/{kind}/\S+/)", body).group(1)
            for kind in ("bevestig", "handtekening")
        )
        # The link shows what it confirms and one button (no JavaScript: a plain form).
        reports.append(gate.check(live_server.url + confirm_path))
        assert "Je tekende als: Greet Janssens (Tongeren)." in page.content()
        assert not Signature.objects.get(email="greet@example.org").is_confirmed
        reports.append(gate.submit(page.get_by_role("button", name="Bevestig mijn handtekening")))
        assert "Je handtekening telt mee" in page.content()
        assert Signature.objects.get(email="greet@example.org").is_confirmed
        reports.append(gate.check(campaign_url))
        assert "Greet Janssens" in page.content()
        reports.append(gate.check(live_server.url + confirm_path[:-6] + "xxxxx/", expected_status=400))
        reports.append(gate.check(live_server.url + erase_path))
        reports.append(gate.submit(page.get_by_role("button", name="Wis mijn handtekening")))
        assert not Signature.objects.filter(email="greet@example.org").exists()
        reports.append(gate.check(live_server.url + erase_path, expected_status=404))
    finally:
        gate.close()
    assert_reports_pass(reports)


def test_confirming_works_without_javascript(browser, live_server):
    """The confirmation page is a plain form: a browser without JavaScript confirms with its button."""
    from campaigns.signing import CONFIRM
    from core.tokens import make_token
    from tests.factories import make_campaign, make_network, make_signature

    campaign = make_campaign(make_network("eigen", 0))
    signature = make_signature(campaign, 1, confirmed=False)
    context = browser.new_context(locale="nl-BE", java_script_enabled=False)
    try:
        page = context.new_page()
        token = make_token(CONFIRM, [signature.pk, signature.nonce])
        page.goto(f"{live_server.url}/acties/{campaign.slug}/bevestig/{token}/")
        signature.refresh_from_db()
        assert not signature.is_confirmed
        page.get_by_role("button", name="Bevestig mijn handtekening").click()
        page.wait_for_load_state()
        assert "Je handtekening telt mee" in page.content()
    finally:
        context.close()
    signature.refresh_from_db()
    assert signature.is_confirmed
