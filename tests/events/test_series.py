"""Repeating events: the first event holds the rule, each later date is an event of its own
(events/series.py). Weekly, monthly on the nth weekday or the same date, until a date or a count,
skipped dates, a bounded horizon, idempotent runs, unique slugs; changes reach the future dates
without registrations; the admin makes series for the user's own networks only; the calendar costs
the same queries and the iCal feed has a VEVENT per date."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import EVENT_TIME_ZONE, Event, Registration
from events.series import SERIES_HORIZON, sync_series
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.events.conftest import NOW
from tests.factories import StaffFactory, SuperuserFactory, make_event
from tests.helpers import nl

pytestmark = pytest.mark.django_db

D = datetime.date


def series_event(world, slug="praatcafe", days=12, **rule):
    """An event on Tuesday 13 October 2026 (NOW + 12 days), 14:00-16:00, with the series rule `rule`."""
    return make_event(world["bpa"], slug, days=days, themes=[world["wonen"]], **rule)


def dates(origin):
    return list(origin.occurrences.order_by("starts_at").values_list("start_date", flat=True))


def test_weekly_with_a_count_makes_real_events_with_their_own_pages(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=5, registration_mode="formulier", capacity=8)
    assert origin.start_date == D(2026, 10, 13)
    result = sync_series(origin)
    assert result.created == [D(2026, 10, 20), D(2026, 10, 27), D(2026, 11, 3), D(2026, 11, 10)]
    assert dates(origin) == result.created
    occurrence = origin.occurrences.get(start_date=D(2026, 11, 3))
    assert occurrence.slug == "praatcafe-2026-11-03"
    assert occurrence.get_absolute_url() == "/agenda/praatcafe-2026-11-03/"
    assert (occurrence.network, occurrence.title, occurrence.capacity) == (origin.network, origin.title, 8)
    assert list(occurrence.themes.all()) == [world["wonen"]]
    # Brussels wall-clock time on both sides of the clocks going back (25 October).
    assert occurrence.local_start.time() == datetime.time(14, 0) == origin.local_start.time()
    assert occurrence.starts_at - origin.starts_at == datetime.timedelta(days=21, hours=1)
    assert occurrence.uid != origin.uid
    assert occurrence.repeat == "" and occurrence.series == origin
    # Each date has its own seats.
    Registration.objects.create(event=occurrence, name="Els", email="els@example.org", status="bevestigd", people=3)
    assert origin.registrations.count() == 0


def test_monthly_on_the_second_tuesday_until_a_date_with_a_skipped_date(world, frozen):
    origin = series_event(
        world, repeat="maandelijks-weekdag", repeat_until=D(2027, 3, 9), repeat_skip="08-12-2026\n\n2027-02-09\n"
    )
    sync_series(origin)
    # Every 2nd Tuesday; 8 December and 9 February skipped; the end date itself included.
    assert dates(origin) == [D(2026, 11, 10), D(2027, 1, 12), D(2027, 3, 9)]


def test_a_fifth_weekday_reads_as_the_last_of_the_month(world, frozen):
    origin = series_event(world, days=28, repeat="maandelijks-weekdag", repeat_count=4)
    assert origin.start_date == D(2026, 10, 29)  # the 5th Thursday of October
    sync_series(origin)
    assert dates(origin) == [D(2026, 11, 26), D(2026, 12, 31), D(2027, 1, 28)]


def test_monthly_on_the_same_date_every_other_month(world, frozen):
    origin = series_event(world, days=14, repeat="maandelijks-datum", repeat_interval=2, repeat_count=3)
    sync_series(origin)
    assert dates(origin) == [D(2026, 12, 15), D(2027, 2, 15)]


def test_a_count_counts_the_skipped_dates_as_icalendar_does(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=4, repeat_skip="20/10/2026")
    sync_series(origin)
    assert dates(origin) == [D(2026, 10, 27), D(2026, 11, 3)]


def test_skipping_a_date_later_removes_it_unless_people_registered(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=4)
    sync_series(origin)
    registered = origin.occurrences.get(start_date=D(2026, 10, 27))
    Registration.objects.create(event=registered, name="Jan", email="jan@example.org")
    origin.repeat_skip = "20-10-2026\n27-10-2026"
    origin.full_clean()
    origin.save()
    result = sync_series(origin)
    assert result.removed == [D(2026, 10, 20)] and result.kept == [D(2026, 10, 27)]
    assert dates(origin) == [D(2026, 10, 27), D(2026, 11, 3)]


def test_running_again_changes_nothing_and_keeps_the_events(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_until=D(2026, 11, 10))
    first = sync_series(origin)
    before = dict(origin.occurrences.values_list("start_date", "pk"))
    slugs = set(origin.occurrences.values_list("slug", flat=True))
    again = sync_series(origin)
    assert again.created == [] and again.removed == [] and again.updated == first.created
    assert dict(origin.occurrences.values_list("start_date", "pk")) == before
    assert set(origin.occurrences.values_list("slug", flat=True)) == slugs
    assert Event.objects.count() == 1 + len(before)


def test_an_open_series_is_made_only_as_far_as_the_horizon_and_grows_with_time(world, frozen):
    origin = series_event(world, repeat="wekelijks")
    sync_series(origin)
    made = dates(origin)
    horizon = NOW.date() + SERIES_HORIZON
    assert made[-1] <= horizon < made[-1] + datetime.timedelta(days=7)
    assert len(made) == 50  # 20 October 2026 to 28 September 2027
    frozen.move_to(NOW + datetime.timedelta(days=28))
    result = sync_series(origin)
    assert len(result.created) == 4 and result.removed == []
    # Dates that began are history: the two dates of October past are neither changed nor made again.
    assert D(2026, 10, 20) not in result.updated and dates(origin)[0] == D(2026, 10, 20)


def test_slugs_stay_unique_when_another_event_has_the_address(world, frozen):
    make_event(world["tpa"], "praatcafe-2026-10-20", days=5)
    origin = series_event(world, repeat="wekelijks", repeat_count=2)
    sync_series(origin)
    assert origin.occurrences.get().slug == "praatcafe-2026-10-20-2"
    long_origin = series_event(world, slug="a" * 200, title="Lang", days=13, repeat="wekelijks", repeat_count=2)
    sync_series(long_origin)
    occurrence = long_origin.occurrences.get()
    assert len(occurrence.slug) <= 200 and occurrence.slug.endswith("-2026-10-21")
    occurrence.full_clean()


def test_changes_reach_future_dates_without_registrations_only(world, frozen):
    origin = series_event(
        world,
        repeat="wekelijks",
        repeat_count=4,
        registration_mode="formulier",
        registration_closes_at=datetime.datetime(2026, 10, 12, 12, 0, tzinfo=EVENT_TIME_ZONE),
    )
    sync_series(origin)
    taken = origin.occurrences.get(start_date=D(2026, 10, 27))
    Registration.objects.create(event=taken, name="Mia", email="mia@example.org", status="bevestigd")
    frozen.move_to(datetime.datetime(2026, 10, 21, 9, 0, tzinfo=EVENT_TIME_ZONE))  # the 20th is over
    origin.title = "Praatcafé nieuwe stijl"
    origin.place_name = "Buurthuis"
    origin.start_time, origin.end_time = datetime.time(19, 0), datetime.time(21, 0)
    origin.full_clean()
    origin.save()
    result = sync_series(origin)
    assert result.updated == [D(2026, 11, 3)] and result.kept == [D(2026, 10, 27)]
    titles = dict(origin.occurrences.values_list("start_date", "title"))
    assert titles[D(2026, 10, 20)] == titles[D(2026, 10, 27)] == "Activiteit praatcafe"
    changed = origin.occurrences.get(start_date=D(2026, 11, 3))
    assert (changed.title, changed.place_name) == ("Praatcafé nieuwe stijl", "Buurthuis")
    assert changed.local_start.time() == datetime.time(19, 0)
    # The registration deadline keeps its distance to the start.
    assert changed.starts_at - changed.registration_closes_at == origin.starts_at - origin.registration_closes_at


def test_a_shorter_rule_removes_future_dates_without_registrations(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=5)
    sync_series(origin)
    Registration.objects.create(event=origin.occurrences.get(start_date=D(2026, 11, 10)), name="Ann", email="a@b.be")
    origin.repeat = ""
    origin.repeat_count = None
    origin.full_clean()
    origin.save()
    result = sync_series(origin)
    assert result.removed == [D(2026, 10, 20), D(2026, 10, 27), D(2026, 11, 3)]
    assert dates(origin) == [D(2026, 11, 10)]


def test_a_date_whose_time_does_not_exist_in_brussels_is_left_out(world, frozen):
    # Sunday 21 March 2027, 02:30; a week later the clocks go forward and 02:30 does not happen.
    origin = series_event(
        world, days=171, start_time=datetime.time(2, 30), end_time=datetime.time(3, 30), repeat="wekelijks"
    )
    origin.repeat_count = 3
    result = sync_series(origin)
    assert result.impossible == [D(2027, 3, 28)]
    assert dates(origin) == [D(2027, 4, 4)]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"repeat": "wekelijks", "repeat_count": 4, "repeat_until": D(2026, 12, 1)}, "repeat_count"),
        ({"repeat": "wekelijks", "repeat_until": D(2026, 10, 13)}, "repeat_until"),
        ({"repeat": "wekelijks", "repeat_skip": "volgende week"}, "repeat_skip"),
        ({"repeat": "wekelijks", "repeat_skip": "13-10-2026"}, "repeat_skip"),
        ({"repeat_count": 4}, "repeat"),
        ({"repeat": "wekelijks", "repeat_count": 1}, "repeat_count"),
    ],
)
def test_a_rule_that_cannot_be_is_refused(world, frozen, rule, field):
    with pytest.raises(ValidationError) as error:
        series_event(world, **rule)
    assert field in error.value.message_dict


def test_a_date_of_a_series_cannot_have_its_own_rule(world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=2)
    sync_series(origin)
    occurrence = origin.occurrences.get()
    occurrence.repeat = "wekelijks"
    with pytest.raises(ValidationError) as error:
        occurrence.full_clean()
    assert "repeat" in error.value.message_dict


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def editor(world):
    return StaffFactory(username="redacteur", role=Role.NETWORK_EDITOR, networks=[world["bpa"]])


def test_saving_the_first_event_in_the_admin_makes_and_updates_the_series(client, world, frozen, editor):
    origin = series_event(world)
    data = admin_form(client, SuperuserFactory(), "events", "event", origin)
    data.update({"repeat": "maandelijks-weekdag", "repeat_count": "3", "repeat_interval": "1"})
    client.force_login(editor)
    response = client.post(admin_url("events", "event", "change", origin), data, follow=True)
    assert response.status_code == 200
    assert dates(origin) == [D(2026, 11, 10), D(2026, 12, 8)]
    assert (
        nl("Series %(event)s: %(created)d dates made, %(updated)d updated, %(removed)d removed.")
        % {
            "event": origin.title,
            "created": 2,
            "updated": 0,
            "removed": 0,
        }
        in response.content.decode()
    )
    # A date's page in the admin names its series instead of the rule.
    occurrence = origin.occurrences.first()
    html = client.get(admin_url("events", "event", "change", occurrence)).content.decode()
    assert 'name="repeat"' not in html and f'href="{admin_url("events", "event", "change", origin)}"' in html
    # Saving again with a new title carries it over.
    data["title"] = "Maandelijks praatcafé"
    client.post(admin_url("events", "event", "change", origin), data)
    assert set(origin.occurrences.values_list("title", flat=True)) == {"Maandelijks praatcafé"}


def test_the_action_makes_series_of_the_users_own_networks_only(client, world, frozen, editor):
    own = series_event(world, repeat="wekelijks", repeat_count=3)
    other = make_event(world["tpa"], "ander-praatcafe", days=12, repeat="wekelijks", repeat_count=3)
    client.force_login(editor)
    # A forged post naming the other network's event too.
    response = client.post(
        admin_url("events", "event", "changelist"),
        {"action": "make_series", "_selected_action": [str(own.pk), str(other.pk)]},
    )
    assert response.status_code == 302
    assert len(dates(own)) == 2 and dates(other) == []


def test_who_may_not_add_events_does_not_get_the_action(client, world, frozen):
    manager = StaffFactory(username="nieuwsbrief", role=Role.NEWSLETTER_MANAGER, networks=[world["bpa"]])
    origin = series_event(world, repeat="wekelijks", repeat_count=3)
    client.force_login(manager)
    response = client.post(
        admin_url("events", "event", "changelist"), {"action": "make_series", "_selected_action": [str(origin.pk)]}
    )
    assert response.status_code == 403
    assert dates(origin) == []


# The calendar ---------------------------------------------------------------------------------


def test_the_calendar_lists_every_date_for_the_same_queries(client, world, frozen, django_assert_num_queries):
    origin = series_event(world, repeat="wekelijks", repeat_count=6)
    sync_series(origin)
    client.get("/agenda/")  # the site network and the filters' choices are cached after the first request
    # As tests/events/test_pages.py: one page of events with their networks' short names and the count.
    with django_assert_num_queries(1):
        response = client.get("/agenda/")
    html = response.content.decode()
    assert all(f'href="{occurrence.get_absolute_url()}"' in html for occurrence in origin.occurrences.all())


def test_the_ical_feed_has_one_vevent_per_date(client, world, frozen):
    origin = series_event(world, repeat="wekelijks", repeat_count=3)
    sync_series(origin)
    feed = client.get("/agenda.ics").content.decode()
    assert feed.count("BEGIN:VEVENT") == 3 and "RRULE" not in feed
    assert all(str(uid) in feed for uid in Event.objects.values_list("uid", flat=True))
