"""Opening hours and closures (issue 21, item 3): the card's "Vandaag open tot 16 u" at fixed moments, public
holidays and closures, the "open op" filter, the profile's week and JSON-LD, and who may edit them."""

import datetime
import json
import re
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from associations.holidays import public_holidays
from associations.models import Association, Closure, OpeningHours
from network.models import Theme
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.factories import NetworkFactory, StaffFactory, SuperuserFactory, bulk_associations

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# Tuesday 10 March 2026 (winter time, UTC+1) and Easter Monday 6 April 2026 (summer time, UTC+2).
TUESDAY = datetime.date(2026, 3, 10)
EASTER_MONDAY = datetime.date(2026, 4, 6)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def hours(association, weekday, opens, closes, what="", place=""):
    return OpeningHours.objects.create(
        association=association,
        weekday=weekday,
        opens=datetime.time.fromisoformat(opens),
        closes=datetime.time.fromisoformat(closes),
        what=what,
        place=place,
    )


@pytest.fixture
def nta():
    return NetworkFactory(name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen")


def make(network, name, **fields):
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    defaults = {"municipality": "Puurs", "postcode": "2870", "intro": "x", "description": "<p>x</p>"}
    return Association.objects.create(network=network, name=name, slug=slug, **{**defaults, **fields})


@pytest.fixture
def schakel(nta):
    """Open on Tuesday 9.30-12 and 13.30-16, and on Monday afternoon."""
    association = make(nta, "De Schakel", street_address="Kerkstraat 1")
    hours(association, 1, "09:30", "12:00", "Ontmoeting met koffie")
    hours(association, 1, "13:30", "16:00", "Praatgroep")
    hours(association, 0, "13:00", "16:30", "Sociale kruidenier", "Parochiezaal, Kerkstraat 12")
    return association


def card(client, slug):
    page = client.get("/verenigingen/").content.decode()
    start = page.index(f'<a href="/verenigingen/{slug}/">')
    return page[start : page.index("</li>", start)]


def open_today(client, slug="de-schakel"):
    found = re.search(r'<p class="open-today">([^<]*)</p>', card(client, slug))
    return found.group(1) if found else None


# The card at fixed moments


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (at(TUESDAY, 7, 0), "Vandaag open vanaf 9.30 u"),
        (at(TUESDAY, 9, 29), "Vandaag open vanaf 9.30 u"),
        (at(TUESDAY, 9, 30), "Vandaag open tot 12 u"),
        (at(TUESDAY, 11, 59), "Vandaag open tot 12 u"),
        (at(TUESDAY, 12, 0), "Vandaag open vanaf 13.30 u"),
        (at(TUESDAY, 15, 59), "Vandaag open tot 16 u"),
        (at(TUESDAY, 16, 0), "Vandaag gesloten"),
        (at(TUESDAY, 23, 59), "Vandaag gesloten"),
        (at(TUESDAY + datetime.timedelta(days=1), 10, 0), "Vandaag gesloten"),
        (at(TUESDAY - datetime.timedelta(days=1), 14, 15), "Vandaag open tot 16.30 u"),
    ],
)
def test_the_card_says_whether_and_until_when_it_is_open_today(client, schakel, moment, text):
    with time_machine.travel(moment, tick=False):
        assert open_today(client) == text


def test_today_is_the_day_in_brussels_not_in_utc(client, schakel):
    # 23.45 UTC on Monday is 0.45 on Tuesday in Brussels: Tuesday's hours count.
    with time_machine.travel(datetime.datetime(2026, 3, 9, 23, 45, tzinfo=datetime.UTC), tick=False):
        assert open_today(client) == "Vandaag open vanaf 9.30 u"


def test_rows_that_touch_or_overlap_at_two_places_read_as_one_stretch(client, schakel):
    hours(schakel, 1, "12:00", "13:30", "Middagmaal", "Buurthuis")
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        assert open_today(client) == "Vandaag open tot 16 u"


def test_an_association_without_opening_hours_says_nothing_about_today(client, nta, schakel):
    make(nta, "Zonder Uren")
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        assert open_today(client, "zonder-uren") is None
        assert 'class="open-today"' not in client.get("/verenigingen/zonder-uren/").content.decode()


# Public holidays and closures


