"""The hostile-input sweep of every public form and link: random and hostile posts never give a 500, and a
refused post stores nothing and sends nothing.

Property-based (hypothesis): each form and link gets at least 200 examples (harness.SWEEP) of
very long strings, control characters, emoji, HTML and SQL payloads, numbers out of range,
wrong types, repeated, missing and extra fields, uploads where text belongs, JSON and raw
garbage bodies and malformed tokens, mixed with valid posts so the accepting path runs too.
The seed is fixed (derandomize), so CI sends the same input on every run.
"""

from urllib.parse import quote

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import User
from hypothesis import given
from hypothesis import strategies as st

from campaigns.models import Signature
from events.models import Registration
from newsletter.models import Subscriber, Subscription
from tests.helpers import totp_code
from tests.sweep.conftest import STAFF_EMAIL, STAFF_PASSWORD
from tests.sweep.harness import (
    SWEEP,
    check,
    check_error_summary,
    example,
    post,
    posted,
    redirected,
    shown_form,
    snapshot,
)
from tests.sweep.strategies import bodies, hostile, tokens

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

NAMES = ["Rita Peeters", "Zoë D'hondt", "Jean-Luc Van den Broeck"]
EMAILS = ["rita@example.org", "Nieuw@Example.ORG", "teken1@example.org", "teken2@example.org", "ö@bücher.example"]
TICK = ["on", "", "1", "true", "false"]
# Link pages answer GET with a button and act on POST; HEAD and odd methods must not break them either.
METHODS = st.sampled_from(["GET", "GET", "POST", "POST", "POST", "HEAD", "PUT"])


def _send(client, method, path, body=None):
    if method == "POST":
        return post(client, path, body) if body is not None else client.post(path)
    return getattr(client, method.lower())(path)


def _other_tokens(world, *names):
    return [token for name, token in world.tokens.items() if name not in names]


def _no_personal_row_added(changed):
    """Leaving and erasing only ever remove personal data (an audit trail may still note the removal)."""
    personal = {model._meta.db_table for model in (Signature, Registration, Subscriber, Subscription, User)}
    grown = {table: counts for table, counts in changed.items() if table in personal and counts[1] > counts[0]}
    assert not grown, f"personal data added: {grown}"


# Campaigns ------------------------------------------------------------------------------------

SIGNATURE = {
    "name": NAMES,
    "place": ["Gent", "9000", "Sint-Niklaas", "'s-Gravenwezel", "Zoersel."],
    "email": EMAILS,
    "show_name": TICK,
    "website": [""],
}


@SWEEP
@given(slug=st.sampled_from(["lokaalsociaal"] * 4 + ["afgelopen"]), body=bodies(SIGNATURE))
def test_signature_form(client, world, slug, body):
    with example():
        before = snapshot()
        response = post(client, f"/acties/{slug}/", body)
        check(response, before, honeypot=bool(posted(body, "website")))
        check_error_summary(response)


@SWEEP
@given(data=st.data(), method=METHODS)
def test_signature_confirm_link(client, world, data, method):
    slug, right = data.draw(
        st.sampled_from(
            [("lokaalsociaal", world.tokens["signature_confirm"])] * 3
            + [("afgelopen", world.tokens["signature_confirm_late"])]
        ),
        label="slug and link",
    )
    token = data.draw(tokens(right, _other_tokens(world, "signature_confirm"), world.forged), label="token")
    with example():
        before = snapshot()
        response = _send(client, method, f"/acties/{slug}/bevestig/{quote(token, safe='')}/")
        check(response, before)


@SWEEP
@given(data=st.data(), method=METHODS)
def test_signature_erase_link(client, world, data, method):
    token = data.draw(
        tokens(world.tokens["signature_erase"], _other_tokens(world, "signature_erase"), world.forged), label="token"
    )
    body = data.draw(st.none() | bodies({"confirm": ["1"]}), label="body")
    with example():
        before = snapshot()
        response = _send(client, method, f"/acties/lokaalsociaal/handtekening/{quote(token, safe='')}/", body)
        changed = check(response, before, may_change=lambda response: method == "POST" and response.status_code == 200)
        _no_personal_row_added(changed)


