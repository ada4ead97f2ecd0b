"""The world of the audit trail tests: two networks, a user per role, content of both networks."""

import datetime
from types import SimpleNamespace

import pytest
from auditlog.context import set_actor
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from associations.models import Association, AssociationMembership
from audit.models import AuditEntry
from network.models import NetworkMembership, NewsPost, Page
from network.permissions import Role
from tests.helpers import with_mfa
from tests.network.test_permissions import make_network


def make_page(network, title, *, published=True, slug=None):
    return Page.objects.create(
        network=network,
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        body="<p>Tekst</p>",
        published=published,
        last_reviewed=datetime.date(2026, 1, 1),
    )


def make_post(network, title, *, published=False):
    return NewsPost.objects.create(
        network=network,
        title=title,
        slug=title.lower().replace(" ", "-"),
        lead="Kort",
        body="<p>Tekst</p>",
        status=NewsPost.Status.PUBLISHED if published else NewsPost.Status.DRAFT,
    )


def make_association(network, name, **fields):
    return Association.objects.create(
        network=network,
        name=name,
        slug=name.lower().replace(" ", "-"),
        municipality="Puurs",
        postcode="2870",
        intro="Kort",
        **fields,
    )


def entries_of(obj):
    """The audit entries of one object, oldest first."""
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).order_by("pk")
    )


def staff(username, role=None, network=None):
    user = with_mfa(User.objects.create_user(username, f"{username}@example.org", "x", is_staff=True))
    if role:
        user.groups.add(Group.objects.get(name=role))
    if network:
        NetworkMembership.objects.create(user=user, network=network)
    return user


@pytest.fixture
def world(db):
    own, other = make_network("eigen", 0), make_network("ander", 1)
    superuser = with_mfa(User.objects.create_superuser("super", "super@example.org", "x"))
    association = make_association(own, "De Schakel")
    association_editor = staff("vereniging", Role.ASSOCIATION_EDITOR)
    AssociationMembership.objects.create(user=association_editor, association=association)
    return SimpleNamespace(
        own=own,
        other=other,
        association=association,
        users={
            "superuser": superuser,
            "network_editor": staff("redacteur", Role.NETWORK_EDITOR, own),
            "other_editor": staff("buurman", Role.NETWORK_EDITOR, other),
            "newsletter_manager": staff("nieuwsbrief", Role.NEWSLETTER_MANAGER, own),
            "association_editor": association_editor,
        },
    )


@pytest.fixture
def as_superuser(world):
    """Changes made in the test body are recorded with the superuser as actor."""
    with set_actor(world.users["superuser"]):
        yield world.users["superuser"]
