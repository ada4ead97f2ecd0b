""" "Mijn vereniging" in Chromium: a volunteer gets a sign-in code by mail (a real SMTP server), signs in,
changes the Tuesday hours; the network's editor gets a mail and approves; the profile shows the new
hours. A second change is returned with a reason and stays invisible. Every volunteer page on the way
passes the quality gate (axe, Nu Html Checker, one h1, no outside request, no CSP violation)."""

import datetime
import re

import pytest
from django.test import Client

from associations import checkup
from associations.models import HeldChange, OpeningHours
from network.permissions import Role
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.factories import StaffFactory, VolunteerFactory, make_association, make_network
from tests.helpers import login_code, mail_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = 1


def staff_session(gate, user, live_server):
    """Give the gate's browser the session of a staff member signed in with the second factor."""
    client = Client()
    client.force_login(user)  # as allauth signs in, second factor included (tests/conftest.py)
    cookie = client.cookies["sessionid"]
    gate.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_volunteer_journey(browser, live_server, smtp_sink):
    network = make_network("netwerk-tegen-armoede", 0)
    association = make_association(network, "De Schakel", postcode="2870", municipality="Puurs")
    OpeningHours.objects.create(
        association=association, weekday=TUESDAY, opens=datetime.time(9), closes=datetime.time(12), what="Soep"
    )
    StaffFactory(email="redactie@example.org", role=Role.NETWORK_EDITOR, networks=[network])
    editor = StaffFactory(email="hoofdredactie@example.org", role=Role.NETWORK_EDITOR, networks=[network])
    VolunteerFactory(email="vrijwilliger@example.org", associations=[association])
    profile = live_server.url + association.get_absolute_url()

    gate = QualityGate(browser, live_server.url)
    reviewer = QualityGate(browser, live_server.url)
    staff_session(reviewer, editor, live_server)
    page = gate.page
    reports = []
    try:
        # Signed out, "Mijn vereniging" asks for the address to mail a code to.
        reports.append(gate.check(live_server.url + "/mijn-vereniging/"))
        assert page.url.startswith(live_server.url + "/accounts/login/code/")
        page.locator("main input[name=email]").fill("vrijwilliger@example.org")
        reports.append(gate.submit(page.locator("main form button[type=submit]").first))
        assert page.url.startswith(live_server.url + "/accounts/login/code/confirm/")
        (message,) = smtp_sink.wait_for(1)
        assert message["To"] == "vrijwilliger@example.org"
        code = login_code(mail_body(message))
        page.locator("main input[name=code]").fill("AAAA-AAAA")
        reports.append(gate.submit(page.locator("main form button[type=submit]").first, expected_status=400))
        page.locator("main input[name=code]").fill(code)
        reports.append(gate.submit(page.locator("main form button[type=submit]").first))
        assert page.url == live_server.url + "/mijn-vereniging/de-schakel/"

        # Tuesday from 13 to 16.30: wrong first (closing before opening), then right.
        page.locator("#id_uren-0-opens").fill("13:00")
        page.locator("#id_uren-0-closes").fill("10:00")
        reports.append(gate.submit(page.get_by_role("button", name="Verstuur ter goedkeuring"), expected_status=400))
        assert "Het sluitingsuur moet na het openingsuur komen." in page.content()
        page.locator("#id_uren-0-closes").fill("16:30")
        reports.append(gate.submit(page.get_by_role("button", name="Verstuur ter goedkeuring")))
        assert "Je wijzigingen wachten op een redacteur" in page.content()
        assert "9\u201312 u" in Client().get(association.get_absolute_url()).content.decode()

        # Both editors of the network are mailed; one approves in the admin.
        smtp_sink.wait_for(3)  # the code, then one mail to each editor of the network
        (to_editor,) = smtp_sink.to("hoofdredactie@example.org")
        assert to_editor["Subject"] == "Een wijziging na te kijken voor De Schakel"
        review = re.search(r"https?://[^/\s]+(/beheer/\S+/change/)", mail_body(to_editor)).group(1)
        reviewer.page.goto(live_server.url + review)
        reviewer.page.get_by_label("Goedkeuren: online zetten").check()
        with reviewer.page.expect_navigation():
            reviewer.page.locator("input[name=_save]").click()
        assert HeldChange.objects.get().status == HeldChange.Status.APPROVED
        approved = smtp_sink.wait_for(4)[-1]
        assert approved["Subject"] == "Je wijziging aan De Schakel staat online"
        reports.append(gate.check(profile))
        assert "13\u201316.30 u" in page.content() and "9\u201312 u" not in page.content()

        # A second change, returned with a reason: it never shows.
        reports.append(gate.check(live_server.url + "/mijn-vereniging/de-schakel/"))
        page.locator("#id_intro").fill("Een inleiding die niet klopt.")
        reports.append(gate.submit(page.get_by_role("button", name="Verstuur ter goedkeuring")))
        assert "Wacht op goedkeuring" in page.content()
        smtp_sink.wait_for(6)
        second = HeldChange.objects.get(status=HeldChange.Status.PENDING)
        reviewer.page.goto(live_server.url + f"/beheer/associations/heldchange/{second.pk}/change/")
        reviewer.page.get_by_label("Terugsturen naar de vrijwilliger").check()
        reviewer.page.locator("#id_reason").fill("Die inleiding klopt niet met wat jullie doen.")
        with reviewer.page.expect_navigation():
            reviewer.page.locator("input[name=_save]").click()
        returned = smtp_sink.wait_for(7)[-1]
        assert returned["Subject"] == "Je wijziging aan De Schakel werd teruggestuurd"
        assert "Die inleiding klopt niet met wat jullie doen." in mail_body(returned)
        reports.append(gate.check(profile))
        assert "Een inleiding die niet klopt." not in page.content()
        reports.append(gate.check(live_server.url + "/mijn-vereniging/de-schakel/"))
        assert "Die inleiding klopt niet met wat jullie doen." in page.content()

        # The volunteer's session stays out of the admin.
        reports.append(gate.check(live_server.url + "/beheer/", expected_status=403))

        # The yearly check's page, its button and its thanks.
        checkup.ask_all(live_server.url)
        check_mail = smtp_sink.wait_for(8)[-1]
        check_path = re.search(r"https?://[^/\s]+(/mijn-vereniging/klopt-dit/\S+/)", mail_body(check_mail)).group(1)
        reports.append(gate.check(live_server.url + check_path))
        reports.append(gate.submit(page.get_by_role("button", name="Ja, het klopt nog")))
        assert "staat vandaag als nagekeken genoteerd" in page.content()
        reports.append(gate.check(live_server.url + check_path[:-6] + "xxxxx/", expected_status=400))

        # Signing out.
        reports.append(gate.check(live_server.url + "/mijn-vereniging/de-schakel/"))
        reports.append(gate.submit(page.locator("main form[action='/accounts/logout/'] button")))
        assert page.url == live_server.url + "/"
    finally:
        gate.close()
        reviewer.close()
    assert_reports_pass(reports)
