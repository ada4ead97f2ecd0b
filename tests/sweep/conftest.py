"""One small world for the sweep: networks, a campaign, an event, newsletters, a staff account and real links."""

import datetime
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django.core import signing
from django.core.signals import request_started
from django.db import transaction
from django.template import Template
from django.test import override_settings
from django.utils import timezone

from associations.models import Story
from campaigns.signing import CONFIRM as SIGNATURE_CONFIRM
from campaigns.signing import ERASE as SIGNATURE_ERASE
from core.tokens import make_token
from events.models import Registration
from events.registrations import CANCEL_PURPOSE
from news.models import NewsPost
from newsletter.subscribing import CONFIRM as NEWSLETTER_CONFIRM
from newsletter.subscribing import PREFERENCES, UNSUBSCRIBE
from tests.factories import (
    AssociationFactory,
    DocumentFactory,
    NetworkFactory,
    NewsPostFactory,
    RegistrationFactory,
    StaffFactory,
    ThemeFactory,
    make_campaign,
    make_event,
    make_issue,
    make_list,
    make_signature,
    make_subscriber,
)
from tests.sweep.harness import forget_shown_form, render_noting_form

STAFF_EMAIL = "staf@example.org"
STAFF_PASSWORD = "een-lang-genoeg-wachtwoord-42"
# Large enough that no sweep ever reaches them; test_limits.py shows what a reached limit answers.
NO_LIMIT = (1_000_000, 3600)
NO_ACCOUNT_LIMIT = 100_000


@pytest.fixture(autouse=True)
def light_templates(monkeypatch):
    """Pages render without the test client's context copies; the sweep notes only the form they show."""
    monkeypatch.setattr(Template, "_render", render_noting_form)
    request_started.connect(forget_shown_form)
    yield
    request_started.disconnect(forget_shown_form)


@pytest.fixture
def unlimited(settings):
    """Rate limits out of the way, so every example reaches the form's own checks."""
    settings.RATE_LIMITS = {scope: {"ip": NO_LIMIT, "address": NO_LIMIT} for scope in settings.RATE_LIMITS}
    # allauth's own limits (its defaults merged with ours), each rate kept per what it counts, its amount raised.
    settings.ACCOUNT_RATE_LIMITS = {
        action: ",".join(f"{NO_ACCOUNT_LIMIT}/{rate.split('/', 1)[1]}" for rate in rates.split(","))
        for action, rates in account_settings.RATE_LIMITS.items()
        if rates
    }


class World(SimpleNamespace):
    """The sweep's objects; a short repr, so a failing example's report shows the input, not the world."""

    def __repr__(self):
        return "world"


