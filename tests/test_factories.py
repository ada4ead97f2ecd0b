"""The factories of tests/factories.py make objects the app itself would accept (full_clean passes)."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from network.permissions import Role
from newsletter.models import Subscription
from tests import factories

pytestmark = pytest.mark.django_db

MODEL_FACTORIES = [
    factories.NetworkFactory,
    factories.ThemeFactory,
    factories.PageFactory,
    factories.DocumentFactory,
    factories.PartnerFactory,
    factories.NewsPostFactory,
    factories.AssociationFactory,
    factories.StoryFactory,
    factories.CampaignFactory,
    factories.SignatureFactory,
    factories.EventFactory,
    factories.RegistrationFactory,
    factories.MailingListFactory,
    factories.SubscriberFactory,
    factories.SubscriptionFactory,
    factories.IssueFactory,
    factories.UserFactory,
    factories.StaffFactory,
    factories.SuperuserFactory,
]


@pytest.mark.parametrize("factory", MODEL_FACTORIES, ids=lambda factory: factory.__name__)
def test_two_objects_of_each_factory_are_valid_side_by_side(factory):
    first, second = factory(), factory()
    for obj in (first, second):
        obj.full_clean()
    assert first.pk != second.pk


def test_staff_come_with_role_networks_address_and_second_factor():
    network = factories.NetworkFactory()
    association = factories.AssociationFactory(network=network)
    user = factories.StaffFactory(role=Role.NETWORK_EDITOR, networks=[network], associations=[association])
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.all()) == [Group.objects.get(name=Role.NETWORK_EDITOR)]
    assert list(user.network_memberships.values_list("network", flat=True)) == [network.pk]
    assert user.emailaddress_set.get().verified
    assert Authenticator.objects.get(user=user).type == Authenticator.Type.TOTP
    assert user.totp_secret
    newcomer = factories.StaffFactory(mfa=False, verified=False)
    assert not Authenticator.objects.filter(user=newcomer).exists()
    assert not newcomer.emailaddress_set.get().verified


def test_a_subscriber_gets_a_subscription_of_the_status_asked_for_to_each_list():
    lists = [factories.MailingListFactory(slug="een"), factories.MailingListFactory(slug="twee")]
    pending = factories.make_subscriber("wacht@example.org", *lists, status=Subscription.Status.PENDING)
    assert pending.confirmed_at is None
    assert [(s.mailing_list.slug, s.status, s.confirmed_at) for s in pending.subscriptions.order_by("pk")] == [
        ("een", Subscription.Status.PENDING, None),
        ("twee", Subscription.Status.PENDING, None),
    ]
    gone = factories.make_subscriber("weg@example.org", lists[0], status=Subscription.Status.UNSUBSCRIBED)
    assert gone.subscriptions.get().unsubscribed_at is not None
