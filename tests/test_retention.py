"""One daily command enforces every retention limit the privacy page promises."""

import datetime
from io import StringIO

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.models import Signature
from events.models import Registration
from newsletter.models import Subscriber, Subscription
from tests.factories import make_campaign, make_event, make_list, make_network, make_signature, make_subscriber

pytestmark = pytest.mark.django_db


def test_the_daily_command_erases_what_is_past_its_limit_and_keeps_the_rest(settings):
    network = make_network("eigen", 0)
    now = timezone.now()
    campaign = make_campaign(network)
    stale_signature, kept_signature = make_signature(campaign, 1, confirmed=False), make_signature(campaign, 2)
    Signature.objects.filter(pk=stale_signature.pk).update(created_at=now - datetime.timedelta(days=31))

    past = make_event(network, "lang-geleden", days=-400, registration_mode="formulier")
    coming = make_event(network, "straks", days=400, registration_mode="formulier")
    for event in (past, coming):
        Registration.objects.create(event=event, name="Deelnemer", email=f"{event.slug}@example.org")

    mailing_list = make_list(network)
    stale = make_subscriber("oud@example.org", mailing_list, status=Subscription.Status.PENDING)
    Subscriber.objects.filter(pk=stale.pk).update(created_at=now - datetime.timedelta(days=20))
    Subscription.objects.filter(subscriber=stale).update(consented_at=now - datetime.timedelta(days=20))
    make_subscriber("lezer@example.org", mailing_list)

    user = get_user_model().objects.create_user("r@example.org", "r@example.org", "x", is_staff=True)
    for device in (Client(), Client()):
        device.force_login(user)
        device.get("/")
    assert UserSession.objects.filter(user=user).count() == 2
    Session.objects.filter(pk=UserSession.objects.first().session_key).update(
        expire_date=now - datetime.timedelta(hours=1)
    )

    out = StringIO()
    call_command("purge_personal_data", stdout=out)

    assert list(Signature.objects.values_list("pk", flat=True)) == [kept_signature.pk]
    assert list(Registration.objects.values_list("event__slug", flat=True)) == ["straks"]
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["lezer@example.org"]
    assert Session.objects.count() == 1
    assert UserSession.objects.filter(user=user).count() == 1
    assert "1 ended staff sessions removed" in out.getvalue()