def _expired_token(purpose, value):
    """A token signed 60 days ago: past every confirmation link's lifetime."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 60 * 86400):
        return make_token(purpose, value)


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module inside a transaction that is rolled back when the module is done.

    Each test's own transaction (pytest-django's `db`) is a savepoint inside it, and each
    hypothesis example a savepoint inside that: nothing any of them does outlives them.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("sweep-media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(db, _shared_world, unlimited):
    """Everything the public pages show (hypothesis examples share it, each in a savepoint)."""
    return _shared_world


def _build_world():
    nta = NetworkFactory(
        slug="nta",
        position=0,
        brand_colour="#1d5a8c",
        iban="BE68 5390 0754 7034",
        bic="TRIOBEBB",
        donation_reference=1234567890,
        tax_certificate=True,
    )
    bpa = NetworkFactory(slug="bpa", position=1, brand_colour="#1d5a8c", parent=nta)
    wonen = ThemeFactory(name="Wonen", slug="wonen")

    today = timezone.localdate()
    campaign = make_campaign(nta, "lokaalsociaal", consent_text="Ik geef toestemming.")
    campaign.themes.add(wonen)
    ended = make_campaign(bpa, "afgelopen", days_ago=60, days_left=-5, consent_text="Ik geef toestemming.")
    make_signature(campaign, 1)
    pending = make_signature(campaign, 2, confirmed=False)
    late = make_signature(ended, 3, confirmed=False)

    event = make_event(
        nta,
        "trefdag",
        start_date=today + datetime.timedelta(days=10),
        registration_mode="formulier",
        capacity=5,
        themes=[wonen],
    )
    past = make_event(bpa, "terugblik", start_date=today - datetime.timedelta(days=10), registration_mode="formulier")
    make_event(bpa, "elders", start_date=today + datetime.timedelta(days=3))
    registration = RegistrationFactory(
        event=event, name="Rita Peeters", email="rita@example.org", people=2, status=Registration.Status.CONFIRMED
    )
    past_registration = RegistrationFactory(
        event=past, name="Jan Janssens", email="jan@example.org", status=Registration.Status.CONFIRMED
    )

    newsletter = make_list(nta, "nieuwsbrief")
    other_list = make_list(bpa, "brussel")
    make_list(nta, "gesloten", name="Oude nieuwsbrief", is_open=False)
    subscriber = make_subscriber("lezer@example.org", newsletter, name="Lezer")
    newcomer = make_subscriber("nieuw@example.org", other_list, status="pending")
    make_issue(newsletter, intro="Een alinea.", status="sent", sent_at=timezone.now())

    post = NewsPostFactory(
        network=nta,
        title="Bericht over wonen",
        status=NewsPost.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
        lead="Kort.",
        body="<p>Wonen is een recht.</p>",
    )
    post.themes.add(wonen)
    association = AssociationFactory(network=nta, name="De Schakel", intro="Wij komen samen.")
    Story.objects.create(
        association=association,
        title="Verhaal",
        slug="verhaal",
        quote="Hier worden we gehoord",
        body="<p>x</p>",
        date=datetime.date(2026, 2, 1),
    )
    DocumentFactory(network=nta, title="Dossier wonen")

    staff = StaffFactory(username="staf", email=STAFF_EMAIL, password=STAFF_PASSWORD)
    unverified_address = EmailAddress.objects.create(user=staff, email="tweede@example.org")

    signature_value = [pending.pk, pending.nonce]
    tokens = {
        "signature_confirm": make_token(SIGNATURE_CONFIRM, signature_value),
        "signature_confirm_late": make_token(SIGNATURE_CONFIRM, [late.pk, late.nonce]),
        "signature_confirm_expired": _expired_token(SIGNATURE_CONFIRM, signature_value),
        "signature_erase": make_token(SIGNATURE_ERASE, signature_value),
        "signature_erased": make_token(SIGNATURE_ERASE, [pending.pk + 1000, pending.nonce]),
        "cancel": make_token(CANCEL_PURPOSE, [registration.pk, registration.nonce]),
        "cancel_started": make_token(CANCEL_PURPOSE, [past_registration.pk, past_registration.nonce]),
        "newsletter_confirm": make_token(NEWSLETTER_CONFIRM, [newcomer.pk, newcomer.nonce, [other_list.pk]]),
        "newsletter_confirm_expired": _expired_token(
            NEWSLETTER_CONFIRM, [newcomer.pk, newcomer.nonce, [other_list.pk]]
        ),
        "unsubscribe": make_token(UNSUBSCRIBE, [subscriber.pk, subscriber.nonce, newsletter.pk]),
        "unsubscribe_gone": make_token(UNSUBSCRIBE, [subscriber.pk, subscriber.nonce, other_list.pk]),
        "preferences": make_token(PREFERENCES, [subscriber.pk, subscriber.nonce]),
        "preferences_gone": make_token(PREFERENCES, [subscriber.pk + 1000, subscriber.nonce]),
    }
    # Signed with the right key and salt but of a shape no version of the site made: wrong types, huge numbers.
    forged_values = [
        [],
        [1],
        ["1", "x"],
        [True, "x"],
        [1.5, "x"],
        [10**30, "x"],
        [-(10**30), "x", 10**30],
        {"pk": 1},
        None,
        "x" * 300,
    ]
    purposes = [SIGNATURE_CONFIRM, SIGNATURE_ERASE, CANCEL_PURPOSE, NEWSLETTER_CONFIRM, UNSUBSCRIBE, PREFERENCES]
    forged = [make_token(purpose, value) for purpose in purposes for value in forged_values]
    forged.append(signing.dumps([pending.pk, pending.nonce]))  # no salt at all
    return World(
        nta=nta,
        bpa=bpa,
        wonen=wonen,
        campaign=campaign,
        ended=ended,
        pending=pending,
        event=event,
        past=past,
        registration=registration,
        newsletter=newsletter,
        other_list=other_list,
        subscriber=subscriber,
        post=post,
        association=association,
        staff=staff,
        unverified_address=unverified_address,
        tokens=tokens,
        forged=forged,
    )
