"""The needs an event asks about: the forms (public and staff) show only those, only those are stored, and
they go, with phone numbers, when the retention rule erases the registrations; the export covers them."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import personaldata
from events.models import Registration
from network.permissions import Role
from tests.factories import StaffFactory, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

NEEDS = ["needs_transport", "needs_childcare", "needs_diet", "needs_accessibility"]


@pytest.fixture
def event(world):
    """Asks about diet and accessibility only."""
    return make_event(
        world["tpa"],
        "forum",
        registration_mode="formulier",
        asks_transport=False,
        asks_childcare=False,
        asks_diet=True,
        asks_accessibility=True,
    )


def main_content(response):
    return response.content.decode().split('id="main-content"')[1].split("</main>")[0]


def asked(html):
    return [name for name in NEEDS if f'name="{name}"' in html]


def test_a_new_event_asks_what_the_form_always_asked(world):
    event = make_event(world["tpa"], "nieuw", registration_mode="formulier")
    assert event.needs_asked == ["needs_transport", "needs_childcare", "needs_diet"]


def test_the_public_form_asks_only_the_events_needs_and_stores_only_those(client, event, smtp_sink):
    page = main_content(client.get(f"/agenda/{event.slug}/inschrijven/"))
    assert asked(page) == ["needs_diet", "needs_accessibility"]
    assert '<label for="id_needs_accessibility">' in page
    posted = {"name": "Rita", "email": "rita@example.org", "people": "1"}
    response = client.post(
        f"/agenda/{event.slug}/inschrijven/", {**posted, "needs_transport": "on", "needs_accessibility": "on"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.needs_transport, registration.needs_accessibility) == (False, True)
    assert registration.needs == [nl("accessibility")]


def test_an_event_asking_no_needs_shows_no_needs_fieldset(client, world):
    event = make_event(
        world["tpa"],
        "kort",
        registration_mode="formulier",
        asks_transport=False,
        asks_childcare=False,
        asks_diet=False,
    )
    page = main_content(client.get(f"/agenda/{event.slug}/inschrijven/"))
    assert asked(page) == [] and "<fieldset" not in page


def test_the_staff_form_asks_the_same_needs(client, event, world):
    client.force_login(StaffFactory(username="redactie", role=Role.NETWORK_EDITOR, networks=[world["tpa"]]))
    path = f"/agenda/{event.slug}/inschrijven-voor-anderen/"
    assert asked(main_content(client.get(path))) == ["needs_diet", "needs_accessibility"]
    response = client.post(path, {"name": "Jan", "people": "1", "needs_childcare": "on", "needs_diet": "on"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.needs_childcare, registration.needs_diet) == (False, True)


def test_needs_and_phone_numbers_go_with_the_registrations_by_the_retention_rule(event, frozen, settings):
    Registration.objects.create(
        event=event,
        name="Jan",
        phone="0470 12 34 56",
        needs_diet=True,
        needs_accessibility=True,
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    frozen.move_to(event.ends_at + datetime.timedelta(days=settings.REGISTRATION_RETENTION_DAYS - 1))
    call_command("purge_registrations", stdout=StringIO())
    assert Registration.objects.count() == 1
    frozen.shift(datetime.timedelta(days=2))
    call_command("purge_personal_data", stdout=StringIO())
    assert not Registration.objects.exists()


def test_the_export_of_a_registration_holds_its_phone_and_needs(event):
    registration = Registration.objects.create(
        event=event, name="Rita", email="rita@example.org", phone="0470 12 34 56", needs_accessibility=True
    )
    [kind] = [kind for kind in personaldata.kinds() if kind.key == "events.registration"]
    exported = kind.export(registration)
    assert exported[nl("phone")] == "0470 12 34 56"
    assert exported[nl("needs")] == [nl("accessibility")]
