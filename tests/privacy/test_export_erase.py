"""Export and erase everything stored about an email address, across every app, and nothing of anyone else's."""

import json
import logging

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from auditlog.models import LogEntry as AuditEntry
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from associations.models import AssociationMembership, ProfileChange
from campaigns.models import Signature
from core import personaldata
from events.models import Registration
from network.models import NetworkMembership
from news.models import NewsPost
from newsletter.models import Delivery, MailingList, Subscriber
from privacy import registry
from tests.privacy.conftest import EMAIL, OTHER, PASSWORD, subscriptions_of

pytestmark = pytest.mark.django_db


def counts(document):
    return {section["kind"]: section["count"] for section in document["data"]}


def test_export_holds_everything_about_the_address_in_every_app(world):
    document = registry.export(EMAIL)
    assert document["email_address"] == EMAIL
    found = counts(document)
    # The audit trail records her account, its roles and memberships too (audit/registry.py): at least ours.
    assert found.pop("auditlog.logentry.about") >= 2
    assert found == {
        "campaigns.signature": 2,
        "events.registration": 1,
        "newsletter.subscriber": 1,
        "newsletter.subscription": 2,
        "newsletter.delivery": 1,
        "django_tasks_database.dbtaskresult": 1,
        "sessions.session": 1,
        "usersessions.usersession": 1,
        "mfa.authenticator": 1,
        "account.emailaddress": 1,
        "network.networkmembership": 1,
        "associations.associationmembership": 1,
        "associations.profilechange": 1,
        "news.newspost": 1,
        "auth.user": 1,
        "admin.logentry.actions": 1,
        "admin.logentry.about": 1,
        "auditlog.logentry.actions": 1,
    }
    assert len(document["checked"]) == len(personaldata.kinds())
    text = json.dumps(document, ensure_ascii=False)
    for detail in ["Actie zorg", "Actie wonen", "Activiteit trefdag", "Firefox/128", "192.0.2.7", "De Schakel"]:
        assert detail in text


def test_export_has_labels_iso_dates_and_no_secrets(world):
    document = registry.export(EMAIL)
    sections = {section["kind"]: section for section in document["data"]}
    signature = sections["campaigns.signature"]["records"][0]
    assert sections["campaigns.signature"]["label"] == str(personaldata.kinds()[0].label)
    assert signature[str(Signature._meta.get_field("email").verbose_name)] == EMAIL
    confirmed = signature[str(Signature._meta.get_field("confirmed_at").verbose_name)]
    assert confirmed[:4].isdigit() and "T" in confirmed and confirmed[-6] in "+-"
    second_factor = sections["mfa.authenticator"]["records"][0]
    totp = Authenticator.objects.get(user=world["rita"], type="totp")
    assert totp.data["secret"] not in json.dumps(document)
    assert set(second_factor) == {
        str(Authenticator._meta.get_field(name).verbose_name) for name in ["type", "created_at", "last_used_at"]
    }
    assert world["rita"].password not in json.dumps(document)


def test_export_holds_nothing_of_another_address(world):
    text = registry.export_json(EMAIL)
    assert OTHER not in text and "Jan Janssens" not in text
    other = registry.export(OTHER)
    assert counts(other) == {
        "campaigns.signature": 1,
        "events.registration": 1,
        "newsletter.subscriber": 1,
        "newsletter.subscription": 1,
        "newsletter.delivery": 1,
        "auditlog.logentry.about": 1,
    }
    assert EMAIL not in json.dumps(other) and "Rita" not in json.dumps(other)


@pytest.mark.parametrize("typed", ["RITA@Example.ORG", "  rita@example.org ", "\trita@EXAMPLE.org\n"])
def test_case_and_spaces_make_no_difference(world, typed):
    assert counts(registry.export(typed)) == counts(registry.export(EMAIL))


@pytest.mark.parametrize("typed", ["", "rita", "rita@", "@example.org", "rita example.org"])
def test_something_that_is_no_address_is_refused(world, typed):
    with pytest.raises(ValidationError):
        registry.export(typed)


def test_erasure_removes_everything_about_the_address_and_leaves_the_others(world, caplog):
    with caplog.at_level(logging.INFO, logger="privacy"):
        done = {kind.key: count for kind, count in registry.erase(" Rita@Example.org")}
    assert done["campaigns.signature"] == 2 and done["newsletter.subscription"] == 2

    assert not Signature.objects.filter(email__iexact=EMAIL).exists()
    assert not Registration.objects.filter(email__iexact=EMAIL).exists()
    assert not Subscriber.objects.filter(email=EMAIL).exists() and not subscriptions_of(EMAIL).exists()
    assert not DBTaskResult.objects.exists()
    assert counts(registry.export(EMAIL)) == {}

    # Jan's data is all there.
    assert Signature.objects.get(email=OTHER) == world["other_signature"]
    assert Registration.objects.filter(email=OTHER).exists()
    assert subscriptions_of(OTHER).count() == 1
    assert counts(registry.export(OTHER))["auditlog.logentry.about"] == 1
    assert AuditEntry.objects.get(object_pk=str(world["other_signature"].pk)).changes == {"email": ["None", OTHER]}

    # Logged without the address: who, and how many of which kinds.
    assert "Personal data erased by manage.py" in caplog.text and "campaigns.signature=2" in caplog.text
    assert EMAIL not in caplog.text.lower() and "rita" not in caplog.text.lower()


