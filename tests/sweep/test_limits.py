"""What the sweep raises out of reach, once each: a reached rate limit and a missing CSRF token refuse, never crash.

The sweep lifts the rate limits (conftest.unlimited) so that its examples reach the forms'
own checks; here the limits are tiny, and the post over the limit must be a 429 that stores
and sends nothing. Browsers without cookies post without a CSRF token: a 403, nothing stored.
"""

import pytest
from django.test import Client

from tests.sweep.conftest import STAFF_EMAIL
from tests.sweep.harness import check, example, post, shown_form, snapshot

pytestmark = pytest.mark.django_db

FORMS = {
    "signature": ("/acties/lokaalsociaal/", {"name": "Rita", "place": "Gent", "email": "rita@example.org"}),
    "registration": ("/agenda/trefdag/inschrijven/", {"name": "Rita", "email": "rita@example.org", "people": "1"}),
    "subscription": ("/nieuwsbrief/", {"email": "rita@example.org", "lists": "{list}"}),
}
ACCOUNT_FORMS = {
    "login": ("/accounts/login/", {"login": STAFF_EMAIL, "password": "fout"}),
    "login_failed": ("/accounts/login/", {"login": STAFF_EMAIL, "password": "fout"}),
    "reset_password": ("/accounts/password/reset/", {"email": STAFF_EMAIL}),
}
HOSTILE = '<script>alert("sweep")</script>\x00\u202e' + "é" * 20_000


def _data(world, data, **changes):
    values = {**data, **changes}
    return {key: value.format(list=world.newsletter.pk) for key, value in values.items()}


@pytest.mark.parametrize("scope", FORMS)
def test_reached_rate_limit_of_a_public_form_is_a_429_that_stores_nothing(client, world, settings, scope):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: {"ip": (1, 3600), "address": (1, 3600)}}
    path, data = FORMS[scope]
    assert client.post(path, _data(world, data)).status_code == 302
    with example():
        before = snapshot()
        response = post(client, path, ("multipart", {key: [value] for key, value in _data(world, data).items()}))
        assert response.status_code == 429
        check(response, before)
        assert b'role="alert"' in response.content
        # A hostile post over the limit is refused too: its form errors first, as for anyone's typo.
        response = client.post(path, _data(world, data, name=HOSTILE, email=HOSTILE))
        assert response.status_code == 400
        check(response, before)


@pytest.mark.parametrize("scope", FORMS)
def test_a_post_the_form_refuses_costs_no_attempt(client, world, settings, scope):
    """Every public form counts only posts it accepts: someone who mistyped their address may still send it."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: {"ip": (1, 3600), "address": (1, 3600)}}
    path, data = FORMS[scope]
    assert client.post(path, _data(world, data, email="rita-at-example.org")).status_code == 400
    assert client.post(path, _data(world, data)).status_code == 302


@pytest.mark.parametrize("action", ACCOUNT_FORMS)
def test_reached_rate_limit_of_the_sign_in_refuses_with_a_message(client, world, settings, action):
    """allauth answers a 429 page, or for too many failed sign-ins the form with its error."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, action: "1/m/ip"}
    path, data = ACCOUNT_FORMS[action]
    client.post(path, data)
    with example():
        before = snapshot()
        response = client.post(path, {**data, "password": HOSTILE})
        assert response.status_code == (400 if action == "login_failed" else 429)
        check(response, before)
        if action == "login_failed":
            assert shown_form().errors


@pytest.mark.parametrize(
    "path", ["/acties/lokaalsociaal/", "/agenda/trefdag/inschrijven/", "/nieuwsbrief/", "/accounts/login/"]
)
def test_post_without_csrf_token_is_refused_and_stores_nothing(world, path):
    client = Client(enforce_csrf_checks=True)
    with example():
        before = snapshot()
        response = client.post(path, {"name": HOSTILE, "email": "rita@example.org", "login": STAFF_EMAIL})
        assert response.status_code == 403
        check(response, before)
