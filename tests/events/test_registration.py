"""Registering with the site's form, end to end: confirmation by mail, seats, the waiting list, the mails
through a real SMTP server, the confirm and cancel links, and every way a visitor, a bot or a crowd can get
it wrong, or try to learn who registered."""

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
from django.utils.html import escape

from core.tokens import TokenExpired, TokenInvalid, make_token
from events.forms import RegistrationForm
from events.models import Event, Registration
from events.registrations import CANCEL_PURPOSE, CONFIRM_PURPOSE, cancel_token, confirm_token
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
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/agenda/inschrijving/bevestigen/[^/\s]+/)")


@pytest.fixture
def event(world):
    return make_event(world["tpa"], "trefdag", registration_mode="formulier", capacity=5)


def register(client, event, **changes):
    return client.post(f"/agenda/{event.slug}/inschrijven/", {**PERSON, **changes})


def cancel_path(message):
    return CANCEL_LINK.search(mail_body(message)).group(1)


def confirm_path(message):
    return CONFIRM_LINK.search(mail_body(message)).group(1)


def register_and_confirm(client, event, smtp_sink, **changes):
    """Fill in the form, then press the button behind the link in the mail: the registration."""
    email = changes.get("email", PERSON["email"]).strip().lower()
    sent = len(smtp_sink.messages)
    assert register(client, event, **changes).status_code == 302
    smtp_sink.wait_for(sent + 1)
    assert client.post(confirm_path(smtp_sink.to(email)[-1])).status_code == 302
    smtp_sink.wait_for(sent + 2)
    return Registration.objects.get(event=event, email=email, status__in=["bevestigd", "wachtlijst"])


def taken(event):
    return Registration.objects.filter(event=event, status="bevestigd").aggregate(total=Sum("people"))["total"] or 0


FULL = "The event is full. Register and you join the waiting list: we send you a mail as soon as a seat comes free."


def seats_shown(client, event):
    """The free seats the event's public page says are left (0 when it says the event is full)."""
    page = client.get(event.get_absolute_url()).content.decode()
    if nl(FULL) in page:
        return 0
    [shown] = [
        count
        for count in range(1, event.capacity + 1)
        if nl_plural("%(counter)s seat left.", "%(counter)s seats left.", count) in page
    ]
    return shown


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


def test_a_registration_takes_a_seat_only_once_confirmed_through_the_mail(client, event, smtp_sink):
    response = register(client, event)
    assert response.status_code == 302
    assert response["Location"] == "/agenda/trefdag/inschrijven/bedankt/"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert nl("Thank you for registering") in thanks.content.decode()

    registration = Registration.objects.get()
    assert (registration.status, registration.email, registration.people) == ("onbevestigd", "rita@example.org", 2)
    assert (registration.needs_transport, registration.needs_childcare, registration.needs_diet) == (
        True,
        False,
        True,
    )
    assert taken(event) == 0 and seats_shown(client, event) == 5, "a pending registration takes no seat"
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "rita@example.org"
    assert message["Subject"] == nl("Confirm your registration for %(title)s") % {"title": event.title}
    body = mail_body(message)
    assert event.title in body and "Rita Peeters" in body
    assert f"{nl('Your needs')}: {nl('transport')}, {nl('dietary needs')}\r\n" in body
    assert not CANCEL_LINK.search(body), "nothing to cancel before it is confirmed"
    path = confirm_path(message)
    assert path in message.get_body(preferencelist=("html",)).get_content()

    # A mail scanner opening the link (GET or HEAD, no cookie) confirms nothing.
    for method in (Client().get, Client().head):
        page = method(path)
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    html = client.get(path).content.decode()
    assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    assert nl("Yes, confirm my registration") in html
    registration.refresh_from_db()
    assert registration.status == "onbevestigd" and len(smtp_sink.messages) == 1

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == path + "?bevestigd=1"
    confirmed = client.get(response["Location"])
    assert confirmed.status_code == 200 and "no-store" in confirmed["Cache-Control"]
    assert nl("You are registered") in confirmed.content.decode()
    registration.refresh_from_db()
    assert registration.status == "bevestigd" and registration.confirmed_at == timezone.now()
    assert taken(event) == 2 and seats_shown(client, event) == 3
    [_pending, seat] = smtp_sink.wait_for(2)
    assert seat["Subject"] == nl("Your registration for %(title)s") % {"title": event.title}
    assert nl("You are registered for %(title)s. We look forward to seeing you.") % {"title": event.title} in (
        mail_body(seat)
    )
    assert cancel_path(seat).startswith("/agenda/inschrijving/annuleren/")

    # Pressing the button again (a second tab, a reload) changes nothing and sends nothing.
    assert client.post(path).status_code == 302
    assert len(smtp_sink.messages) == 2 and taken(event) == 2


