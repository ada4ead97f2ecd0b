"""Reminder mails EVENT_REMINDER_DAYS before an event, through a real SMTP server: only confirmed seats with an
address, each once, however often the hourly command runs."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Registration
from tests.factories import RegistrationFactory, make_event
from tests.helpers import mail_body, nl

pytestmark = pytest.mark.django_db


def seat(event, name, **fields):
    fields.setdefault("status", Registration.Status.CONFIRMED)
    return RegistrationFactory(event=event, name=name, confirmed_at=timezone.now(), **fields)


def run():
    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def tomorrow(world):
    return make_event(world["tpa"], "morgen", days=1, registration_mode="formulier", capacity=10)


def test_run_twice_in_the_same_hour_each_reminder_goes_once(world, tomorrow, smtp_sink, frozen):
    rita = seat(tomorrow, "Rita")
    seat(tomorrow, "Wachtend", status=Registration.Status.WAITING)
    seat(tomorrow, "Onbevestigd", status=Registration.Status.PENDING)
    seat(tomorrow, "Geannuleerd", status=Registration.Status.CANCELLED)
    seat(tomorrow, "Zonder adres", email="", phone="0470 12 34 56")
    later = make_event(world["tpa"], "later", days=5, registration_mode="formulier")
    seat(later, "Later")
    cancelled = make_event(
        world["tpa"], "afgelast", days=1, registration_mode="formulier", status="geannuleerd", status_reason="Storm."
    )
    seat(cancelled, "Afgelast")

    assert run() == "1 reminders sent (2 days ahead)\n"
    frozen.shift(datetime.timedelta(minutes=30))
    assert run() == "0 reminders sent (2 days ahead)\n"

    [reminder] = smtp_sink.wait_for(1)
    assert reminder["To"] == rita.email
    assert reminder["Subject"] == nl("Reminder: %(title)s") % {"title": tomorrow.title}
    body = mail_body(reminder)
    assert (
        nl("A reminder: you are registered for %(title)s. We look forward to seeing you.") % {"title": tomorrow.title}
        in body
    )
    assert re.search(r"https?://[^/\s]+/agenda/inschrijving/annuleren/[^/\s]+/", body), "the cancel link"
    rita.refresh_from_db()
    assert rita.reminded_at == timezone.now() - datetime.timedelta(minutes=30)
    assert len(smtp_sink.messages) == 1


def test_an_event_enters_the_window_on_a_later_run(world, tomorrow, smtp_sink, frozen):
    later = make_event(world["tpa"], "later", days=5, registration_mode="formulier")
    seat(tomorrow, "Rita")
    seat(later, "Karel")
    assert run().startswith("1 ")
    frozen.shift(datetime.timedelta(days=3, hours=3))  # `later` now begins within two days
    assert run().startswith("1 ")
    assert [message["To"] for message in smtp_sink.wait_for(2)] == ["rita@example.org", "karel@example.org"]


def test_the_number_of_days_is_a_setting(world, tomorrow, smtp_sink, settings):
    settings.EVENT_REMINDER_DAYS = 1
    seat(tomorrow, "Rita")  # 26 hours ahead
    assert run() == "0 reminders sent (1 days ahead)\n"
    settings.EVENT_REMINDER_DAYS = 2
    assert run().startswith("1 ")


def test_an_event_outside_its_publication_window_sends_no_reminder(world, tomorrow, smtp_sink, frozen):
    """Its page is gone (or not there yet): the reminder waits until the event is online again."""
    seat(tomorrow, "Rita", email="rita@example.org")
    tomorrow.unpublish_at = timezone.now() - datetime.timedelta(hours=1)
    tomorrow.save()
    assert run() == "0 reminders sent (2 days ahead)\n"
    tomorrow.unpublish_at = None
    tomorrow.publish_at = timezone.now() + datetime.timedelta(hours=1)
    tomorrow.save()
    assert run() == "0 reminders sent (2 days ahead)\n"
    frozen.shift(datetime.timedelta(hours=2))
    assert run() == "1 reminders sent (2 days ahead)\n"
    assert [message["To"] for message in smtp_sink.wait_for(1)] == ["rita@example.org"]


def test_a_registration_claimed_by_another_run_is_not_sent_again(world, tomorrow, smtp_sink):
    """Another server's run set `reminded_at` first: this run sends nothing for it."""
    rita = seat(tomorrow, "Rita")
    Registration.objects.filter(pk=rita.pk).update(reminded_at=timezone.now())
    assert run().startswith("0 ")
    assert smtp_sink.messages == []
