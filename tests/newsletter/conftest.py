import pytest

from tests.factories import make_list, make_network


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def mailing_list(network):
    return make_list(network)
