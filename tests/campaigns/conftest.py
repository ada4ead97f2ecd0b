import pytest

from tests.factories import (
    make_campaign,
    make_network,
)


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def campaign(network):
    return make_campaign(network)
