"""The one flow of every public form post (core.forms.check_public_post): validate, honeypot, rate limit."""

import pytest
from django import forms
from django.test import RequestFactory

from core.forms import HoneypotMixin, PublicPost, check_public_post

LIMIT = 2


class AddressForm(HoneypotMixin):
    email = forms.EmailField()


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.RATE_LIMITS = {"test": {"ip": (LIMIT, 3600), "address": (LIMIT, 3600)}}


def post(data):
    request = RequestFactory().post("/", data, REMOTE_ADDR="203.0.113.7")
    return check_public_post(request, AddressForm(request.POST), scope="test")


VALID = {"email": "a@example.org"}
INVALID = {"email": "not an address"}
BOT = {"email": "a@example.org", "website": "https://spam.example"}


def test_valid_posts_pass_until_the_limit():
    assert [post(VALID) for _ in range(LIMIT + 1)] == [PublicPost.OK] * LIMIT + [PublicPost.LIMITED]


def test_an_invalid_post_is_answered_first_and_uses_up_no_attempt():
    assert [post(INVALID) for _ in range(LIMIT + 1)] == [PublicPost.INVALID] * (LIMIT + 1)
    assert [post(VALID) for _ in range(LIMIT + 1)] == [PublicPost.OK] * LIMIT + [PublicPost.LIMITED]


def test_a_bot_post_is_caught_before_the_limit_and_uses_up_no_attempt():
    assert [post(BOT) for _ in range(LIMIT + 1)] == [PublicPost.BOT] * (LIMIT + 1)
    assert [post(VALID) for _ in range(LIMIT + 1)] == [PublicPost.OK] * LIMIT + [PublicPost.LIMITED]


def test_once_limited_an_invalid_post_is_still_invalid_and_a_bot_still_a_bot():
    """Validation and honeypot come before the limit: what a limited client gets back does not change for them."""
    for _ in range(LIMIT + 1):
        post(VALID)
    assert post(INVALID) is PublicPost.INVALID
    assert post(BOT) is PublicPost.BOT
    assert post(VALID) is PublicPost.LIMITED


def test_an_invalid_post_with_a_filled_honeypot_is_invalid():
    """Validation comes before the honeypot: a bot's junk gets the same 400 as a person's typo."""
    assert post({**INVALID, "website": "x"}) is PublicPost.INVALID