def test_four_posts_of_made_up_addresses_take_no_seats(client, world, smtp_sink):
    """The attack of issue 17: 4 posts of made-up addresses for up to 10 people each took 29 of 30 seats."""
    event = make_event(world["tpa"], "forum", registration_mode="formulier", capacity=30)
    reason = {"group_reason": "Leden van onze vereniging."}
    for number in range(4):
        assert (
            register(client, event, email=f"verzonnen{number}@example.org", people="10", **reason).status_code == 302
        )
    assert taken(event) == 0 and seats_shown(client, event) == 30
    messages = smtp_sink.wait_for(4)
    subject = nl("Confirm your registration for %(title)s") % {"title": event.title}
    assert [message["Subject"] for message in messages] == [subject] * 4
    # Seats come from confirmation only, so a real person still gets one.
    assert register_and_confirm(client, event, smtp_sink, email="echt@example.org").status == "bevestigd"
    assert seats_shown(client, event) == 28


def test_seats_and_the_waiting_list_go_in_the_order_people_confirm(client, event, smtp_sink):
    register(client, event, email="a@example.org", people="4", group_reason="Mijn gezin.")
    register_and_confirm(client, event, smtp_sink, email="b@example.org", people="2")  # confirms first
    a_link = confirm_path(smtp_sink.to("a@example.org")[0])
    assert client.post(a_link).status_code == 302  # 2 + 4 > 5: waiting
    register_and_confirm(client, event, smtp_sink, email="c@example.org", people="1")  # fits
    register_and_confirm(client, event, smtp_sink, email="d@example.org", people="2")  # fits in the last seats
    register_and_confirm(client, event, smtp_sink, email="e@example.org", people="1")  # full: waiting
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.org": "wachtlijst",
        "b@example.org": "bevestigd",
        "c@example.org": "bevestigd",
        "d@example.org": "bevestigd",
        "e@example.org": "wachtlijst",
    }
    assert taken(event) == 5 and seats_shown(client, event) == 0
    waiting = smtp_sink.to("a@example.org")[-1]
    assert waiting["Subject"] == nl("You are on the waiting list for %(title)s") % {"title": event.title}
    assert nl("You are on the waiting list") in client.get(a_link).content.decode()
    # The waiting list moves up in the order people confirmed: a (confirmed before e) is first.
    assert list(Registration.objects.waiting().values_list("email", flat=True)) == ["a@example.org", "e@example.org"]


def test_cancelling_gives_the_seats_to_the_waiting_list_in_order(client, event, smtp_sink):
    register_and_confirm(client, event, smtp_sink, email="a@example.org", people="5", group_reason="Ons team.")
    register_and_confirm(client, event, smtp_sink, email="b@example.org", people="3", group_reason="Drie leden.")
    register_and_confirm(client, event, smtp_sink, email="c@example.org", people="4", group_reason="Vier leden.")
    register_and_confirm(client, event, smtp_sink, email="d@example.org", people="2")
    smtp_sink.wait_for(8)
    path = cancel_path(smtp_sink.to("a@example.org")[-1])

    page = client.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Registration.objects.get(email="a@example.org").status == "bevestigd", "opening the link changes nothing"
    assert Client().head(path).status_code == 200
    assert Registration.objects.get(email="a@example.org").status == "bevestigd", "nor does a HEAD"

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
    messages = smtp_sink.wait_for(11)
    assert smtp_sink.to("a@example.org")[-1]["Subject"] == nl("Your registration for %(title)s is cancelled") % {
        "title": event.title
    }
    promoted = nl("A seat has come free for you: %(title)s") % {"title": event.title}
    assert [m["Subject"] for m in smtp_sink.to("b@example.org")][-1] == promoted
    assert [m["Subject"] for m in smtp_sink.to("d@example.org")][-1] == promoted
    assert len(smtp_sink.to("c@example.org")) == 2

    # The same link again: harmless, nothing moves, no mail.
    assert client.post(path).status_code == 302
    again = client.get(path)
    assert again.status_code == 200 and nl("Your registration is cancelled") in again.content.decode()
    assert dict(Registration.objects.values_list("email", "status")) == statuses
    assert len(messages) == 11 and len(smtp_sink.messages) == 11


