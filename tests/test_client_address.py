"""One client-address rule for the whole site (settings.PROXY_COUNT): the public forms' rate limits,
allauth's sign-in limits and the list of signed-in devices; IPv6 clients counted by their /64."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from core import ratelimit
from tests.helpers import mail_body
from tests.staff import make_staff, sign_in

pytestmark = pytest.mark.django_db


def behind_the_proxy(address, **extra):
    """A browser at `address` as the site sees it behind nginx: the socket is the proxy's."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address, **extra)


@pytest.fixture
def proxied(settings):
    settings.PROXY_COUNT = 1


def test_failed_sign_ins_of_one_client_do_not_lock_out_the_others(proxied):
    """20 failed sign-ins per client per 15 minutes (settings.ACCOUNT_RATE_LIMITS), counted per
    forwarded address: behind the proxy every visitor used to be 127.0.0.1, one counter for all."""
    staff = make_staff()
    attacker = behind_the_proxy("203.0.113.66")
    for attempt in range(20):
        # A different account each time, so only the per-client limit counts.
        assert sign_in(attacker, f"iemand{attempt}@example.org", password="fout").status_code == 400
    assert sign_in(attacker, staff.email).status_code == 429

    response = sign_in(behind_the_proxy("198.51.100.23"), staff.email)
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))


def test_an_ipv6_client_is_one_client_for_its_whole_64(proxied):
    staff = make_staff()
    for attempt in range(20):
        # Every attempt from another address of the same /64, as a client can pick at will.
        client = behind_the_proxy(f"2001:db8:7:8::{attempt + 1:x}")
        assert sign_in(client, f"iemand{attempt}@example.org", password="fout").status_code == 400
    assert sign_in(behind_the_proxy("2001:db8:7:8:abcd::1"), staff.email).status_code == 429
    response = sign_in(behind_the_proxy("2001:db8:7:9::1"), staff.email)
    assert response["Location"] == reverse("mfa_authenticate")


def forms_request(address):
    return RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_the_forms_rate_limits_count_an_ipv6_client_by_its_64(proxied, settings):
    settings.RATE_LIMITS = {"test": {"ip": (2, 60), "address": (100, 60)}}
    assert ratelimit.allow(forms_request("2001:db8:1:2::1"), "test")
    assert ratelimit.allow(forms_request("2001:db8:1:2:ffff:ffff:ffff:fffe"), "test")
    assert not ratelimit.allow(forms_request("2001:db8:1:2::99"), "test"), "the same /64"
    assert ratelimit.allow(forms_request("2001:db8:1:3::1"), "test"), "the next /64 is another client"
    assert ratelimit.allow(forms_request("198.51.100.1"), "test")


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:a:b:c:d:e:f", "2001:db8:a:b::/64"),
        ("2001:DB8:A:B::1", "2001:db8:a:b::/64"),
    ],
)
def test_client_key(address, key):
    assert ratelimit.client_key(ratelimit.client_ip(RequestFactory().get("/", REMOTE_ADDR=address))) == key


def test_failed_sign_ins_count_per_account_on_every_host_name(settings):
    """allauth keyed the per-account limit by host name too: five tries per account for each of the
    site's names (a network's own domain, with and without www)."""
    settings.ALLOWED_HOSTS = ["www.example.org", "example.org"]
    staff = make_staff()
    for attempt in range(5):
        host = ["www.example.org", "example.org"][attempt % 2]
        client = Client(REMOTE_ADDR=f"192.0.2.{attempt + 1}", HTTP_HOST=host)
        assert sign_in(client, staff.email, password=f"fout-{attempt}").status_code == 400
    assert sign_in(Client(HTTP_HOST="example.org"), staff.email).status_code == 429
    assert sign_in(Client(HTTP_HOST="www.example.org"), staff.email).status_code == 429


def test_a_password_reset_by_mail_lets_the_staff_member_in_while_their_account_is_attacked(smtp_sink):
    """What the README tells staff: five failed sign-ins lock the account for 15 minutes, the
    right password too; resetting the password by mail clears the count at once."""
    staff = make_staff()
    for attempt in range(5):
        sign_in(Client(REMOTE_ADDR=f"192.0.2.{attempt + 1}"), staff.email, password=f"fout-{attempt}")
    me = Client(REMOTE_ADDR="198.51.100.5")
    assert sign_in(me, staff.email).status_code == 429

    me.post(reverse("account_reset_password"), {"email": staff.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail_body(smtp_sink.wait_for(1)[0]))
    form_url = me.get(link.group(1))["Location"]
    new_password = "een-ander-lang-wachtwoord-2026"
    assert me.post(form_url, {"password1": new_password, "password2": new_password}).status_code == 302
    response = sign_in(me, staff.email, password=new_password)
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))


def test_the_signed_in_devices_show_the_forwarded_address(proxied):
    staff = make_staff()
    browser = behind_the_proxy("198.51.100.42", HTTP_USER_AGENT="Firefox op de laptop")
    browser.force_login(staff)
    page = browser.get(reverse("usersessions_list")).content.decode()
    assert "198.51.100.42" in page
    assert "127.0.0.1" not in page


def test_a_forwarded_entry_that_is_no_address_counts_as_absent(proxied):
    staff = make_staff()
    browser = behind_the_proxy("niet-een-adres")
    browser.force_login(staff)
    assert "127.0.0.1" in browser.get(reverse("usersessions_list")).content.decode()
