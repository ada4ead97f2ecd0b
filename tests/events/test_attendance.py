"""The attendance list to print: for staff of the event's network only (403 for another network's event),
never cached, with the names, number of people, needs and phone of those registered, and the waiting list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Registration
from network.permissions import Role
from tests.factories import RegistrationFactory, StaffFactory, SuperuserFactory, make_event
from tests.helpers import nl, nl_plural

pytestmark = pytest.mark.django_db

# Who may read the list of an event of network bpa: True for 200, False for 403.
MATRIX = {
    "superuser": True,
    "network_editor": True,
    "other_editor": False,
    "newsletter_manager": False,
    "association_editor": False,
}


@pytest.fixture
def event(world):
    event = make_event(world["bpa"], "trefdag", registration_mode="formulier", capacity=4, asks_accessibility=True)
    RegistrationFactory(event=event, name="Rita Peeters", people=2, needs_diet=True, status="bevestigd")
    Registration.objects.create(
        event=event, name="Jan Peeters", phone="0470 12 34 56", needs_accessibility=True, status="bevestigd"
    )
    RegistrationFactory(event=event, name="Karel Wachtend", people=3, group_reason="Gezin.", status="wachtlijst")
    RegistrationFactory(event=event, name="Nog Onbevestigd", status="onbevestigd")
    RegistrationFactory(event=event, name="Al Geannuleerd", status="geannuleerd")
    return event


@pytest.fixture
def users(world):
    users = {"superuser": SuperuserFactory(username="super")}
    roles = {
        "network_editor": (Role.NETWORK_EDITOR, world["bpa"]),
        "other_editor": (Role.NETWORK_EDITOR, world["tpa"]),
        "newsletter_manager": (Role.NEWSLETTER_MANAGER, world["bpa"]),
        "association_editor": (Role.ASSOCIATION_EDITOR, world["bpa"]),
    }
    for name, (role, network) in roles.items():
        users[name] = StaffFactory(username=name, role=role, networks=[network])
    return users


def path(event):
    return f"/agenda/{event.slug}/aanwezigheden/"


@pytest.mark.parametrize("role", MATRIX)
def test_only_staff_of_the_events_network_read_the_list(client, event, users, role):
    client.force_login(users[role])
    response = client.get(path(event))
    assert response.status_code == (200 if MATRIX[role] else 403)
    assert ("Rita Peeters" in response.content.decode()) == MATRIX[role]


def test_signed_out_visitors_are_sent_to_the_sign_in(client, event):
    response = client.get(path(event))
    assert response.status_code == 302 and response["Location"].startswith("/beheer/login/")


def test_the_list_shows_names_people_needs_and_phone_and_is_never_cached(client, event, users):
    client.force_login(users["network_editor"])
    response = client.get(path(event))
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.content.decode()
    rows = html.split(nl("Waiting list, in order"))
    registered, waiting = rows[0], rows[1]
    assert registered.index("Jan Peeters") < registered.index("Rita Peeters"), "by name"
    assert "0470 12 34 56" in registered and nl("accessibility") in registered and nl("dietary needs") in registered
    assert nl_plural("%(counter)s person registered", "%(counter)s people registered", 3) in html
    assert "Karel Wachtend" in waiting and "Gezin." in waiting
    assert "Nog Onbevestigd" not in html and "Al Geannuleerd" not in html
    assert f'href="/agenda/{event.slug}/inschrijven-voor-anderen/"' in html


def test_the_list_costs_the_same_queries_for_many_registrations(client, event, users):
    client.force_login(users["network_editor"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path(event)).status_code == 200
        return len(queries)

    count()  # the first request of a session records it (allauth's user sessions)
    before = count()
    for number in range(10):
        RegistrationFactory(event=event, name=f"Extra {number}", status="wachtlijst")
    assert count() == before


def test_an_event_without_the_sites_form_has_no_list(client, world, users):
    client.force_login(users["network_editor"])
    assert client.get(path(make_event(world["bpa"], "vrij"))).status_code == 404