def test_the_ten_belgian_public_holidays_follow_easter():
    assert list(public_holidays(2026)) == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 6),  # Easter Monday (Easter 5 April)
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 14),  # Ascension Day
        datetime.date(2026, 5, 25),  # Whit Monday
        datetime.date(2026, 7, 21),
        datetime.date(2026, 8, 15),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 11),
        datetime.date(2026, 12, 25),
    ]
    days = public_holidays(2027)
    assert [days[datetime.date(2027, 3, 29)], days[datetime.date(2027, 5, 6)], days[datetime.date(2027, 5, 17)]] == [
        "Paasmaandag",
        "Onze-Lieve-Heer-Hemelvaart",
        "Pinkstermaandag",
    ]


def test_closed_on_a_public_holiday_unless_the_association_opens_then(client, schakel):
    with time_machine.travel(at(EASTER_MONDAY, 14), tick=False):
        assert open_today(client) == "Vandaag gesloten: Paasmaandag"
        Association.objects.filter(pk=schakel.pk).update(closed_on_public_holidays=False)
        assert open_today(client) == "Vandaag open tot 16.30 u"


def test_a_closure_closes_every_day_from_its_first_to_its_last(client, schakel):
    Closure.objects.create(
        association=schakel, starts_on=TUESDAY, ends_on=TUESDAY + datetime.timedelta(days=6), reason="Verhuis"
    )
    for day, text in [
        (TUESDAY - datetime.timedelta(days=1), "Vandaag open tot 16.30 u"),
        (TUESDAY, "Vandaag gesloten: Verhuis"),
        (TUESDAY + datetime.timedelta(days=6), "Vandaag gesloten: Verhuis"),
        (TUESDAY + datetime.timedelta(days=7), "Vandaag open tot 16 u"),
    ]:
        with time_machine.travel(at(day, 14), tick=False):
            assert open_today(client) == text, day


def test_a_closure_without_a_reason_just_says_closed(client, schakel):
    Closure.objects.create(association=schakel, starts_on=TUESDAY, ends_on=TUESDAY)
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        assert open_today(client) == "Vandaag gesloten"


# The filter


@pytest.fixture
def week(nta, schakel):
    saturday = make(nta, "Zaterdagwerking", municipality="Gent", postcode="9000")
    hours(saturday, 5, "10:00", "12:00")
    hours(saturday, 5, "13:00", "15:00")  # two rows on Saturday: listed once
    make(nta, "Zonder Uren")
    return saturday


