"""Registering with the site's form, end to end: seats, the waiting list, the mails through a real SMTP
server, the cancel link, and every way a visitor, a bot or a crowd can get it wrong."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from events.forms import RegistrationForm
from events.models import Event, Registration
from events.registrations import CANCEL_PURPOSE, cancel_token
from network.tokens import TokenExpired, TokenInvalid, make_token
from tests.factories import make_event, make_network
from tests.helpers import mail_body, nl, nl_plural
from tests.pgcluster import free_port

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Rita Peeters",
    "email": "Rita@Example.org",
    "association": "De Schakel",
    "people": "2",
    "needs_transport": "on",
    "needs_diet": "on",
    "remarks": "Vegetarisch",
}
CANCEL_LINK = re.compile(r"https?://[^/\s]+(/agenda/inschrijving/annuleren/[^/\s]+/)")


@pytest.fixture
def event(world):
    return make_event(world["tpa"], "trefdag", registration_mode="formulier", capacity=5)


def register(client, event, **changes):
    return client.post(f"/agenda/{event.slug}/inschrijven/", {**PERSON, **changes})


def cancel_path(message):
    return CANCEL_LINK.search(mail_body(message)).group(1)


def taken(event):
    return Registration.objects.filter(event=event, status="bevestigd").aggregate(total=Sum("people"))["total"] or 0


def test_form_page_is_accessible_and_sets_only_the_csrf_cookie(client, event):
    response = client.get("/agenda/trefdag/inschrijven/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<fieldset" in html and "<legend>" in html
    for name in ["needs_transport", "needs_childcare", "needs_diet"]:
        assert f'<label for="id_{name}">' in html
    assert 'name="website"' in html and 'name="csrfmiddlewaretoken"' in html
    assert set(response.cookies) == {"csrftoken"}
    assert nl_plural("%(counter)s seat left.", "%(counter)s seats left.", 5) in html


def test_register_gets_a_seat_and_a_mail_with_a_cancel_link(client, event, smtp_sink):
    response = register(client, event)
    assert response.status_code == 302
    assert response["Location"] == "/agenda/trefdag/inschrijven/bedankt/"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert nl("Thank you for registering") in thanks.content.decode()

    registration = Registration.objects.get()
    assert (registration.status, registration.email, registration.people) == ("bevestigd", "rita@example.org", 2)
    assert (registration.needs_transport, registration.needs_childcare, registration.needs_diet) == (
        True,
        False,
        True,
    )
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "rita@example.org"
    assert message["Subject"] == nl("Your registration for %(title)s") % {"title": event.title}
    body = mail_body(message)
    assert event.title in body and "Rita Peeters" in body
    assert f"{nl('Your needs')}: {nl('transport')}, {nl('dietary needs')}\r\n" in body
    assert cancel_path(message).startswith("/agenda/inschrijving/annuleren/")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert cancel_path(message) in html


def test_full_event_puts_people_on_the_waiting_list(client, event, smtp_sink):
    register(client, event, email="a@example.org", people="4")
    register(client, event, email="b@example.org", people="2")  # 4 + 2 > 5: waiting
    register(client, event, email="c@example.org", people="1")  # fits in the last seat
    register(client, event, email="d@example.org", people="1")  # full: waiting
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.org": "bevestigd",
        "b@example.org": "wachtlijst",
        "c@example.org": "bevestigd",
        "d@example.org": "wachtlijst",
    }
    assert taken(event) == 5
    smtp_sink.wait_for(4)
    waiting = smtp_sink.to("b@example.org")[0]
    assert waiting["Subject"] == nl("You are on the waiting list for %(title)s") % {"title": event.title}
    page = client.get(event.get_absolute_url()).content.decode()
    assert nl("Join the waiting list") in page


def test_cancelling_gives_the_seats_to_the_waiting_list_in_order(client, event, smtp_sink):
    register(client, event, email="a@example.org", people="5")
    register(client, event, email="b@example.org", people="3")
    register(client, event, email="c@example.org", people="4")
    register(client, event, email="d@example.org", people="2")
    smtp_sink.wait_for(4)
    path = cancel_path(smtp_sink.to("a@example.org")[0])

    page = client.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Registration.objects.get(email="a@example.org").status == "bevestigd", "opening the link changes nothing"

    response = client.post(path)
    assert response.status_code == 302
    assert nl("Your registration is cancelled") in client.get(response["Location"]).content.decode()
    statuses = dict(Registration.objects.values_list("email", "status"))
    # Five seats came free: b (3) moves up; c (4) no longer fits, d (2) does.
    assert statuses == {
        "a@example.org": "geannuleerd",
        "b@example.org": "bevestigd",
        "c@example.org": "wachtlijst",
        "d@example.org": "bevestigd",
    }
    messages = smtp_sink.wait_for(7)
    assert smtp_sink.to("a@example.org")[-1]["Subject"] == nl("Your registration for %(title)s is cancelled") % {
        "title": event.title
    }
    promoted = nl("A seat has come free for you: %(title)s") % {"title": event.title}
    assert [m["Subject"] for m in smtp_sink.to("b@example.org")][-1] == promoted
    assert [m["Subject"] for m in smtp_sink.to("d@example.org")][-1] == promoted
    assert len(smtp_sink.to("c@example.org")) == 1

    # The same link again: harmless, nothing moves, no mail.
    assert client.post(path).status_code == 302
    again = client.get(path)
    assert again.status_code == 200 and nl("Your registration is cancelled") in again.content.decode()
    assert dict(Registration.objects.values_list("email", "status")) == statuses
    assert len(messages) == 7 and len(smtp_sink.messages) == 7


def test_the_same_address_twice_gets_no_second_seat_but_a_mail(client, event, smtp_sink):
    first = register(client, event)
    second = register(client, event, email="  RITA@example.ORG ", people="3")
    assert first["Location"] == second["Location"], "the page reveals nothing"
    assert Registration.objects.count() == 1 and taken(event) == 2
    messages = smtp_sink.wait_for(2)
    assert messages[1]["Subject"] == nl("You had already registered for %(title)s") % {"title": event.title}
    assert cancel_path(messages[1]) == cancel_path(messages[0])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "niet-een-token",
        lambda token: make_token("newsletter-unsubscribe", [1, "x"]),
    ],
)
def test_a_tampered_cancel_link_is_a_400_with_a_message(client, event, smtp_sink, tamper):
    register(client, event)
    token = cancel_path(smtp_sink.wait_for(1)[0]).rstrip("/").rsplit("/", 1)[1]
    for method in (client.get, client.post):
        response = method(f"/agenda/inschrijving/annuleren/{tamper(token)}/")
        assert response.status_code == 400
        assert str(TokenInvalid.message) in response.content.decode()
    assert Registration.objects.get().status == "bevestigd"


def test_a_cancel_link_with_a_right_signature_but_another_nonce_is_refused(client, event, smtp_sink):
    register(client, event)
    registration = Registration.objects.get()
    forged = make_token(CANCEL_PURPOSE, [registration.pk, "geraden"])
    assert client.post(f"/agenda/inschrijving/annuleren/{forged}/").status_code == 400
    assert client.get(f"/agenda/inschrijving/annuleren/{cancel_token(registration)}/").status_code == 200
    assert TokenExpired.message != TokenInvalid.message


def test_the_cancel_link_never_expires(client, event, smtp_sink, frozen):
    register(client, event)
    path = cancel_path(smtp_sink.wait_for(1)[0])
    frozen.shift(datetime.timedelta(days=9))  # before the event, after the week confirmation links last
    assert client.post(path).status_code == 302
    assert Registration.objects.get().status == "geannuleerd"


def test_after_the_start_the_link_no_longer_cancels(client, event, smtp_sink, frozen):
    register(client, event)
    path = cancel_path(smtp_sink.wait_for(1)[0])
    frozen.move_to(event.starts_at + datetime.timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 200 and 'method="post"' not in page.content.decode()
    assert client.post(path).status_code == 409
    assert Registration.objects.get().status == "bevestigd"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "Give your name."),
        ({"email": "geen-adres"}, "email", "Give a valid email address, for example naam@voorbeeld.be."),
        ({"email": ""}, "email", "Give your email address."),
        ({"people": "0"}, "people", "Register at least one person."),
        ({"people": "11"}, "people", None),
        ({"people": "veel"}, "people", "Give the number of people as a number, for example 2."),
        ({"people": ""}, "people", "Give the number of people."),
        ({"remarks": "x" * 501}, "remarks", None),
        ({"name": "x" * 121}, "name", None),
        ({"association": "x" * 151}, "association", None),
        ({"name": "Rita\x00"}, "name", None),
    ],
)
def test_an_invalid_post_is_a_400_with_a_clear_message_and_stores_nothing(client, event, changes, field, message):
    response = register(client, event, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert nl("Some answers are not right yet") in html
    assert f'<a href="#id_{field}">' in html, "the summary links to the field"
    # The field points at its error, after its help text where it has one.
    help_text = f"id_{field}_helptext " if RegistrationForm().fields[field].help_text else ""
    assert f'aria-describedby="{help_text}id_{field}_error"' in html
    if message:
        assert nl(message) in html
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_filled_in_honeypot_looks_like_success_and_stores_nothing(client, event):
    response = register(client, event, website="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/agenda/trefdag/inschrijven/bedankt/"
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_burst_of_registrations_is_refused_with_429(client, event, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "registration": {"ip": (3, 3600), "address": (10, 3600)}}
    statuses = [register(client, event, email=f"r{number}@example.org", people="1").status_code for number in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    response = register(client, event, email="nieuw@example.org", people="1")
    assert response.status_code == 429
    assert (
        nl("We received many registrations from you in a short time. Wait an hour and try again, or contact us.")
        in response.content.decode()
    )
    assert Registration.objects.count() == 3
    # Another visitor is not held back.
    assert register(Client(REMOTE_ADDR="10.1.2.3"), event, email="ander@example.org", people="1").status_code == 302


def test_one_address_is_limited_too(client, event, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "registration": {"ip": (100, 3600), "address": (2, 3600)}}
    statuses = [register(Client(REMOTE_ADDR=f"10.0.0.{n}"), event).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_closed_registration(client, world):
    started = make_event(world["tpa"], "bezig", days=0, start_time=datetime.time(9), registration_mode="formulier")
    cancelled = make_event(
        world["tpa"], "afgelast", registration_mode="formulier", status="geannuleerd", status_reason="Storm."
    )
    without_form = make_event(world["tpa"], "vrij")
    for closed in (started, cancelled):
        page = client.get(f"/agenda/{closed.slug}/inschrijven/")
        assert page.status_code == 200
        assert nl("Registration for this event is closed.") in page.content.decode()
        assert "<form" not in page.content.decode().split('id="main-content"')[1].split("</main>")[0]
        assert register(client, closed).status_code == 409
        assert f"/agenda/{closed.slug}/inschrijven/" not in client.get(closed.get_absolute_url()).content.decode()
    assert client.get(f"/agenda/{without_form.slug}/inschrijven/").status_code == 404
    assert register(client, without_form).status_code == 404
    assert not Registration.objects.exists()


def test_a_post_without_csrf_token_is_refused(event):
    client = Client(enforce_csrf_checks=True)
    assert register(client, event).status_code == 403
    assert not Registration.objects.exists()


def test_registration_stands_when_the_mail_server_is_down(client, event, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    response = register(client, event)
    assert response.status_code == 302
    assert Registration.objects.get().status == "bevestigd"
    assert "Could not send the confirmed mail" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_the_capacity():
    """Thirty people press the button at the same moment, each through their own connection."""
    network = make_network("tpa", 0)
    capacity = 10
    event = make_event(
        network,
        "drukte",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        registration_mode="formulier",
        capacity=capacity,
    )
    barrier = threading.Barrier(30)

    def press(number):
        client = Client(REMOTE_ADDR=f"10.0.{number}.1")
        try:
            barrier.wait(timeout=30)
            data = {**PERSON, "email": f"persoon{number}@example.org", "people": str(1 + number % 3)}
            return client.post(f"/agenda/{event.slug}/inschrijven/", data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(press, range(30)))
    assert statuses == [302] * 30
    registrations = list(Registration.objects.filter(event=event))
    assert len(registrations) == 30
    seats = sum(r.people for r in registrations if r.status == "bevestigd")
    assert 0 < seats <= capacity
    waiting = [r for r in registrations if r.status == "wachtlijst"]
    assert waiting, "the surplus lands on the waiting list"
    assert all(r.people > capacity - seats for r in waiting), "nobody waits who would have fitted"
    assert len(mail.outbox) == 30


def test_registrations_are_erased_some_time_after_their_event(world, settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    long_ago = make_event(world["bpa"], "lang-geleden", days=-31, registration_mode="formulier")
    recent = make_event(world["bpa"], "recent", days=-29, registration_mode="formulier")
    upcoming = make_event(world["bpa"], "straks", days=5, registration_mode="formulier")
    for event in (long_ago, recent, upcoming):
        Registration.objects.create(event=event, name="Deelnemer", email=f"{event.slug}@example.org")
    call_command("purge_registrations", stdout=StringIO())
    assert sorted(Registration.objects.values_list("event__slug", flat=True)) == ["recent", "straks"]
    assert Event.objects.count() == 3  # the events themselves stay in the archive
