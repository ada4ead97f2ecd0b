"""Subscribing to the newsletter in Chromium: every page a subscriber sees passes the quality gate, errors included."""

import re

import pytest
from django.core.management import call_command

from newsletter.models import Subscriber, Subscription
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.helpers import mail_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscriber_journey_passes_the_gate(browser, live_server, smtp_sink):
    call_command("load_demo", verbosity=0)
    gate = QualityGate(browser, live_server.url)
    try:
        reports = [gate.check(live_server.url + "/")]
        page = gate.page
        # The footer's GET form leads to the full form with the address filled in.
        page.get_by_label("Je e-mailadres").fill("greet@example.org")
        reports.append(gate.submit(page.locator(".footer-newsletter").get_by_role("button")))
        assert page.locator("#id_email").input_value() == "greet@example.org"
        # Without a newsletter ticked the server answers with a linked error.
        page.get_by_label("Nieuwsbrief NTA").uncheck()
        form_button = page.locator("main").get_by_role("button", name="Inschrijven")
        reports.append(gate.submit(form_button, expected_status=400))
        assert page.locator(".form-errors a").count() == 1
        page.get_by_label("Nieuwsbrief NTA").check()
        page.get_by_label("Naam (niet verplicht):").fill("Greet Janssens")
        reports.append(gate.submit(page.locator("main").get_by_role("button", name="Inschrijven")))
        assert "Kijk in je mailbox" in page.content()

        confirm_path = re.search(
            r"https?://[^/\s]+(/nieuwsbrief/bevestig/\S+/)", mail_body(smtp_sink.wait_for(1)[0])
        ).group(1)
        # The link names the newsletters and shows one button (no JavaScript: a plain form).
        reports.append(gate.check(live_server.url + confirm_path))
        assert "Bevestig je inschrijving" in page.content()
        greet = Subscription.objects.filter(subscriber__email="greet@example.org")
        assert list(greet.values_list("status", flat=True)) == [Subscription.Status.PENDING]
        reports.append(gate.submit(page.locator("main").get_by_role("button", name="Bevestig mijn inschrijving")))
        assert "Je bent ingeschreven" in page.content()
        preferences_url = page.get_by_role("link", name="Je voorkeuren").get_attribute("href")
        reports.append(gate.check(live_server.url + confirm_path[:-6] + "xxxxx/", expected_status=400))

        # Preferences: add a second newsletter.
        reports.append(gate.check(preferences_url))
        page.get_by_label("Nieuwsbrief TPA").check()
        reports.append(gate.submit(page.get_by_role("button", name="Bewaar mijn keuze")))
        assert "Je keuze is bewaard" in page.content()
        subscriber = Subscriber.objects.get(email="greet@example.org")
        assert subscriber.subscriptions.filter(status=Subscription.Status.CONFIRMED).count() == 2

        # Unsubscribe: one button.
        unsubscribe_path = re.sub(r"^https?://[^/]+", "", _unsubscribe_url(subscriber))
        reports.append(gate.check(live_server.url + unsubscribe_path))
        reports.append(gate.submit(page.locator("main").get_by_role("button", name="Afmelden")))
        assert "Je bent afgemeld" in page.content()
        assert subscriber.subscriptions.filter(status=Subscription.Status.CONFIRMED).count() == 1

        # Erase everything.
        reports.append(gate.check(preferences_url))
        reports.append(gate.submit(page.get_by_role("button", name="Wis mijn gegevens")))
        assert not Subscriber.objects.filter(email="greet@example.org").exists()
        reports.append(gate.check(preferences_url, expected_status=404))
    finally:
        gate.close()
    assert_reports_pass(reports)


def _unsubscribe_url(subscriber):
    from newsletter.subscribing import UNSUBSCRIBE, signed_url

    subscription = subscriber.subscriptions.get(mailing_list__network__slug="netwerk-tegen-armoede")
    return signed_url(
        "newsletter:unsubscribe", UNSUBSCRIBE, [subscriber.pk, subscriber.nonce, subscription.mailing_list_id]
    )
