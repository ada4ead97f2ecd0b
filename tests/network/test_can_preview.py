"""The one preview rule (network.permissions.can_preview) for every kind of object seen before the public."""

import pytest
from django.contrib.auth.models import AnonymousUser

from network.permissions import Role, can_preview
from tests.factories import (
    DocumentFactory,
    EventFactory,
    IssueFactory,
    NetworkFactory,
    NewsPostFactory,
    StaffFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def networks():
    return NetworkFactory(slug="eigen"), NetworkFactory(slug="ander")


def objects(network):
    return [
        NewsPostFactory(network=network),
        EventFactory(network=network, published=False),
        DocumentFactory(network=network, published=False),
        IssueFactory(mailing_list__network=network),
    ]


def test_staff_preview_only_their_networks_objects(networks):
    own, other = networks
    ours, theirs = objects(own), objects(other)
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])
    manager = StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[own])
    # Each role sees what its permissions cover: the editor posts, events and documents, the manager issues.
    assert [can_preview(editor, obj) for obj in ours] == [True, True, True, False]
    assert [can_preview(manager, obj) for obj in ours] == [False, False, False, True]
    assert not any(can_preview(user, obj) for user in (editor, manager) for obj in theirs)


def test_a_superuser_previews_everything_and_nobody_else_anything(networks):
    own, _other = networks
    everything = objects(own)
    assert all(can_preview(SuperuserFactory(), obj) for obj in everything)
    inactive = SuperuserFactory(is_active=False)
    not_staff = UserFactory(is_superuser=True)
    assert not any(can_preview(user, obj) for user in (AnonymousUser(), inactive, not_staff) for obj in everything)
