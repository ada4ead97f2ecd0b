"""The registration deadline: before it the form says until when, after it the page says closed in Dutch,
the form is gone, and a post (a registration or a confirmation) answers 410 Gone."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from events.models import Registration
from tests.factories import make_event
from tests.helpers import mail_body, nl

PERSON = {"name": "Rita Peeters", "email": "rita@example.org", "people": "1"}
# Ten days after EVENTS_NOW at 14:00, less seven days and two hours.
DEADLINE = "4 oktober 2026, 12:00"

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world):
    """Ten days ahead at 14:00; registration closes three days ahead at 12:00 (Brussels, DEADLINE)."""
    event = make_event(world["tpa"], "trefdag", registration_mode="formulier", capacity=5)
    event.registration_closes_at = event.starts_at - datetime.timedelta(days=7, hours=2)
    event.full_clean()
    event.save()
    return event


def register(client, event):
    return client.post(f"/agenda/{event.slug}/inschrijven/", PERSON)


def confirm_path(message):
    return re.search(r"https?://[^/\s]+(/agenda/inschrijving/bevestigen/[^/\s]+/)", mail_body(message)).group(1)


def main_content(response):
    return response.content.decode().split('id="main-content"')[1].split("</main>")[0]


def test_before_the_deadline_the_pages_say_until_when(client, event):
    until = nl("You can register until %(moment)s.") % {"moment": DEADLINE}
    for path in (event.get_absolute_url(), f"/agenda/{event.slug}/inschrijven/"):
        assert until in client.get(path).content.decode()
    assert register(client, event).status_code == 302


def test_after_the_deadline_the_form_is_gone_and_a_post_is_refused_with_410(client, event, frozen):
    frozen.move_to(event.registration_closes_at)
    closed = nl("Registration for this event closed on %(moment)s.") % {"moment": DEADLINE}
    assert closed == f"De inschrijvingen voor deze activiteit zijn afgesloten sinds {DEADLINE}."
    detail = client.get(event.get_absolute_url())
    assert closed in detail.content.decode()
    assert f"/agenda/{event.slug}/inschrijven/" not in detail.content.decode()
    page = client.get(f"/agenda/{event.slug}/inschrijven/")
    assert page.status_code == 200
    assert closed in page.content.decode() and "<form" not in main_content(page)

    response = register(client, event)
    assert response.status_code == 410
    assert closed in response.content.decode()
    assert not Registration.objects.exists()


def test_a_confirmation_after_the_deadline_is_refused_with_410(client, event, frozen, smtp_sink):
    assert register(client, event).status_code == 302
    path = confirm_path(smtp_sink.wait_for(1)[0])
    frozen.move_to(event.registration_closes_at + datetime.timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 200 and 'method="post"' not in page.content.decode()
    response = client.post(path)
    assert response.status_code == 410
    assert nl("Registration for this event closed on %(moment)s.") % {"moment": DEADLINE} in (
        response.content.decode()
    )
    assert Registration.objects.get(email=PERSON["email"]).status == "onbevestigd"


def test_a_form_closed_by_the_event_itself_still_answers_409(client, event, frozen):
    event.registration_closes_at = None
    event.save()
    frozen.move_to(event.starts_at)
    assert register(client, event).status_code == 409


def test_the_deadline_must_come_before_the_start_and_only_with_the_form(world):
    event = make_event(world["tpa"], "later", registration_mode="formulier")
    event.registration_closes_at = event.starts_at + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict == {
        "registration_closes_at": [nl("Registration must close before the event begins.")]
    }
    event.registration_closes_at = event.starts_at
    event.full_clean()

    outside = make_event(world["tpa"], "elders", registration_mode="extern", registration_url="https://example.org/")
    outside.registration_closes_at = outside.starts_at - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        outside.full_clean()
    assert list(error.value.message_dict) == ["registration_closes_at"]


def test_the_admin_edits_the_deadline(admin_client, event):
    page = admin_client.get(f"/beheer/events/event/{event.pk}/change/").content.decode()
    assert 'name="registration_closes_at_0"' in page
