"""Issue 17, point 6, over HTTP in the documented deployment shape (deployed_site: 3 gunicorn workers behind
a proxy, DJANGO_PROXY_COUNT=1, Redis, PostgreSQL, mail over SMTP): made-up addresses take no seats, only a
confirmation through the mailed link does, a known address gets exactly the answer a new one gets and moves
no count, and invalid posts do not use up anyone's rate limit."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from events.models import Event, Registration
from network.models import Network
from tests.helpers import mail_body, nl, nl_plural, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TIMEOUT = 15
CAPACITY = 30
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/agenda/inschrijving/bevestigen/[^/\s]+/)")
KNOWN = {"confirmed": "bekend@example.org", "pending": "wacht@example.org"}
FULL = "The event is full. Register and you join the waiting list: we send you a mail as soon as a seat comes free."


@pytest.fixture(scope="module")
def data(committed_db):
    network = Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )
    event = Event(
        network=network,
        title="Avond over schulden",
        slug="avond-over-schulden",
        intro="Samen zoeken naar uitwegen.",
        description="<p>Een avond voor wie met schulden zit.</p>",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        start_time=datetime.time(19, 0),
        end_time=datetime.time(21, 0),
        place_name="Zaal De Kring",
        municipality="Hasselt",
        registration_mode=Event.RegistrationMode.FORM,
        capacity=CAPACITY,
    )
    event.full_clean()
    event.save()
    # Someone who registered and confirmed, and someone whose registration awaits confirmation.
    Registration.objects.create(
        event=event, name="Bekend", email=KNOWN["confirmed"], people=2, status="bevestigd", confirmed_at=timezone.now()
    )
    Registration.objects.create(event=event, name="Nog niet", email=KNOWN["pending"], status="onbevestigd")
    return SimpleNamespace(network=network, event=event)


def form_path(event):
    return f"/agenda/{event.slug}/inschrijven/"


def post_registration(site, visitor, event, **fields):
    """Open the form as a browser does (for the CSRF cookie and token), then send it; the final answer."""
    page = visitor.get(site.url + form_path(event), timeout=TIMEOUT)
    assert page.status_code == 200
    data = {
        "name": "Rita Peeters",
        "email": "rita@example.org",
        "people": "1",
        "website": "",
        "csrfmiddlewaretoken": CSRF_TOKEN.search(page.text).group(1),
        **fields,
    }
    return visitor.post(site.url + form_path(event), data, timeout=TIMEOUT)


def seats_shown(site, event):
    """The free seats the public event page shows, as any visitor sees it (from the page cache or not)."""
    page = site.client("198.51.100.1").get(site.url + event.get_absolute_url(), timeout=TIMEOUT).text
    if nl(FULL) in page:
        return 0
    [shown] = [
        count
        for count in range(1, CAPACITY + 1)
        if nl_plural("%(counter)s seat left.", "%(counter)s seats left.", count) in page
    ]
    return shown


def mails_to(site, address, count):
    wait_for(lambda: len(site.mail.to(address)) >= count, timeout=TIMEOUT, message=f"{count} mails to {address}")
    return site.mail.to(address)


def without_csrf_tokens(html):
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def test_four_posts_of_made_up_addresses_take_no_seats(deployed_site, data):
    attacker = deployed_site.client("203.0.113.66")
    before = seats_shown(deployed_site, data.event)
    assert before == CAPACITY - 2
    for number in range(4):
        response = post_registration(
            deployed_site,
            attacker,
            data.event,
            email=f"verzonnen{number}@example.invalid",
            people="10",
            group_reason="Tien leden van onze vereniging.",
        )
        assert response.status_code == 200 and response.url.endswith(form_path(data.event) + "bedankt/")
    assert seats_shown(deployed_site, data.event) == before
    for number in range(4):
        [mail] = mails_to(deployed_site, f"verzonnen{number}@example.invalid", 1)
        assert mail["Subject"] == nl("Confirm your registration for %(title)s") % {"title": data.event.title}
    made_up = Registration.objects.filter(event=data.event, email__endswith="@example.invalid")
    assert list(made_up.values_list("status", flat=True)) == ["onbevestigd"] * 4


def test_a_confirmed_registration_takes_its_seats(deployed_site, data):
    visitor = deployed_site.client("203.0.113.10")
    before = seats_shown(deployed_site, data.event)
    response = post_registration(
        deployed_site, visitor, data.event, email="greet@example.org", people="3", group_reason="Mijn twee kinderen."
    )
    assert response.status_code == 200
    [mail] = mails_to(deployed_site, "greet@example.org", 1)
    link = deployed_site.url + CONFIRM_LINK.search(mail_body(mail)).group(1)

    # A mail scanner fetches the link, without a cookie: the page shows a button and confirms nothing.
    scanner = deployed_site.client("192.0.2.25")
    assert scanner.head(link, timeout=TIMEOUT).status_code == 200
    page = scanner.get(link, timeout=TIMEOUT)
    assert page.status_code == 200 and nl("Yes, confirm my registration") in page.text
    assert "no-store" in page.headers["Cache-Control"] and "private" in page.headers["Cache-Control"]
    assert seats_shown(deployed_site, data.event) == before

    token = CSRF_TOKEN.search(visitor.get(link, timeout=TIMEOUT).text).group(1)
    confirmed = visitor.post(link, {"csrfmiddlewaretoken": token}, timeout=TIMEOUT)
    assert confirmed.status_code == 200 and nl("You are registered") in confirmed.text
    assert seats_shown(deployed_site, data.event) == before - 3, "the cached event page shows it at once"
    seat = mails_to(deployed_site, "greet@example.org", 2)[1]
    assert seat["Subject"] == nl("Your registration for %(title)s") % {"title": data.event.title}


@pytest.mark.parametrize("state", ["confirmed", "pending"])
def test_a_known_address_gets_a_byte_identical_answer_and_moves_no_count(deployed_site, data, state):
    """Whether someone registered for a debt-help evening must not show to whoever types their address."""
    known = KNOWN[state]
    before = seats_shown(deployed_site, data.event)
    sent = len(deployed_site.mail.to(known))
    new = f"nieuw-{known.split('@')[0]}@elders.example"  # no address that contains the known one
    answers = [
        post_registration(deployed_site, deployed_site.client(ip), data.event, email=address, people="2")
        for ip, address in (("203.0.113.20", known), ("203.0.113.21", new))
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert [[step.status_code for step in answer.history] for answer in answers] == [[302], [302]]
    assert answers[0].history[0].headers["Location"] == answers[1].history[0].headers["Location"]
    assert without_csrf_tokens(answers[0].text) == without_csrf_tokens(answers[1].text)
    assert answers[0].content == answers[1].content, "byte for byte"
    assert seats_shown(deployed_site, data.event) == before
    notice = mails_to(deployed_site, known, sent + 1)[-1]
    assert notice["Subject"] == nl("You had already registered for %(title)s") % {"title": data.event.title}


def test_invalid_posts_do_not_count_toward_the_rate_limit(deployed_site, data):
    """Today five bogus posts with someone's address locked that person out for an hour."""
    bogus = deployed_site.client("203.0.113.30")
    # More invalid posts than the address (5) and the client address (20) may make in an hour.
    statuses = [
        post_registration(deployed_site, bogus, data.event, email="slachtoffer@example.org", people="0").status_code
        for _ in range(21)
    ]
    assert statuses == [400] * 21
    real = post_registration(deployed_site, bogus, data.event, email="slachtoffer@example.org")
    assert real.status_code == 200 and real.url.endswith("bedankt/"), "the real person still gets through"
    # Valid posts do count: the address's fifth valid post in the hour is its last.
    statuses = [
        post_registration(
            deployed_site, deployed_site.client(f"203.0.113.{40 + n}"), data.event, email="slachtoffer@example.org"
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
