import pytest

from tests.factories import make_issue, make_list, make_network, make_subscriber  # noqa: F401 (imported from here by tests written before)
from tests.helpers import work_off_tasks  # noqa: F401 (imported from here by tests written before)


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def mailing_list(network):
    return make_list(network)
