"""Staff register people who have no email address, on the site: the permission matrix (editors: their own
networks only, 403 for another network's event as for a preview), the same seats and waiting list as the
public form, confirmed at once, no mail to them, and a mail to the staff member when they move up."""

import datetime

import pytest
from django.core import mail

from events.models import Registration
from events.registrations import cancel
from network.permissions import Role
from tests.factories import RegistrationFactory, StaffFactory, SuperuserFactory, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

PEOPLE = {"name": "Jan Peeters en Mia Peeters", "phone": "0470 12 34 56", "people": "2", "needs_transport": "on"}
ROLES = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}


@pytest.fixture
def event(world):
    return make_event(world["bpa"], "trefdag", registration_mode="formulier", capacity=3)


@pytest.fixture
def users(world):
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group in ROLES.items():
        users[role] = StaffFactory(username=role, email=f"{role}@example.org", role=group, networks=[world["bpa"]])
    users["other_editor"] = StaffFactory(
        username="other", email="other@example.org", role=Role.NETWORK_EDITOR, networks=[world["tpa"]]
    )
    return users


def path(event):
    return f"/agenda/{event.slug}/inschrijven-voor-anderen/"


# Who may open the page and post to it: 200 / 302 after a registration; 403 otherwise.
MATRIX = {
    "superuser": True,
    "network_editor": True,
    "other_editor": False,
    "newsletter_manager": False,
    "association_editor": False,
}


@pytest.mark.parametrize("role", MATRIX)
def test_only_editors_of_the_events_network_register_others(client, event, users, role):
    client.force_login(users[role])
    page = client.get(path(event))
    response = client.post(path(event), PEOPLE)
    if MATRIX[role]:
        assert page.status_code == 200 and response.status_code == 302
        assert Registration.objects.get().registered_by == users[role]
    else:
        assert page.status_code == 403 and response.status_code == 403
        assert not Registration.objects.exists()


def test_signed_out_visitors_are_sent_to_the_sign_in(client, event):
    response = client.get(path(event))
    assert response.status_code == 302 and response["Location"].startswith("/beheer/login/")
    assert client.post(path(event), PEOPLE).status_code == 302
    assert not Registration.objects.exists()


def test_an_event_without_the_sites_form_has_no_such_page(client, world, users):
    client.force_login(users["network_editor"])
    assert client.get(path(make_event(world["bpa"], "vrij"))).status_code == 404
    assert client.get("/agenda/bestaat-niet/inschrijven-voor-anderen/").status_code == 404


def test_people_registered_by_staff_are_confirmed_at_once_without_mail(client, event, users):
    client.force_login(users["network_editor"])
    page = client.get(path(event))
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    html = page.content.decode().split('id="main-content"')[1].split("</main>")[0]
    assert 'name="email"' not in html and 'type="tel"' in html and 'name="website"' not in html

    response = client.post(path(event), PEOPLE)
    assert response.status_code == 302 and response["Location"] == path(event)
    registration = Registration.objects.get()
    assert (registration.status, registration.email, registration.phone, registration.people) == (
        "bevestigd",
        "",
        "0470 12 34 56",
        2,
    )
    assert registration.needs_transport and registration.confirmed_at is not None
    assert mail.outbox == []
    after = client.get(response["Location"]).content.decode()
    assert nl("%(name)s is registered. Tell them: they get no mail.") % {"name": PEOPLE["name"]} in after
    assert nl("%(counter)s seat left.") % {"counter": 1} in after


def test_a_full_event_puts_them_on_the_waiting_list_and_staff_hear_when_they_move_up(client, event, users):
    first = RegistrationFactory(event=event, people=2, status="bevestigd", confirmed_at=event.created_at)
    client.force_login(users["network_editor"])
    response = client.post(path(event), PEOPLE)
    registration = Registration.objects.get(registered_by=users["network_editor"])
    assert registration.status == "wachtlijst"
    message = nl(
        "%(name)s is on the waiting list: the event is full. Tell them; when seats come free for them, "
        "they move up and you get a mail."
    ) % {"name": PEOPLE["name"]}
    assert message in client.get(response["Location"]).content.decode()
    assert mail.outbox == []

    cancel(registration=first, request=None)
    registration.refresh_from_db()
    assert registration.status == "bevestigd"
    [cancelled, told] = mail.outbox
    assert cancelled.to == [first.email]
    assert told.to == ["network_editor@example.org"]
    assert told.subject == nl("A seat has come free for %(name)s: %(title)s") % {
        "name": PEOPLE["name"],
        "title": event.title,
    }
    assert "0470 12 34 56" in told.body


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0470 12 34 56", "0470 12 34 56"),
        ("011/12.34.56", "011/12.34.56"),
        ("  +32  470 12 34 56 ", "+32 470 12 34 56"),
        ("0031 6 12345678", "0031 6 12345678"),
        ("", ""),
    ],
)
def test_belgian_and_international_phone_numbers_are_accepted(client, event, users, phone, stored):
    client.force_login(users["network_editor"])
    assert client.post(path(event), {**PEOPLE, "phone": phone}).status_code == 302
    assert Registration.objects.get().phone == stored


@pytest.mark.parametrize(
    "phone", ["12345", "0470 12 34 5", "011 12 34 567", "+32", "bel me", "0470 12 34 56 78 90 12", "+0470123456"]
)
def test_other_phone_numbers_are_refused_in_dutch(client, event, users, phone):
    client.force_login(users["network_editor"])
    response = client.post(path(event), {**PEOPLE, "phone": phone})
    assert response.status_code == 400
    assert nl(
        "Give a Belgian phone number (for example 0470 12 34 56 or 011 12 34 56) or an international one with +."
    ) in response.content.decode().replace("&#x27;", "'")
    assert not Registration.objects.exists()


def test_a_group_of_three_needs_the_reason_as_on_the_public_form(client, event, users):
    client.force_login(users["network_editor"])
    response = client.post(path(event), {**PEOPLE, "people": "3"})
    assert response.status_code == 400
    assert 'href="#id_group_reason"' in response.content.decode()
    assert client.post(path(event), {**PEOPLE, "people": "3", "group_reason": "Gezin Peeters."}).status_code == 302


def test_staff_register_after_the_public_deadline_but_not_once_the_event_began(client, event, users, frozen):
    event.registration_closes_at = event.starts_at - datetime.timedelta(days=2)
    event.save()
    # A staff session lasts 10 hours at most: sign in again after each leap in time.
    frozen.move_to(event.registration_closes_at + datetime.timedelta(hours=1))
    client.force_login(users["network_editor"])
    assert client.post(path(event), PEOPLE).status_code == 302
    frozen.move_to(event.starts_at)
    client.force_login(users["network_editor"])
    page = client.get(path(event))
    assert page.status_code == 200 and 'method="post"' not in page.content.decode()
    assert client.post(path(event), {**PEOPLE, "name": "Te laat"}).status_code == 409
    assert Registration.objects.count() == 1


def test_status_change_mails_skip_people_without_an_address(client, event, users):
    from events.registrations import notify_status_change

    client.force_login(users["network_editor"])
    client.post(path(event), PEOPLE)
    RegistrationFactory(event=event, status="bevestigd")
    event.status, event.status_reason = "geannuleerd", "Storm."
    event.save()
    assert notify_status_change(event=event, request=None) == 1
    assert len(mail.outbox) == 1
