"""An association coordinator's pages in Chromium (the page to register people without an email address,
with the association to choose, and the attendance list) pass the quality gate."""

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.browser.quality import QualityGate, assert_reports_pass
from tests.factories import EVENTS_NOW, VolunteerFactory, make_association, make_event, make_network
from tests.helpers import login_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_pages_pass_the_gate(browser, live_server):
    with time_machine.travel(EVENTS_NOW, tick=True):
        network = make_network("netwerk-tegen-armoede", 0)
        schakel = make_association(network, "De Schakel", postcode="2870", municipality="Puurs")
        event = make_event(network, "trefdag", registration_mode="formulier", capacity=10)
        coordinator = VolunteerFactory(email="coordinator@example.org", associations=[schakel])
        coordinator.volunteering.update(registers_others=True)
        client = Client()
        client.post(reverse("account_request_login_code"), {"email": coordinator.email})
        code = login_code(mail.outbox[0].body)
        client.post(reverse("account_confirm_login_code"), {"code": code})
        gate = QualityGate(browser, live_server.url)
        gate.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = gate.page
        try:
            reports = [gate.check(live_server.url + f"/agenda/{event.slug}/inschrijven-voor-anderen/")]
            page.locator("#id_name").fill("Jan Peeters")
            reports.append(gate.submit(page.locator("form.registration-form button[type=submit]")))
            assert "Jan Peeters" in page.content()
            reports.append(gate.check(live_server.url + f"/agenda/{event.slug}/aanwezigheden/"))
            assert "Jan Peeters" in page.content()
        finally:
            gate.close()
    assert_reports_pass(reports)