# Events ---------------------------------------------------------------------------------------

REGISTRATION = {
    "name": NAMES,
    "email": EMAILS,
    "association": ["", "De Schakel", "Vzw 't Punt"],
    "people": ["1", "2", "3", "5", "6"],
    "needs_transport": TICK,
    "needs_childcare": TICK,
    "needs_diet": TICK,
    "remarks": ["", "Vegetarisch", "Ik kom met de rolstoel."],
    "website": [""],
}


@SWEEP
@given(slug=st.sampled_from(["trefdag"] * 4 + ["terugblik", "elders"]), body=bodies(REGISTRATION))
def test_event_registration_form(client, world, slug, body):
    with example():
        before = snapshot()
        response = post(client, f"/agenda/{slug}/inschrijven/", body)
        check(response, before, honeypot=bool(posted(body, "website")))
        check_error_summary(response)


@SWEEP
@given(data=st.data(), method=METHODS, query=st.sampled_from(["", "", "?geannuleerd=1", "?geannuleerd=%00"]))
def test_registration_cancel_link(client, world, data, method, query):
    right = data.draw(st.sampled_from([world.tokens["cancel"]] * 3 + [world.tokens["cancel_started"]]), label="right")
    token = data.draw(tokens(right, _other_tokens(world, "cancel", "cancel_started"), world.forged), label="token")
    with example():
        before = snapshot()
        response = _send(client, method, f"/agenda/inschrijving/annuleren/{quote(token, safe='')}/{query}")
        check(response, before)


# Newsletter -----------------------------------------------------------------------------------


def _list_values(world):
    lists = [str(world.newsletter.pk), str(world.other_list.pk)]
    return [*lists, *lists, str(world.newsletter.pk + 2), str(world.newsletter.pk + 1000)]


@SWEEP
@given(data=st.data())
def test_newsletter_subscribe_form(client, world, data):
    fields = {
        "email": [*EMAILS, "lezer@example.org"],
        "name": ["", *NAMES],
        "lists": _list_values(world),
        "website": [""],
    }
    body = data.draw(bodies(fields), label="body")
    with example():
        before = snapshot()
        response = post(client, "/nieuwsbrief/", body)
        check(response, before, honeypot=bool(posted(body, "website")))
        check_error_summary(response)


@SWEEP
@given(data=st.data(), method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]))
def test_newsletter_confirm_link(client, world, data, method):
    token = data.draw(
        tokens(world.tokens["newsletter_confirm"], _other_tokens(world, "newsletter_confirm"), world.forged),
        label="token",
    )
    with example():
        before = snapshot()
        response = _send(client, method, f"/nieuwsbrief/bevestig/{quote(token, safe='')}/")
        check(response, before)


ONE_CLICK = ("urlencoded", {"List-Unsubscribe": ["One-Click"]})


@SWEEP
@given(data=st.data(), method=METHODS)
def test_newsletter_unsubscribe_link(client, world, data, method):
    right = data.draw(st.sampled_from([world.tokens["unsubscribe"]] * 3 + [world.tokens["unsubscribe_gone"]]))
    token = data.draw(tokens(right, _other_tokens(world, "unsubscribe", "unsubscribe_gone"), world.forged))
    # RFC 8058: the mail provider's one-click POST, an empty POST, or anything else.
    body = data.draw(st.sampled_from([ONE_CLICK, None]) | bodies({"List-Unsubscribe": ["One-Click"]}), label="body")
    with example():
        before = snapshot()
        response = _send(client, method, f"/nieuwsbrief/afmelden/{quote(token, safe='')}/", body)
        changed = check(response, before, may_change=lambda response: method == "POST" and response.status_code == 200)
        _no_personal_row_added(changed)