def names(page):
    return re.findall(r'<li class="card">\s*<h3><a href="/verenigingen/[^"]+/">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("open=za", ["Zaterdagwerking"]),
        ("open=di", ["De Schakel"]),
        ("open=ma", ["De Schakel"]),
        ("open=zo", []),
        ("open=", ["De Schakel", "Zaterdagwerking", "Zonder Uren"]),
        ("open=za&provincie=oost-vlaanderen", ["Zaterdagwerking"]),
        ("open=za&provincie=antwerpen", []),
        ("open=di&waar=9000", ["De Schakel"]),
        ("open=za&q=zaterdag&netwerk=nta", ["Zaterdagwerking"]),
    ],
)
def test_open_on_a_weekday_filters_alone_and_combined(client, week, query, expected):
    response = client.get(f"/verenigingen/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert names(page) == expected
    assert f">{len(expected)} vereniging" in page


@pytest.mark.parametrize("value", ["zaterdag", "6", "<script>"])
def test_a_bad_weekday_answers_400_with_a_dutch_message_next_to_the_field(client, week, value):
    response = client.get("/verenigingen/", {"open": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<ul class="errorlist" id="id_open_error">' in page
    assert "Selecteer een geldige keuze" in page
    assert names(page) == []


def test_the_filter_offers_the_days_in_dutch(client, week):
    page = client.get("/verenigingen/").content.decode()
    select = re.search(r'<select name="open".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>', select) == [
        ("", "Elke dag"),
        ("ma", "maandag"),
        ("di", "dinsdag"),
        ("wo", "woensdag"),
        ("do", "donderdag"),
        ("vr", "vrijdag"),
        ("za", "zaterdag"),
        ("zo", "zondag"),
    ]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?open=za", "?open=di&waar=2870&provincie=antwerpen"])
def test_directory_queries_do_not_grow_with_opening_hours_and_closures(client, nta, query):
    """Two queries per page fetch every card's hours and closures, whatever the number of associations."""
    bulk_associations(nta, 10, start=0, weekdays=[1, 5], closed=(TUESDAY, TUESDAY))
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        client.get("/")  # the site's furniture (networks, partners), cached from then on
        client.get(f"/verenigingen/{query}")  # and the filters' choices
        before = count_queries(client, f"/verenigingen/{query}")
        bulk_associations(nta, 990, start=10, weekdays=[1, 5], closed=(TUESDAY, TUESDAY))
        assert count_queries(client, f"/verenigingen/{query}") == before
        page = client.get(f"/verenigingen/{query}").content.decode()
    assert page.count('<p class="open-today">Vandaag gesloten</p>') == 20
    assert before <= 6


# The profile


def test_the_profile_shows_the_week_in_dutch_with_belgian_times(client, schakel):
    Closure.objects.create(
        association=schakel,
        starts_on=datetime.date(2026, 12, 24),
        ends_on=datetime.date(2027, 1, 2),
        reason="Kerstvakantie",
    )
    Closure.objects.create(association=schakel, starts_on=TUESDAY, ends_on=TUESDAY, reason="Al voorbij")
    with time_machine.travel(at(TUESDAY + datetime.timedelta(days=1), 10), tick=False):
        page = client.get("/verenigingen/de-schakel/").content.decode()
    table = page[page.index('<table class="opening-hours">') : page.index("</table>")]
    rows = [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]
    assert rows == [
        ["Dag", "Uren", "Wat", "Waar"],
        ["Maandag", "13\u201316.30 u", "Sociale kruidenier", "Parochiezaal, Kerkstraat 12"],
        ["Dinsdag", "9.30\u201312 u", "Ontmoeting met koffie", "Op ons adres"],
        ["Dinsdag", "13.30\u201316 u", "Praatgroep", "Op ons adres"],
    ]
    assert '<p class="open-today">Vandaag gesloten</p>' in page
    assert "<li>Gesloten op wettelijke feestdagen.</li>" in page
    assert "<li>Gesloten van 24 december 2026 tot en met 2 januari 2027: Kerstvakantie</li>" in page
    assert "Al voorbij" not in page


def test_the_profile_without_opening_hours_has_no_such_section(client, nta):
    make(nta, "Zonder Uren")
    page = client.get("/verenigingen/zonder-uren/").content.decode()
    assert 'id="opening-hours"' not in page and "Gesloten op wettelijke feestdagen" not in page


def json_ld(client, path):
    return json.loads(JSON_LD.search(client.get(path).content.decode()).group(1))


def test_json_ld_gives_the_weekly_hours_per_place_and_the_closed_days(client, schakel):
    Closure.objects.create(
        association=schakel, starts_on=datetime.date(2026, 12, 24), ends_on=datetime.date(2027, 1, 2), reason="Kerst"
    )
    with time_machine.travel(at(datetime.date(2026, 10, 1), 10), tick=False):
        data = json_ld(client, "/verenigingen/de-schakel/")
    assert data["@type"] == "Organization"
    own, parish = data["location"]
    assert own["@type"] == "Place" and own["name"] == "De Schakel"
    assert own["address"] == data["address"]
    assert own["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "09:30",
            "closes": "12:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "13:30",
            "closes": "16:00",
        },
    ]
    assert parish["name"] == "Parochiezaal, Kerkstraat 12" and "address" not in parish
    assert parish["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "13:00",
            "closes": "16:30",
        }
    ]
    special = own["specialOpeningHoursSpecification"]
    assert special == parish["specialOpeningHoursSpecification"]
    closed = {"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00"}
    # The public holidays of the year ahead and the closure, in date order.
    assert special[:3] == [
        {**closed, "validFrom": "2026-11-01", "validThrough": "2026-11-01", "name": "Allerheiligen"},
        {**closed, "validFrom": "2026-11-11", "validThrough": "2026-11-11", "name": "Wapenstilstand"},
        {**closed, "validFrom": "2026-12-24", "validThrough": "2027-01-02", "name": "Kerst"},
    ]
    assert [entry["validFrom"] for entry in special[3:]] == [
        "2026-12-25",
        "2027-01-01",
        "2027-03-29",
        "2027-05-01",
        "2027-05-06",
        "2027-05-17",
        "2027-07-21",
        "2027-08-15",
    ]


def test_json_ld_without_holidays_when_the_association_opens_on_them(client, schakel):
    Association.objects.filter(pk=schakel.pk).update(closed_on_public_holidays=False)
    data = json_ld(client, "/verenigingen/de-schakel/")
    assert all("specialOpeningHoursSpecification" not in place for place in data["location"])


def test_json_ld_without_opening_hours_has_no_location(client, nta):
    make(nta, "Zonder Uren")
    assert "location" not in json_ld(client, "/verenigingen/zonder-uren/")


# Rules of the data


def test_the_database_refuses_closing_before_opening_and_a_closure_ending_before_it_starts(schakel):
    with pytest.raises(IntegrityError), transaction.atomic():
        hours(schakel, 2, "12:00", "12:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(association=schakel, starts_on=TUESDAY, ends_on=TUESDAY - datetime.timedelta(days=1))


# The admin


@pytest.fixture
def people(nta, schakel):
    other = NetworkFactory(name="Ander", short_name="A", slug="ander", region="limburg")
    return {
        "superuser": SuperuserFactory(username="super"),
        "own_editor": StaffFactory(username="eigen", role=Role.NETWORK_EDITOR, networks=[nta]),
        "other_editor": StaffFactory(username="ander", role=Role.NETWORK_EDITOR, networks=[other]),
        "association_editor": StaffFactory(
            username="vrijwilliger", role=Role.ASSOCIATION_EDITOR, associations=[schakel]
        ),
    }


def with_new_rows(data, *rows, closures=()):
    data = dict(data)
    total = int(data["opening_hours-TOTAL_FORMS"])
    for index, (weekday, opens, closes, place) in enumerate(rows, start=total):
        data.update(
            {
                f"opening_hours-{index}-weekday": str(weekday),
                f"opening_hours-{index}-opens": opens,
                f"opening_hours-{index}-closes": closes,
                f"opening_hours-{index}-what": "Extra",
                f"opening_hours-{index}-place": place,
            }
        )
    data["opening_hours-TOTAL_FORMS"] = str(total + len(rows))
    total = int(data["closures-TOTAL_FORMS"])
    for index, (first, last, reason) in enumerate(closures, start=total):
        data.update({f"closures-{index}-starts_on": first, f"closures-{index}-ends_on": last})
        data[f"closures-{index}-reason"] = reason
    data["closures-TOTAL_FORMS"] = str(total + len(closures))
    return data


def post_change(client, people, role, association, data):
    client.force_login(people[role])
    return client.post(admin_url("associations", "association", "change", association), data)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("superuser", True), ("own_editor", True), ("association_editor", True), ("other_editor", False)],
)
def test_hours_and_closures_are_edited_on_the_association_by_its_editors_only(client, people, schakel, role, allowed):
    data = admin_form(client, people["superuser"], "associations", "association", schakel)
    data = with_new_rows(data, (5, "10:00", "12:00", ""), closures=[("2026-12-24", "2027-01-02", "Kerstvakantie")])
    response = post_change(client, people, role, schakel, data)
    assert response.status_code == 302
    assert schakel.opening_hours.filter(weekday=5).exists() == allowed
    assert schakel.closures.filter(reason="Kerstvakantie").exists() == allowed
    if allowed:
        change = schakel.changes.get()
        assert "openingsuren" in change.fields and "sluitingen" in change.fields


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((1, "11:00", "13:00", ""), "Op dinsdag overlappen 9.30\u201312 u en 11\u201313 u op dezelfde plaats."),
        ((1, "11:00", "13:00", "  op ONS adres "), None),  # another place: fine
        ((1, "12:00", "13:30", ""), None),  # touching: fine
        (
            (0, "16:00", "17:00", "parochiezaal,  kerkstraat 12"),
            "Op maandag overlappen 13\u201316.30 u en 16\u201317 u",
        ),
        ((3, "12:00", "11:00", ""), "Het sluitingsuur moet na het openingsuur komen."),
    ],
)
def test_the_inline_refuses_overlapping_rows_at_one_place_and_closing_before_opening(
    client, people, schakel, row, message
):
    data = admin_form(client, people["superuser"], "associations", "association", schakel)
    response = post_change(client, people, "association_editor", schakel, with_new_rows(data, row))
    if message is None:
        assert response.status_code == 302
        assert schakel.opening_hours.count() == 4
    else:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert schakel.opening_hours.count() == 3


def test_a_closure_ending_before_it_starts_is_refused_in_dutch(client, people, schakel):
    data = admin_form(client, people["superuser"], "associations", "association", schakel)
    data = with_new_rows(data, closures=[("2026-12-24", "2026-12-20", "Kerst")])
    response = post_change(client, people, "own_editor", schakel, data)
    assert response.status_code == 200
    assert "De laatste gesloten dag kan niet voor de eerste liggen." in response.content.decode()
    assert not schakel.closures.exists()


def test_the_theme_page_cards_leave_today_out(client, schakel):
    """A theme page's budget of queries (tests/network/test_pages.py) has no room for the hours: the directory has."""
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    schakel.themes.add(theme)
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        page = client.get("/themas/wonen/").content.decode()
    assert "De Schakel" in page and 'class="open-today"' not in page
