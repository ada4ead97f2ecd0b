"""The parts every public form shares: client address, rate limits, signed links, CSV cells."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from core import ratelimit
from core.csvexport import safe_cell
from core.tokens import TokenExpired, TokenInvalid, make_token, read_token, read_token_parts


def request(remote="203.0.113.7", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "203.0.113.7"),  # without trusted proxies a forged header is ignored
        (1, "1.1.1.1, 198.51.100.2", "198.51.100.2"),  # the proxy appended the real client
        (2, "1.1.1.1, 198.51.100.2, 10.0.0.1", "198.51.100.2"),
        (2, "10.0.0.1", "203.0.113.7"),  # fewer entries than proxies: fall back to the socket
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    assert ratelimit.client_ip(request(forwarded=forwarded)) == expected


def test_rate_limit_counts_per_client_and_per_address_and_forgets_after_the_window(settings):
    settings.RATE_LIMITS = {"test": {"ip": (3, 60), "address": (2, 60)}}
    assert [ratelimit.allow(request(), "test", email="A@example.org") for _ in range(3)] == [True, True, False]
    assert ratelimit.allow(request(remote="203.0.113.8"), "test", email="b@example.org")
    assert not ratelimit.allow(request(), "test")  # the client address used up its 3
    assert not ratelimit.allow(request(remote="203.0.113.9"), "test", email="a@example.org")  # case-insensitive


def test_tokens_are_bound_to_their_purpose_and_expire(settings):
    settings.CONFIRMATION_MAX_AGE = 3600
    token = make_token("confirm", [7, "nonce"])
    assert read_token("confirm", token) == [7, "nonce"]
    with pytest.raises(TokenInvalid):
        read_token("unsubscribe", token)
    with pytest.raises(TokenInvalid):
        read_token("confirm", token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        with pytest.raises(TokenExpired) as error:
            read_token("confirm", token)
        assert read_token("confirm", token, max_age=0) == [7, "nonce"]  # 0: never expires
    assert "verlopen" in str(error.value.message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+32 3 123", "'+32 3 123"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Gent", "Gent"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_never_run_as_formulas(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    "value", [[7, "nonce", 3], [7, 8], ["7", "nonce"], [True, "nonce"], {"pk": 7}, "7:nonce", None]
)
def test_token_parts_of_another_shape_are_invalid(value):
    with pytest.raises(TokenInvalid):
        read_token_parts("confirm", make_token("confirm", value), int, str)
    assert read_token_parts("confirm", make_token("confirm", [7, "n"]), int, str) == [7, "n"]
