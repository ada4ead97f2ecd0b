"""Event cards (events/cards.py, Jinja2 fragments fed from card rows) and the calendar's pages of cards,
counted in the same query. The markup is pinned as the Django templates wrote it (these tests passed on
them), with quotes escaped one way (Jinja2 writes &#34; where Django wrote &quot;)."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from events import cards, views
from tests.factories import make_event
from tests.helpers import nl, nl_plural, one_quote_escaping

pytestmark = pytest.mark.django_db

ONLINE_ONLY = {"place_name": "", "street_address": "", "postcode": "", "municipality": ""}


def cancelled_online_days(world, **extra):
    """Two whole days online, cancelled, with markup in its title."""
    return make_event(
        world["tpa"],
        "online-dagen",
        days=5,
        start_time=None,
        end_time=None,
        end_date=datetime.date(2026, 10, 7),
        online_url="https://meet.example.org/a",
        status="geannuleerd",
        status_reason="Ziek",
        title="Eten & <praten>",
        **ONLINE_ONLY,
        **extra,
    )


def _page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return one_quote_escaping(response.content.decode())


def test_cards_in_the_calendar_have_the_markup_of_the_old_template(client, world):
    make_event(world["nta"], "kring", days=2)
    cancelled_online_days(world, is_example=True, intro='"Kom" maar')
    # Across the night the clocks go back: the end is in winter time.
    make_event(
        world["bpa"],
        "nacht",
        days=23,
        end_date=datetime.date(2026, 10, 25),
        start_time=datetime.time(20),
        end_time=datetime.time(10),
        online_url="https://meet.example.org/b",
        status="uitgesteld",
        status_reason="Later",
    )
    html = _page(client, "/agenda/")
    assert (
        '<ul class="event-list">\n      <li class="card event-card">\n'
        '  <h3><a href="/agenda/kring/">Activiteit kring</a></h3>\n'
        "  \n"
        '  <p class="event-card__when"><time datetime="2026-10-03T14:00:00+02:00">zaterdag 3 oktober, 14:00</time>'
        ' \u2013 <time datetime="2026-10-03T16:00:00+02:00">16:00</time></p>\n'
        '  <p class="muted">Ter plaatse · Hasselt · NTA</p>\n'
        "  \n"
        "  <p>Inleiding kring</p>\n"
        "</li>\n"
        '<li class="card event-card event-card--cancelled">\n'
        '  <h3><a href="/agenda/online-dagen/">Eten &amp; &lt;praten&gt;</a></h3>\n'
        '  <p class="event-status">Geannuleerd</p>\n'
        '  <p class="event-card__when"><time datetime="2026-10-06">dinsdag 6 oktober</time>'
        ' tot en met <time datetime="2026-10-07">woensdag 7 oktober</time></p>\n'
        '  <p class="muted">Online · TPA</p>\n'
        '  <p class="example-mark">Voorbeeldgegevens</p>\n'
        "  <p>&quot;Kom&quot; maar</p>\n"
        "</li>\n"
        '<li class="card event-card">\n'
        '  <h3><a href="/agenda/nacht/">Activiteit nacht</a></h3>\n'
        '  <p class="event-status">Uitgesteld</p>\n'
        '  <p class="event-card__when"><time datetime="2026-10-24T20:00:00+02:00">zaterdag 24 oktober, 20:00</time>'
        ' tot <time datetime="2026-10-25T10:00:00+01:00">zondag 25 oktober, 10:00</time></p>\n'
        '  <p class="muted">Ter plaatse en online · Hasselt · BPA</p>\n'
        "  \n"
        "  <p>Inleiding nacht</p>\n"
        "</li>\n"
        "\n    </ul>"
    ) in html
    assert html.count('<li class="card event-card') == 3


def test_the_home_shows_cards_with_the_year_and_an_event_page_its_days_and_times_in_full(client, world):
    make_event(world["nta"], "kring", days=2)
    make_event(
        world["nta"],
        "nacht",
        days=23,
        end_date=datetime.date(2026, 10, 25),
        start_time=datetime.time(20),
        end_time=datetime.time(10),
    )
    home = _page(client, "/")
    assert (
        '<p class="event-card__when"><time datetime="2026-10-03T14:00:00+02:00">zaterdag 3 oktober 2026, 14:00</time>'
        ' \u2013 <time datetime="2026-10-03T16:00:00+02:00">16:00</time></p>'
    ) in home
    assert (
        '<dd><time datetime="2026-10-24T20:00:00+02:00">zaterdag 24 oktober 2026, 20:00</time>'
        ' tot <time datetime="2026-10-25T10:00:00+01:00">zondag 25 oktober 2026, 10:00</time></dd>'
    ) in _page(client, "/agenda/nacht/")


def test_the_year_calendar_has_the_markup_of_the_old_template(client, world):
    make_event(world["nta"], "kring", days=2)
    cancelled_online_days(world)
    make_event(world["bpa"], "hybride", days=40, online_url="https://meet.example.org/b")
    html = _page(client, "/agenda/2026/")
    assert (
        '<ul class="year-events">\n        \n'
        "        <li>\n"
        '          <span class="year-events__when"><time datetime="2026-10-03T14:00:00+02:00">za 3 Okt, 14:00</time>'
        ' \u2013 <time datetime="2026-10-03T16:00:00+02:00">16:00</time></span>\n'
        '          <a href="/agenda/kring/">Activiteit kring</a>\n'
        '          <span class="year-events__meta">NTA · Hasselt</span>\n'
        "        </li>\n        \n"
        '        <li class="year-events--cancelled">\n'
        '          <span class="year-events__when"><time datetime="2026-10-06">di 6 Okt</time>'
        ' tot en met <time datetime="2026-10-07">wo 7 Okt</time></span>\n'
        '          <a href="/agenda/online-dagen/">Eten &amp; &lt;praten&gt;</a>\n'
        '          <span class="year-events__meta"><strong>Geannuleerd</strong> · TPA · online</span>\n'
        "        </li>\n        \n      </ul>"
    ) in html
    assert '<span class="year-events__meta">BPA · Hasselt en online</span>' in html


def test_the_address_of_an_event_is_the_reversed_one(world):
    assert cards.event_url("kring") == reverse("events:detail", kwargs={"slug": "kring"}) == "/agenda/kring/"
    # Not a slug the address takes: reversed, which refuses it as it did before.
    with pytest.raises(NoReverseMatch):
        cards.event_url("café")


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)


def test_pages_of_the_calendar_count_every_event(client, world, two_per_page, django_assert_num_queries):
    for number in range(5):
        make_event(world["nta"], f"activiteit-{number}", days=2 + number)
    make_event(world["tpa"], "voorbij", days=-3)
    client.get("/agenda/")  # the site network and the filters' choices are cached after the first request
    # The page's events and the number of all of them in one query.
    with django_assert_num_queries(1):
        first = _page(client, "/agenda/")
    assert nl_plural("%(counter)s upcoming event", "%(counter)s upcoming events", 5) in first
    assert first.count('<li class="card event-card') == 2
    assert 'href="/agenda/?pagina=2" rel="next"' in first
    last = _page(client, "/agenda/?pagina=3")
    assert nl_plural("%(counter)s upcoming event", "%(counter)s upcoming events", 5) in last
    assert 'href="/agenda/activiteit-4/"' in last
    assert last.count('<li class="card event-card') == 1
    assert 'href="/agenda/?pagina=2" rel="prev"' in last
    for beyond in ("4", "0", "een", "-1", "2.0", str(2**63), "9" * 40):
        _page(client, f"/agenda/?pagina={beyond}", status=404)
    archive = _page(client, "/agenda/archief/")
    assert nl_plural("%(counter)s past event", "%(counter)s past events", 1) in archive
    _page(client, "/agenda/archief/?pagina=2", status=404)


def test_a_filter_without_events_is_one_empty_page(client, world, two_per_page):
    make_event(world["nta"], "kring", days=2)
    html = _page(client, "/agenda/?netwerk=tpa")
    assert nl_plural("%(counter)s upcoming event", "%(counter)s upcoming events", 0) in html
    assert nl("No upcoming events match these filters.") in html
    _page(client, "/agenda/?netwerk=tpa&pagina=2", status=404)