@pytest.mark.parametrize("first_confirmed", [False, True], ids=["pending", "confirmed"])
def test_a_known_address_gets_the_same_answer_and_count_as_a_new_one(client, event, smtp_sink, first_confirmed):
    """Issue 17: re-registering a known address left the count unchanged where a new one lowered it."""
    if first_confirmed:
        register_and_confirm(client, event, smtp_sink)
    else:
        register(client, event)
    first = Registration.objects.get()
    shown = seats_shown(client, event)
    sent = len(smtp_sink.wait_for(2 if first_confirmed else 1))

    known = register(Client(), event, email="  RITA@example.ORG ", people="3", name="Iemand Anders", group_reason="x")
    new = register(Client(), event, email="nieuw@example.org", people="3", name="Iemand Anders", group_reason="x")
    assert (known.status_code, known["Location"], known.content) == (new.status_code, new["Location"], new.content)
    assert Client().get(known["Location"]).content == Client().get(new["Location"]).content
    assert seats_shown(client, event) == shown, "the public count tells nothing"

    assert Registration.objects.filter(email="rita@example.org").count() == 1
    kept = Registration.objects.get(email="rita@example.org")
    assert (kept.pk, kept.name, kept.people, kept.status) == (first.pk, "Rita Peeters", 2, first.status)
    smtp_sink.wait_for(sent + 2)
    notice = smtp_sink.to("rita@example.org")[-1]
    assert notice["Subject"] == nl("You had already registered for %(title)s") % {"title": event.title}
    if first_confirmed:
        assert cancel_path(notice) == cancel_path(smtp_sink.to("rita@example.org")[1])
        assert not CONFIRM_LINK.search(mail_body(notice))
    else:
        # Still pending: the owner of the address gets the confirm link again, nothing to cancel yet.
        assert nl("Your first registration is not confirmed yet.") in mail_body(notice)
        assert not CANCEL_LINK.search(mail_body(notice))
        assert client.post(confirm_path(notice)).status_code == 302
        kept.refresh_from_db()
        assert (kept.status, kept.people) == ("bevestigd", 2)


def test_an_expired_registration_is_forgotten_and_the_address_can_register_again(client, event, smtp_sink, frozen):
    register(client, event)
    old_link = confirm_path(smtp_sink.wait_for(1)[0])
    frozen.shift(datetime.timedelta(days=7, minutes=1))  # CONFIRMATION_MAX_AGE_DAYS (7) later
    page = client.get(old_link)
    assert page.status_code == 400 and str(TokenExpired.message) in page.content.decode()
    assert client.post(old_link).status_code == 400
    assert Registration.objects.get().status == "onbevestigd"

    register(client, event, people="1")
    second = smtp_sink.wait_for(2)[1]
    assert second["Subject"] == nl("Confirm your registration for %(title)s") % {"title": event.title}
    assert client.post(confirm_path(second)).status_code == 302
    assert list(Registration.objects.values_list("status", "people")) == [("onbevestigd", 2), ("bevestigd", 1)]


def test_a_confirm_link_resent_later_does_not_revive_an_expired_registration(client, event, smtp_sink, frozen):
    register(client, event)
    registration = Registration.objects.get()
    frozen.shift(datetime.timedelta(days=7, minutes=1))
    path = f"/agenda/inschrijving/bevestigen/{confirm_token(registration)}/"  # a fresh signature, an old hold
    page = client.get(path)
    assert page.status_code == 400 and str(TokenExpired.message) in page.content.decode()
    assert client.post(path).status_code == 400
    assert Registration.objects.get().status == "onbevestigd" and taken(event) == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "niet-een-token",
        lambda token: make_token(CANCEL_PURPOSE, [1, "x"]),
        lambda token: make_token(CONFIRM_PURPOSE, [Registration.objects.get().pk, "geraden"]),
    ],
)
def test_a_tampered_confirm_link_is_a_400_with_a_message(client, event, smtp_sink, tamper):
    register(client, event)
    token = confirm_path(smtp_sink.wait_for(1)[0]).rstrip("/").rsplit("/", 1)[1]
    for method in (client.get, client.post):
        response = method(f"/agenda/inschrijving/bevestigen/{tamper(token)}/")
        assert response.status_code == 400
        assert str(TokenInvalid.message) in response.content.decode()
    assert Registration.objects.get().status == "onbevestigd"
    # A cancel link is no confirm link either.
    registration = Registration.objects.get()
    assert client.post(f"/agenda/inschrijving/bevestigen/{cancel_token(registration)}/").status_code == 400


