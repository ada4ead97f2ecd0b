"""Registering for an event in Chromium: every page a visitor sees passes the quality gate, errors included,
and the pages reached only from a mail (confirm, cancel) too."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Registration
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.helpers import mail_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registration_journey_passes_the_gate(browser, live_server, smtp_sink):
    call_command("load_demo", verbosity=0)
    gate = QualityGate(browser, live_server.url)
    event_path = f"/agenda/trefdag-limburg-{timezone.localdate().year + 1}-05/"
    try:
        reports = [gate.check(live_server.url + event_path)]
        page = gate.page
        page.locator(f'a[href="{event_path}inschrijven/"]').click()
        reports.append(gate.check(page.url))
        button = page.locator("form.registration-form button[type=submit]")
        # The server checks the form (novalidate): wrong answers show a summary linked to the fields.
        page.locator("#id_people").fill("0")
        reports.append(gate.submit(button, expected_status=400))
        assert page.locator(".error-summary a").count() == 3
        page.locator("#id_name").fill("Greet Janssens")
        page.locator("#id_email").fill("greet@example.org")
        page.locator("#id_people").fill("3")
        # Three seats on one address: the network wants to know who comes along.
        reports.append(gate.submit(button, expected_status=400))
        assert page.locator('.error-summary a[href="#id_group_reason"]').count() == 1
        page.locator("#id_group_reason").fill("Mijn twee kinderen.")
        page.locator("#id_needs_childcare").check()
        reports.append(gate.submit(button))
        assert page.url.endswith(f"{event_path}inschrijven/bedankt/")
        registration = Registration.objects.get(email="greet@example.org")
        assert (registration.status, registration.people, registration.needs_childcare) == ("onbevestigd", 3, True)

        # The link in the mail shows one button; only pressing it confirms the seat.
        confirm_path = re.search(
            r"https?://[^/\s]+(/agenda/inschrijving/bevestigen/\S+/)", mail_body(smtp_sink.wait_for(1)[0])
        ).group(1)
        reports.append(gate.check(live_server.url + confirm_path))
        registration.refresh_from_db()
        assert registration.status == "onbevestigd"
        reports.append(gate.submit(page.locator("main form button[type=submit]")))
        registration.refresh_from_db()
        assert registration.status == "bevestigd"

        cancel_path = re.search(
            r"https?://[^/\s]+(/agenda/inschrijving/annuleren/\S+/)", mail_body(smtp_sink.wait_for(2)[1])
        ).group(1)
        reports.append(gate.check(live_server.url + cancel_path))
        reports.append(gate.submit(page.locator("main form button[type=submit]")))
        registration.refresh_from_db()
        assert registration.status == "geannuleerd"
        reports.append(gate.check(live_server.url + cancel_path[:-6] + "xxxxx/", expected_status=400))
        reports.append(gate.check(live_server.url + confirm_path[:-6] + "xxxxx/", expected_status=400))
        reports.append(gate.check(live_server.url + f"/agenda/{timezone.localdate().year + 99}/", expected_status=404))
    finally:
        gate.close()
    assert_reports_pass(reports)
