import datetime
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from auditlog.models import LogEntry as AuditEntry
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from associations.models import AssociationMembership, ProfileChange
from campaigns.models import Signature
from events.models import Registration
from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Subscription
from tests.factories import (
    AssociationFactory,
    NewsPostFactory,
    RegistrationFactory,
    SignatureFactory,
    SuperuserFactory,
    make_campaign,
    make_event,
    make_issue,
    make_list,
    make_network,
    make_subscriber,
)
from tests.helpers import with_mfa

EMAIL = "rita@example.org"
OTHER = "jan@example.org"
PASSWORD = "een-lang-wachtwoord-voor-de-test"


def sign(campaign, email, name):
    return SignatureFactory(campaign=campaign, name=name, place="Hasselt", email=email, show_name=False)


def register(event, email, name, people=1, status=Registration.Status.CONFIRMED):
    return RegistrationFactory(event=event, name=name, email=email, people=people, status=status)


def open_session(user):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return store.session_key


@pytest.fixture
def world(db):
    """Rita (EMAIL) left something in every app and is a network editor; Jan (OTHER) left the same as a visitor."""
    tpa, bpa = make_network("tpa", 0), make_network("bpa", 1)
    superuser = SuperuserFactory(username="super", password=PASSWORD)
    campaigns = [
        make_campaign(network, slug, consent_text="Ik steun deze actie.")
        for network, slug in [(tpa, "zorg"), (bpa, "wonen")]
    ]
    event = make_event(
        tpa,
        "trefdag",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        registration_mode="formulier",
        capacity=2,
    )
    lists = [make_list(tpa), make_list(bpa)]

    # Rita as a visitor: two signatures, a registration holding both seats, two newsletter lists.
    signatures = [sign(campaign, EMAIL, "Rita Peeters") for campaign in campaigns]
    registration = register(event, "Rita@Example.org", "Rita Peeters", people=2)
    subscriber = make_subscriber(EMAIL, *lists, name="Rita")
    issue = make_issue(lists[0], status="sent", recipient_count=2)

    # Jan: one signature, waiting for a seat at the same event, one list, a copy of the same issue.
    other_signature = sign(campaigns[0], OTHER, "Jan Janssens")
    waiting = register(event, OTHER, "Jan Janssens", status=Registration.Status.WAITING)
    other_subscriber = make_subscriber(OTHER, lists[0])
    for someone in (subscriber, other_subscriber):
        Delivery.objects.create(issue=issue, subscriber=someone, status="sent", sent_at=timezone.now())

    # Rita as staff: a network editor signed in through allauth, with a second factor and history.
    rita = with_mfa(User.objects.create_user("rita", "Rita@Example.org", PASSWORD, first_name="Rita", is_staff=True))
    rita.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
    EmailAddress.objects.create(user=rita, email=EMAIL, primary=True, verified=True)
    NetworkMembership.objects.create(user=rita, network=tpa)
    association = AssociationFactory(network=tpa, name="De Schakel", intro="")
    AssociationMembership.objects.create(user=rita, association=association)
    ProfileChange.objects.create(association=association, user=rita, fields=["intro"])
    NewsPostFactory(network=tpa, title="Nieuws", author=rita, body="<p>x</p>")
    session_key = open_session(rita)
    UserSession.objects.create(user=rita, ip="192.0.2.7", session_key=session_key, user_agent="Firefox/128")
    signature_type = ContentType.objects.get_for_model(Signature)
    LogEntry.objects.create(
        user=rita,
        content_type=ContentType.objects.get_for_model(NewsPost),
        object_id="1",
        object_repr="Nieuws",
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=superuser,
        content_type=signature_type,
        object_id=str(signatures[0].pk),
        object_repr="Rita Peeters (Hasselt)",
        action_flag=CHANGE,
        change_message="[]",
    )
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(NewsPost),
        object_pk="1",
        object_repr="Nieuws",
        action=AuditEntry.Action.UPDATE,
        changes={"title": ["Oud", "Nieuws"]},
        actor=rita,
        actor_email=EMAIL,
        remote_addr="192.0.2.7",
    )
    AuditEntry.objects.create(
        content_type=signature_type,
        object_pk=str(signatures[0].pk),
        object_repr="Rita Peeters (Hasselt)",
        action=AuditEntry.Action.CREATE,
        changes={"email": ["None", EMAIL], "name": ["None", "Rita Peeters"]},
    )
    AuditEntry.objects.create(
        content_type=signature_type,
        object_pk=str(other_signature.pk),
        object_repr="Jan Janssens (Hasselt)",
        action=AuditEntry.Action.CREATE,
        changes={"email": ["None", OTHER]},
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": EMAIL}},
        task_path="newsletter.tasks.send_issue_batch",
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
    )
    return {
        "tpa": tpa,
        "superuser": superuser,
        "rita": rita,
        "campaigns": campaigns,
        "event": event,
        "lists": lists,
        "issue": issue,
        "signatures": signatures,
        "registration": registration,
        "subscriber": subscriber,
        "waiting": waiting,
        "other_signature": other_signature,
        "other_subscriber": other_subscriber,
        "session_key": session_key,
    }


def subscriptions_of(email):
    return Subscription.objects.filter(subscriber__email=email)
