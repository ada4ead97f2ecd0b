"""Issue 22's journey in Chromium: an association's coordinator (a volunteer account) or a network editor
registers two people without an email address for a full event, they land on the waiting list, a
cancellation moves them up, and the attendance list (on screen and printed) shows their names and needs.
The pages pass the same checks as public pages."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.models import Association
from events.models import Registration
from events.registrations import cancel_token
from network.models import Network
from network.permissions import Role
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.factories import EVENTS_NOW, RegistrationFactory, StaffFactory, VolunteerFactory, make_event
from tests.helpers import login_code, mail_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(gate, live_server, user, smtp_sink):
    """The browser carries the session of `user`: a staff member who passed the second factor, or a
    volunteer signed in with a code mailed to them (allauth's login by code; the mail is then set aside)."""
    client = Client()
    if user.is_staff:
        client.force_login(user)
    else:
        client.post(reverse("account_request_login_code"), {"email": user.email})
        (message,) = smtp_sink.wait_for(1)
        code = login_code(mail_body(message))
        assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
        smtp_sink.messages.clear()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    gate.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def registrar(network, kind):
    """Who registers the others: a network editor, or a volunteer ticked as their association's coordinator."""
    if kind == "editor":
        return StaffFactory(
            username="redactie-tpa", email="redactie@example.org", role=Role.NETWORK_EDITOR, networks=[network]
        )
    association = Association.objects.active().filter(network=network).order_by("name").first()
    coordinator = VolunteerFactory(email="coordinator@example.org", associations=[association])
    coordinator.volunteering.update(registers_others=True)
    return coordinator


@pytest.mark.parametrize("kind", ["coordinator", "editor"])
def test_two_people_without_email_are_registered_move_up_and_appear_on_the_list(browser, live_server, smtp_sink, kind):
    call_command("load_demo", verbosity=0)
    network = Network.objects.get(slug="trefpunt-armoede")
    # make_event counts days from EVENTS_NOW; the live server runs on the real clock.
    days = (timezone.now() - EVENTS_NOW).days + 10
    event = make_event(
        network, "buurtfeest", days=days, registration_mode="formulier", capacity=2, asks_accessibility=True
    )
    holder = RegistrationFactory(
        event=event, name="Greet Janssens", email="greet@example.org", people=2, status="bevestigd"
    )
    registering = registrar(network, kind)
    gate = QualityGate(browser, live_server.url)
    page = gate.page
    signed_in(gate, live_server, registering, smtp_sink)
    others = f"{live_server.url}/agenda/{event.slug}/inschrijven-voor-anderen/"
    try:
        reports = [gate.check(others)]
        assert page.url == others, page.url
        assert "volzet" in page.locator("main").inner_text()
        # A wrong phone number: the server says so, linked to the field.
        page.get_by_label("Naam of namen").fill("Jan Peeters")
        page.get_by_label("Telefoon (niet verplicht)").fill("bel me")
        reports.append(gate.submit(page.locator("form.registration-form button[type=submit]"), expected_status=400))
        assert page.locator('.error-summary a[href="#id_phone"]').count() == 1
        page.get_by_label("Telefoon (niet verplicht)").fill("0470 12 34 56")
        page.locator("#id_needs_diet").check()
        reports.append(gate.submit(page.locator("form.registration-form button[type=submit]")))
        assert "Jan Peeters staat op de wachtlijst" in page.locator(".messages").inner_text()
        page.get_by_label("Naam of namen").fill("Mia Claes")
        page.locator("#id_needs_accessibility").check()
        reports.append(gate.submit(page.locator("form.registration-form button[type=submit]")))
        assert "Mia Claes staat op de wachtlijst" in page.locator(".messages").inner_text()
        waiting = Registration.objects.filter(event=event, email="").order_by("pk")
        assert [(item.name, item.status) for item in waiting] == [
            ("Jan Peeters", "wachtlijst"),
            ("Mia Claes", "wachtlijst"),
        ]

        # Greet cancels with the link from her mail (in a browser without the staff session).
        visitor = QualityGate(browser, live_server.url)
        try:
            cancel_url = f"{live_server.url}/agenda/inschrijving/annuleren/{cancel_token(holder)}/"
            reports.append(visitor.check(cancel_url))
            reports.append(visitor.submit(visitor.page.locator("main form button[type=submit]")))
        finally:
            visitor.close()
        assert [item.status for item in waiting.all()] == ["bevestigd", "bevestigd"]
        # Greet gets her cancellation; who registered them is told, once per registration, whom to call.
        messages = smtp_sink.wait_for(3)
        to_registrar = [message for message in messages if message["To"] == registering.email]
        assert len(to_registrar) == 2 and "0470 12 34 56" in mail_body(to_registrar[0])

        reports.append(gate.check(f"{live_server.url}/agenda/{event.slug}/aanwezigheden/"))
        registered = page.locator("table.attendance-table").first
        for text in ("Jan Peeters", "0470 12 34 56", "speciaal dieet", "Mia Claes", "toegankelijkheid"):
            assert text in registered.inner_text()
        assert "Greet Janssens" not in page.locator("main").inner_text()
        # On paper: the list without the site's navigation and footer.
        page.emulate_media(media="print")
        assert registered.is_visible()
        assert not page.locator(".site-footer").is_visible()
        assert not page.locator(".site-header nav").first.is_visible()
    finally:
        gate.close()
    assert_reports_pass(reports)
