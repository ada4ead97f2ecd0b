"""The world of the audit trail tests: two networks, a user per role, content of both networks."""

from types import SimpleNamespace

import pytest
from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from network.permissions import Role
from tests.factories import StaffFactory, SuperuserFactory, make_association, make_network


def entries_of(obj):
    """The audit entries of one object, oldest first."""
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).order_by("pk")
    )


def staff(username, role=None, network=None):
    return StaffFactory(username=username, role=role, networks=[network] if network else [])


@pytest.fixture
def world(db):
    own, other = make_network("eigen", 0), make_network("ander", 1)
    superuser = SuperuserFactory(username="super")
    association = make_association(own, "De Schakel")
    association_editor = StaffFactory(username="vereniging", role=Role.ASSOCIATION_EDITOR, associations=[association])
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
