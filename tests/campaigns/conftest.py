import pytest

from tests.factories import (
    make_campaign,
    make_network,
    make_signature,  # noqa: F401 (imported from here by tests written before tests/factories.py)
)


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def campaign(network):
    return make_campaign(network)
