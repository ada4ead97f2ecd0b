import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Signature
from tests.network.test_permissions import make_network


def make_campaign(network, slug="lokaalsociaal", *, days_ago=10, days_left=30, **fields):
    today = timezone.localdate()
    return Campaign.objects.create(
        network=network,
        title=fields.pop("title", f"Actie {slug}"),
        slug=slug,
        hashtag=fields.pop("hashtag", slug.replace("-", "")),
        starts_on=today - datetime.timedelta(days=days_ago),
        ends_on=today + datetime.timedelta(days=days_left),
        is_published=fields.pop("is_published", True),
        intro=fields.pop("intro", "Een korte uitleg van de actie."),
        **fields,
    )


def make_signature(campaign, number, *, confirmed=True, place="Gent", show_name=True):
    return Signature.objects.create(
        campaign=campaign,
        name=f"Ondertekenaar {number}",
        place=place,
        email=f"teken{number}@example.org",
        show_name=show_name,
        consent_text=campaign.consent_text,
        confirmed_at=timezone.now() if confirmed else None,
    )


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def campaign(network):
    return make_campaign(network)