def test_a_confirm_link_after_the_start_confirms_nothing(client, world, smtp_sink, frozen):
    event = make_event(world["tpa"], "morgen", days=1, registration_mode="formulier", capacity=5)
    register(client, event)
    path = confirm_path(smtp_sink.wait_for(1)[0])
    frozen.move_to(event.starts_at + datetime.timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 200 and 'method="post"' not in page.content.decode()
    assert nl("Registration for this event is closed.") in page.content.decode()
    response = client.post(path)
    assert response.status_code == 409
    assert Registration.objects.get().status == "onbevestigd" and len(smtp_sink.messages) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "niet-een-token",
        lambda token: make_token("newsletter-unsubscribe", [1, "x"]),
    ],
)
def test_a_tampered_cancel_link_is_a_400_with_a_message(client, event, smtp_sink, tamper):
    register_and_confirm(client, event, smtp_sink)
    token = cancel_path(smtp_sink.wait_for(2)[1]).rstrip("/").rsplit("/", 1)[1]
    for method in (client.get, client.post):
        response = method(f"/agenda/inschrijving/annuleren/{tamper(token)}/")
        assert response.status_code == 400
        assert str(TokenInvalid.message) in response.content.decode()
    assert Registration.objects.get().status == "bevestigd"


def test_a_cancel_link_with_a_right_signature_but_another_nonce_is_refused(client, event, smtp_sink):
    registration = register_and_confirm(client, event, smtp_sink)
    forged = make_token(CANCEL_PURPOSE, [registration.pk, "geraden"])
    assert client.post(f"/agenda/inschrijving/annuleren/{forged}/").status_code == 400
    assert client.get(f"/agenda/inschrijving/annuleren/{cancel_token(registration)}/").status_code == 200
    assert TokenExpired.message != TokenInvalid.message


def test_the_cancel_link_never_expires(client, event, smtp_sink, frozen):
    register_and_confirm(client, event, smtp_sink)
    path = cancel_path(smtp_sink.wait_for(2)[1])
    frozen.shift(datetime.timedelta(days=9))  # before the event, after the week confirmation links last
    assert client.post(path).status_code == 302
    assert Registration.objects.get().status == "geannuleerd"


def test_after_the_start_the_link_no_longer_cancels(client, event, smtp_sink, frozen):
    register_and_confirm(client, event, smtp_sink)
    path = cancel_path(smtp_sink.wait_for(2)[1])
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
        # The name greets the registrant in every mail ("Beste ..."): no link may ride along (issue 17, 11).
        (
            {"name": "Win een prijs op https://evil.example"},
            "name",
            "Give your name without links or the characters < and >.",
        ),
        (
            {"name": '<a href="https://evil.example">Rita</a>'},
            "name",
            "Give your name without links or the characters < and >.",
        ),
        ({"name": "Rita\u202eknil"}, "name", "Remove the invisible control characters from this field."),
        # Three or more seats on one address need a reason the network can see.
        (
            {"people": "3"},
            "group_reason",
            "Tell us who comes with you: from %(count)d people a registration needs a short explanation.",
        ),
        ({"people": "10", "group_reason": "   "}, "group_reason", None),
        ({"people": "3", "group_reason": "x" * 301}, "group_reason", None),
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
        assert escape(nl(message) % {"count": 3} if "%(count)d" in message else nl(message)) in html
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_group_with_a_reason_is_registered_and_the_reason_kept(client, event, smtp_sink):
    reason = "Mijn partner en onze twee kinderen."
    registration = register_and_confirm(client, event, smtp_sink, people="4", group_reason=f"  {reason} ")
    assert (registration.people, registration.group_reason, registration.status) == (4, reason, "bevestigd")
    assert reason in mail_body(smtp_sink.to("rita@example.org")[-1])


def test_a_filled_in_honeypot_looks_like_success_and_stores_nothing(client, event, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "registration": {"ip": (1, 3600), "address": (1, 3600)}}
    for _ in range(2):
        response = register(client, event, website="https://spam.example")
        assert response.status_code == 302
        assert response["Location"] == "/agenda/trefdag/inschrijven/bedankt/"
    assert not Registration.objects.exists()
    assert mail.outbox == []
    # Validate, then honeypot, then rate limit (STYLE.md): junk with a filled-in honeypot gets the errors,
    # and neither counted toward the limit.
    assert register(client, event, website="https://spam.example", people="0").status_code == 400
    assert register(client, event).status_code == 302


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


