"""The demo calendar: the networks' recurring events around today, loaded once however often it runs."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from associations import demo as associations_demo
from events import demo
from events.models import EVENT_TIME_ZONE, Event, Registration
from network import demo as network_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    network_demo.load()
    associations_demo.load()
    return demo.load()


def test_loading_twice_adds_nothing_the_second_time(loaded):
    assert loaded == Event.objects.count() + Registration.objects.count()
    assert demo.load() == 0


@pytest.mark.parametrize("today", [datetime.datetime(2026, 1, 2, 9, 0), datetime.datetime(2031, 12, 30, 23, 0)])
def test_there_are_always_past_and_upcoming_events(today):
    with time_machine.travel(today.replace(tzinfo=EVENT_TIME_ZONE), tick=False):
        network_demo.load()
        demo.load()
        assert Event.objects.published().past().count() >= 10
        assert Event.objects.published().upcoming().count() >= 10
        years = {event.start_date.year for event in Event.objects.all()}
        assert years == {today.year - 1, today.year, today.year + 1}


def test_the_calendar_reflects_the_networks_texts(loaded):
    year = timezone.localdate().year
    this_year = Event.objects.filter(start_date__year=year)
    bpa = this_year.filter(network__slug="brussels-platform-armoede", title__startswith="Breed BPA overleg")
    assert bpa.count() == 4
    forums = this_year.filter(network__slug="netwerk-tegen-armoede", title__startswith="Forum van het Netwerk")
    assert forums.count() == 2 and all(forum.is_online and forum.is_physical for forum in forums)
    trefdagen = this_year.filter(network__slug="trefpunt-armoede", title__startswith="Trefdag")
    assert trefdagen.count() >= 2 and all(day.postcode.startswith("3") for day in trefdagen)
    march = this_year.get(slug=f"fakkeltocht-17-oktober-{year}")
    assert march.start_date == datetime.date(year, 10, 17) and march.network.slug == "trefpunt-armoede"
    # A digital alternative for some events, not for all.
    assert 0 < this_year.exclude(online_url="").count() < this_year.count()
    assert this_year.filter(status="geannuleerd").exists() and this_year.filter(status="uitgesteld").exists()
    assert not this_year.filter(is_example=False, title__icontains="voorbeeld").exists()


def test_made_up_content_is_marked_as_example(loaded, client):
    workshop = Event.objects.filter(slug__startswith="workshop-budget-in-zicht").latest("start_date")
    assert workshop.is_example
    assert {registration.email.split("@")[1] for registration in Registration.objects.all()} == {"example.org"}
    assert Registration.objects.filter(event=workshop, status="wachtlijst").exists()
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert 'class="example-mark"' in page


def test_every_demo_event_page_renders(loaded, client):
    for event in Event.objects.all():
        assert client.get(event.get_absolute_url()).status_code == 200, event.slug
        if event.has_form:
            assert client.get(f"/agenda/{event.slug}/inschrijven/").status_code == 200
    for path in ["/agenda/", "/agenda/archief/", f"/agenda/{timezone.localdate().year}/", "/agenda.ics"]:
        assert client.get(path).status_code == 200, path


def test_last_years_example_workshop_shows_a_report(loaded, client):
    year = timezone.localdate().year
    past = Event.objects.get(slug=f"workshop-budget-in-zicht-{year - 1}")
    assert past.is_example and past.is_over()
    assert 'class="event-report"' in client.get(past.get_absolute_url()).content.decode()
    assert Event.objects.exclude(report_text="").get() == past
