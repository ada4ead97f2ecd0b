"""Association coordinators (issue 22): a volunteer whose link says so registers people without an email
address for published events, always in the name of their own association, and sees only their own
association's people on the attendance list. Other volunteers get 403; staff rules are unchanged."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from events.models import Registration
from tests.factories import RegistrationFactory, VolunteerFactory, make_association, make_event, make_network
from tests.helpers import login_code

pytestmark = pytest.mark.django_db

PEOPLE = {"name": "Jan Peeters", "phone": "0470 12 34 56", "people": "1"}


@pytest.fixture
def world(frozen):
    network = make_network("netwerk-tegen-armoede", 0)
    schakel = make_association(network, "De Schakel", postcode="2870", municipality="Puurs")
    vlot = make_association(network, "Het Vlot", postcode="9000", municipality="Gent")
    event = make_event(network, "trefdag", registration_mode="formulier", capacity=10)
    coordinator = VolunteerFactory(email="coordinator@example.org", associations=[schakel])
    coordinator.volunteering.update(registers_others=True)
    volunteer = VolunteerFactory(email="vrijwilliger@example.org", associations=[vlot])
    return {"event": event, "schakel": schakel, "vlot": vlot, "coordinator": coordinator, "volunteer": volunteer}


def signed_in(user):
    """Signed in as volunteers are: a code mailed to them (allauth's login by code)."""
    client = Client()
    mail.outbox.clear()
    assert client.post(reverse("account_request_login_code"), {"email": user.email}).status_code == 302
    code = login_code(mail.outbox[0].body)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    mail.outbox.clear()
    return client


def register_path(event):
    return f"/agenda/{event.slug}/inschrijven-voor-anderen/"


def attendance_path(event):
    return f"/agenda/{event.slug}/aanwezigheden/"


def test_coordinator_registers_people_in_the_name_of_their_association(world):
    client = signed_in(world["coordinator"])
    page = client.get(register_path(world["event"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="De Schakel" selected>' in html and "Het Vlot" not in html
    response = client.post(register_path(world["event"]), {**PEOPLE, "association": "De Schakel"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.association, registration.registered_by, registration.status) == (
        "De Schakel",
        world["coordinator"],
        "bevestigd",
    )


def test_coordinator_cannot_register_for_another_association(world):
    client = signed_in(world["coordinator"])
    response = client.post(register_path(world["event"]), {**PEOPLE, "association": "Het Vlot"})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_coordinator_sees_only_their_own_associations_people(world):
    event = world["event"]
    RegistrationFactory(event=event, name="Mia Schakel", association="De Schakel", status="bevestigd")
    RegistrationFactory(event=event, name="Piet Vlot", association="Het Vlot", status="bevestigd")
    RegistrationFactory(event=event, name="Zonder Vereniging", status="bevestigd")
    page = signed_in(world["coordinator"]).get(attendance_path(event))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mia Schakel" in html and "Piet Vlot" not in html and "Zonder Vereniging" not in html


def test_volunteer_without_the_coordinator_tick_gets_403(world):
    client = signed_in(world["volunteer"])
    assert client.get(register_path(world["event"])).status_code == 403
    assert client.post(register_path(world["event"]), {**PEOPLE, "association": "Het Vlot"}).status_code == 403
    assert client.get(attendance_path(world["event"])).status_code == 403
    assert not Registration.objects.exists()


def test_coordinator_gets_403_for_an_unpublished_event(world):
    event = world["event"]
    event.published = False
    event.save()
    client = signed_in(world["coordinator"])
    assert client.get(register_path(event)).status_code == 403
    assert client.get(attendance_path(event)).status_code == 403


def test_signed_out_visitors_still_go_to_the_sign_in(world):
    response = Client().get(attendance_path(world["event"]))
    assert response.status_code == 302
    assert response["Location"] == f"/beheer/login/?next={attendance_path(world['event'])}"