@SWEEP
@given(data=st.data(), method=st.sampled_from(["GET", "POST", "POST", "POST", "POST", "HEAD"]))
def test_newsletter_preferences_form(client, world, data, method):
    right = data.draw(st.sampled_from([world.tokens["preferences"]] * 4 + [world.tokens["preferences_gone"]]))
    token = data.draw(tokens(right, _other_tokens(world, "preferences", "preferences_gone"), world.forged))
    fields = {"action": ["", "save", "leave", "erase", "ERASE"], "name": ["", *NAMES], "lists": _list_values(world)}
    body = data.draw(bodies(fields), label="body")

    def saved(response):
        form = shown_form()
        return method == "POST" and response.status_code == 200 and not (form and form.errors)

    with example():
        before = snapshot()
        response = _send(client, method, f"/nieuwsbrief/voorkeuren/{quote(token, safe='')}/", body)
        check(response, before, may_change=saved)
        check_error_summary(response)


# Staff accounts (django-allauth) --------------------------------------------------------------

LOGIN = {"login": [STAFF_EMAIL, STAFF_EMAIL.upper(), "staf", "onbekend@example.org"], "password": [STAFF_PASSWORD]}


@SWEEP
@given(body=bodies({**LOGIN, "password": [STAFF_PASSWORD, "fout-wachtwoord"]}, extra_keys=["remember", "next"]))
def test_sign_in_form(client, world, body):
    with example():
        before = snapshot()
        response = post(client, "/accounts/login/", body)
        check(response, before)


@SWEEP
@given(body=bodies({"email": [STAFF_EMAIL, "onbekend@example.org", *EMAILS]}))
def test_password_reset_form(client, world, body):
    with example():
        before = snapshot()
        response = post(client, "/accounts/password/reset/", body)
        check(response, before)


@SWEEP
@given(body=bodies({"email": EMAILS, "password1": [STAFF_PASSWORD], "password2": [STAFF_PASSWORD, "anders"]}))
def test_closed_sign_up_form(client, world, body):
    """Nobody signs up: whatever is posted, no account appears."""
    with example():
        users = User.objects.count()
        before = snapshot()
        response = post(client, "/accounts/signup/", body)
        check(response, before)
        assert User.objects.count() == users


@SWEEP
@given(data=st.data(), method=st.sampled_from(["GET", "POST", "POST", "POST"]))
def test_account_key_links(client, world, data, method):
    """The password reset link and the address confirmation link of allauth, with spoiled keys."""
    unverified = world.unverified_address
    reset = f"{user_pk_to_url_str(world.staff)}-{default_token_generator.make_token(world.staff)}"
    confirm = EmailConfirmationHMAC(unverified).key
    kind = data.draw(st.sampled_from(["reset", "confirm"]), label="link")
    right, others = (
        (reset, [confirm, f"{reset.split('-')[0]}-set-password"]) if kind == "reset" else (confirm, [reset])
    )
    key = data.draw(tokens(right, others), label="key")
    path = ("/accounts/password/reset/key/{}/" if kind == "reset" else "/accounts/confirm-email/{}/").format(
        quote(key, safe="")
    )
    body = data.draw(bodies({"password1": [STAFF_PASSWORD + "!"], "password2": [STAFF_PASSWORD + "!", "x"]}))
    with example():
        before = snapshot()
        response = _send(client, method, path, body)
        # A right reset key goes into the session before the body is read (allauth): a session, no personal data.
        check(response, before, ignore={"django_session"})


@pytest.fixture
def half_signed_in(client, world):
    """The session of a sign-in with the right password, waiting for the second factor; each example starts there."""
    assert redirected(client.post("/accounts/login/", {"login": STAFF_EMAIL, "password": STAFF_PASSWORD}))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@SWEEP
@given(code=st.sampled_from(["right", "000000", "12345", "1234567"]) | hostile)
def test_second_factor_form(client, world, half_signed_in, code):
    """The code of the authenticator app after a right password: hostile codes never sign anyone in."""
    value = totp_code(world.staff.totp_secret) if code == "right" else code
    client.cookies[settings.SESSION_COOKIE_NAME] = half_signed_in
    with example():
        before = snapshot()
        response = post(client, "/accounts/2fa/authenticate/", ("urlencoded", {"code": [value]}))
        check(response, before)