def test_invalid_posts_do_not_use_up_anyones_rate_limit(client, event, settings):
    """Issue 17: five bogus posts with someone's address locked that person out for an hour."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "registration": {"ip": (3, 3600), "address": (2, 3600)}}
    bogus = [register(client, event, people="0").status_code for _ in range(6)]
    bogus += [register(client, event, name="https://evil.example").status_code for _ in range(6)]
    assert bogus == [400] * 12
    assert register(client, event).status_code == 302, "the real person still gets through"
    assert Registration.objects.get().email == "rita@example.org"
    # Valid posts count: the address's limit (2) is reached by its second valid post.
    assert [register(client, event).status_code for _ in range(2)] == [302, 429]


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
    assert Registration.objects.get().status == "onbevestigd"
    assert "Could not send the pending mail" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_exceed_the_capacity():
    """Thirty people register, then press the confirm button at the same moment, each through their own connection."""
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

    def in_parallel(action):
        def run(number):
            client = Client(REMOTE_ADDR=f"10.0.{number}.1")
            try:
                barrier.wait(timeout=30)
                return action(client, number)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=30) as pool:
            return list(pool.map(run, range(30)))

    def press_register(client, number):
        data = {
            **PERSON,
            "email": f"persoon{number}@example.org",
            "people": str(1 + number % 3),
            "group_reason": "Gezin",
        }
        return client.post(f"/agenda/{event.slug}/inschrijven/", data).status_code

    assert in_parallel(press_register) == [302] * 30
    pending = {r.email: r for r in Registration.objects.filter(event=event, status="onbevestigd")}
    assert len(pending) == 30 and len(mail.outbox) == 30

    def press_confirm(client, number):
        token = confirm_token(pending[f"persoon{number}@example.org"])
        return client.post(f"/agenda/inschrijving/bevestigen/{token}/").status_code

    assert in_parallel(press_confirm) == [302] * 30
    registrations = list(Registration.objects.filter(event=event))
    assert len(registrations) == 30
    seats = sum(r.people for r in registrations if r.status == "bevestigd")
    assert 0 < seats <= capacity
    waiting = [r for r in registrations if r.status == "wachtlijst"]
    assert len(waiting) + sum(r.status == "bevestigd" for r in registrations) == 30
    assert waiting, "the surplus lands on the waiting list"
    assert all(r.people > capacity - seats for r in waiting), "nobody waits who would have fitted"
    assert len(mail.outbox) == 60


def test_registrations_are_erased_some_time_after_their_event(world, settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    long_ago = make_event(world["bpa"], "lang-geleden", days=-31, registration_mode="formulier")
    recent = make_event(world["bpa"], "recent", days=-29, registration_mode="formulier")
    upcoming = make_event(world["bpa"], "straks", days=5, registration_mode="formulier")
    for event in (long_ago, recent, upcoming):
        Registration.objects.create(
            event=event, name="Deelnemer", email=f"{event.slug}@example.org", status="bevestigd"
        )
    call_command("purge_registrations", stdout=StringIO())
    assert sorted(Registration.objects.values_list("event__slug", flat=True)) == ["recent", "straks"]
    assert Event.objects.count() == 3  # the events themselves stay in the archive


@pytest.mark.parametrize("command", ["purge_registrations", "purge_personal_data"])
def test_unconfirmed_registrations_are_erased_when_their_link_expires(client, event, smtp_sink, frozen, command):
    register(client, event, email="oud@example.org")
    register_and_confirm(client, event, smtp_sink, email="bevestigd@example.org")
    frozen.shift(datetime.timedelta(days=6))
    register(client, event, email="recent@example.org")
    frozen.shift(datetime.timedelta(days=1, minutes=1))  # the first is 7 days and a minute old
    out = StringIO()
    call_command(command, stdout=out)
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "bevestigd@example.org",
        "recent@example.org",
    ]
    assert "1 unconfirmed registrations erased" in out.getvalue()


def test_pending_posts_leave_the_page_cache_alone_and_a_confirmation_renews_the_event_page(
    client, event, smtp_sink, settings, django_capture_on_commit_callbacks
):
    """Issue 17, 5: every registration post emptied the network's cached pages (lists, search, home)."""
    settings.PAGE_CACHE_SECONDS = 300
    other = make_event(event.network, "ander", title="Een andere activiteit")
    pages = [event.get_absolute_url(), other.get_absolute_url(), "/agenda/", "/"]
    visitor = Client()
    assert [visitor.get(path)["X-Page-Cache"] for path in pages] == ["miss"] * 4

    with django_capture_on_commit_callbacks(execute=True):
        register(client, event)  # a new address: pending
        register(client, event, name="Iemand Anders")  # the same address again
    assert [visitor.get(path)["X-Page-Cache"] for path in pages] == ["hit"] * 4

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_path(smtp_sink.wait_for(2)[0]))
    page = visitor.get(event.get_absolute_url())
    assert page["X-Page-Cache"] == "miss", "the confirmed seats show at once"
    assert nl_plural("%(counter)s seat left.", "%(counter)s seats left.", 3) in page.content.decode()