def test_erasing_a_registration_moves_the_waiting_list_up_and_mails_only_who_moved_up(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registry.erase(EMAIL)
    world["waiting"].refresh_from_db()
    assert world["waiting"].status == Registration.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [[OTHER]]
    assert world["event"].title in mail.outbox[0].subject
    assert "/agenda/inschrijving/annuleren/" in mail.outbox[0].body


def test_erasure_keeps_only_anonymous_newsletter_counts(world):
    issue = world["issue"]
    registry.erase(EMAIL)
    assert [mailing_list.erased_count for mailing_list in MailingList.objects.order_by("pk")] == [1, 1]
    deliveries = Delivery.objects.filter(issue=issue)
    assert deliveries.count() == 2 and deliveries.filter(subscriber__isnull=True, status="sent").count() == 1
    issue.refresh_from_db()
    assert issue.recipient_count == 2


def test_a_mail_servers_refusal_quoting_the_address_loses_the_address(world):
    Delivery.objects.filter(subscriber=world["subscriber"]).update(
        status="failed", error=f"SMTPRecipientsRefused: {{'{EMAIL.upper()}': (550, b'no such user')}}"
    )
    registry.erase(EMAIL)
    error = Delivery.objects.get(issue=world["issue"], subscriber__isnull=True).error
    assert EMAIL not in error.lower() and "550" in error


def test_a_staff_account_is_anonymised_and_can_no_longer_sign_in(world, client):
    rita = world["rita"]
    registry.erase(EMAIL)

    rita.refresh_from_db()
    assert (rita.username, rita.email, rita.first_name, rita.last_name) == (f"verwijderd-{rita.pk}", "", "", "")
    assert not (rita.is_active or rita.is_staff or rita.is_superuser) and not rita.has_usable_password()
    assert not rita.groups.exists()
    for model in (EmailAddress, Authenticator, UserSession, NetworkMembership, AssociationMembership):
        assert not model.objects.filter(user=rita).exists(), model
    assert not Session.objects.filter(session_key=world["session_key"]).exists()

    # The history stays and now names a removed account, without its address or IP address.
    assert NewsPost.objects.get().author == rita and ProfileChange.objects.get().user == rita
    assert LogEntry.objects.filter(user=rita).count() == 1
    own = AuditEntry.objects.get(actor=rita)
    assert (own.actor_email, own.remote_addr, own.changes) == (None, None, {"title": ["Oud", "Nieuws"]})
    signature = {"content_type": ContentType.objects.get_for_model(Signature), "object_pk": world["signatures"][0].pk}
    about = AuditEntry.objects.get(**signature)
    assert about.object_repr == personaldata.REMOVED and about.changes == {
        "email": personaldata.REMOVED,
        "name": personaldata.REMOVED,
    }
    about_admin = LogEntry.objects.get(content_type=signature["content_type"], object_id=signature["object_pk"])
    assert about_admin.object_repr == personaldata.REMOVED and about_admin.user == world["superuser"]
    # Whatever the audit trail recorded, no entry names her any more.
    assert not AuditEntry.objects.filter(object_repr__icontains="rita").exists()
    for entry in AuditEntry.objects.all():
        assert "rita" not in json.dumps(entry.changes).lower(), entry.changes

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 400, "the sign-in form again: the address is no account any more"
    assert "_auth_user_id" not in client.session
    assert not client.login(username=f"verwijderd-{rita.pk}", password=PASSWORD)


def test_the_last_active_superuser_is_not_erased_and_nothing_else_either(world):
    superuser = world["superuser"]
    sign_as_superuser = Signature.objects.create(
        campaign=world["campaigns"][0], name="Beheer", place="Gent", email=superuser.email, consent_text="x"
    )
    with pytest.raises(registry.ErasureRefused):
        registry.erase(superuser.email)
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_active and superuser.username == "super"
    assert Signature.objects.filter(pk=sign_as_superuser.pk).exists()

    # With a second active superuser, the first one may go.
    User.objects.create_superuser("tweede", "tweede@example.org", PASSWORD)
    registry.erase(superuser.email)
    superuser.refresh_from_db()
    assert not superuser.is_superuser and superuser.username == f"verwijderd-{superuser.pk}"


def test_an_inactive_superuser_does_not_count_as_the_one_left(world):
    User.objects.create_superuser("oud", "oud@example.org", PASSWORD, is_active=False)
    with pytest.raises(registry.ErasureRefused):
        registry.erase(world["superuser"].email)


def test_organisation_contact_addresses_are_mentioned_but_kept(world):
    tpa = world["tpa"]
    tpa.email = "Info@TPA.example.org"
    tpa.save()
    document = registry.export("info@tpa.example.org")
    assert counts(document) == {"network.network": 1}
    registry.erase("info@tpa.example.org")
    tpa.refresh_from_db()
    assert tpa.email == "Info@TPA.example.org"


def test_erasing_an_unknown_address_changes_nothing(world):
    before = Signature.objects.count(), Registration.objects.count(), Subscriber.objects.count()
    assert registry.erase("niemand@example.org") == []
    assert (Signature.objects.count(), Registration.objects.count(), Subscriber.objects.count()) == before
