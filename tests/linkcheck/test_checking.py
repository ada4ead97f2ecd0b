"""One link at a time against the local server: what each answer means, the politeness rules."""

import pytest

from linkcheck.checking import Checker, Pacer, Result, ascii_url, in_turns
from linkcheck.models import Link
from tests.linkcheck.conftest import TIMEOUT
from tests.pgcluster import free_port

Status = Link.Status


class FakeClock:
    """A clock that moves only when the checker sleeps; the pauses it was asked for."""

    def __init__(self):
        self.now = 100.0
        self.pauses = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


def checker(delay=0, pacer=None, public_only=False):
    return Checker(
        timeout=TIMEOUT, delay=delay, user_agent="Netwerk linkcheck (+https://x)", public_only=public_only, pacer=pacer
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ok", Result(Status.OK, 200)),
        ("/gone", Result(Status.BROKEN, 404)),
        ("/error", Result(Status.BROKEN, 500)),
        # Temporary redirects are how many sites work (a language, a session): the link is fine.
        ("/elsewhere", Result(Status.OK, 200)),
        ("/busy", Result(None, 429)),
        ("/loop/0", Result(Status.BROKEN, 301, error="more than 5 redirects")),
    ],
)
def test_the_answer_gives_the_state(web, path, expected):
    assert checker().check(web.url(path)) == expected


def test_a_permanent_redirect_gives_the_new_address(web):
    assert checker().check(web.url("/moved")) == Result(Status.REDIRECT, 200, final_url=web.url("/ok"))
    assert web.paths() == [("HEAD", "/moved"), ("HEAD", "/ok")]


def test_no_more_than_five_redirects_are_followed(web):
    checker().check(web.url("/loop/0"))
    assert web.paths() == [("HEAD", f"/loop/{hop}") for hop in range(6)]


def test_a_server_refusing_head_is_asked_with_get(web):
    assert checker().check(web.url("/no-head")) == Result(Status.OK, 200)
    assert web.paths() == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_server_that_does_not_answer_in_time_is_unreachable(web):
    assert checker().check(web.url("/slow")) == Result(Status.UNREACHABLE, error="timed out")


def test_a_closed_port_is_unreachable():
    result = checker().check(f"http://127.0.0.1:{free_port()}/ok")
    assert result.status == Status.UNREACHABLE and result.http_status is None and "refused" in result.error


def test_the_user_agent_names_the_site(web, settings):
    settings.SITE_NAME = "Netwerk tegen Armoede"
    settings.SITE_URL = "https://www.netwerktegenarmoede.be"
    Checker.from_settings().check(web.url("/ok"))
    assert [request.user_agent for request in web.requests] == [
        "Netwerk tegen Armoede linkcheck (+https://www.netwerktegenarmoede.be)"
    ]


def test_addresses_that_are_not_public_are_not_requested(web):
    result = checker(public_only=True).check(web.url("/ok"))
    assert result == Result(Status.UNREACHABLE, error="not a public address")
    assert web.requests == []


def test_one_request_per_host_per_delay(web):
    clock = FakeClock()
    check = checker(pacer=Pacer(1.0, clock=clock, sleep=clock.sleep)).check
    check(web.url("/ok"))
    check(web.url("/ok", host="localhost"))  # another host: no pause
    assert clock.pauses == []
    check(web.url("/gone"))
    assert clock.pauses == [1.0]
    check(web.url("/moved"))  # two requests to one host: a pause before each
    assert clock.pauses == [1.0, 1.0, 1.0]


def test_the_pause_counts_from_the_last_request_to_that_host():
    clock = FakeClock()
    pacer = Pacer(1.0, clock=clock, sleep=clock.sleep)
    pacer.wait("a.example")
    clock.now += 0.75
    pacer.wait("a.example")
    clock.now += 5
    pacer.wait("a.example")
    assert clock.pauses == [0.25]


def test_the_requests_to_one_host_are_spaced_by_the_delay_setting(web, settings):
    """The command's checker paces by LINKCHECK_DELAY; the pacing itself is proven with a fake clock
    above (real timestamps on a loaded machine made this test fail by a few milliseconds)."""
    settings.LINKCHECK_DELAY = 0.2
    clock = FakeClock()
    check = Checker.from_settings()
    check.pacer.clock, check.pacer.sleep = clock, clock.sleep
    check.check(web.url("/ok"))
    check.check(web.url("/gone"))
    assert clock.pauses == [pytest.approx(0.2)]
    assert len(web.requests) == 2


def test_hosts_take_turns():
    links = [
        Link(url=url)
        for url in ["https://a.example/1", "https://a.example/2", "https://b.example/1", "https://a.example/3"]
    ]
    assert [link.url for link in in_turns(links)] == [
        "https://a.example/1",
        "https://b.example/1",
        "https://a.example/2",
        "https://a.example/3",
    ]


def test_addresses_go_on_the_wire_in_ascii():
    assert ascii_url("https://www.bxl-café.example/hulp bij armoede?q=één#deel") == (
        "https://www.xn--bxl-caf-hya.example/hulp%20bij%20armoede?q=%C3%A9%C3%A9n"
    )
