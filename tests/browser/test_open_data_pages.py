"""The documentation pages of the open data pass the quality gate (they are in FIXED_PAGES too; this test
checks them alone, on a small data set, so a change to them is caught without the whole crawl)."""

import pytest

from network.models import Theme
from tests.browser.quality import QualityGate, validate_html
from tests.factories import make_association, make_network

pytestmark = pytest.mark.browser


def test_open_data_pages_pass_the_quality_gate(browser, live_server):
    network = make_network("netwerk-tegen-armoede", 0)
    Theme.objects.create(name="Wonen", slug="wonen")
    make_association(network, "De Schakel")
    gate = QualityGate(browser, live_server.url)
    try:
        reports = [gate.check(live_server.url + path) for path in ("/verenigingen/open-data/", "/agenda/open-data/")]
    finally:
        gate.close()
    html_errors = validate_html({report.url: report.html for report in reports})
    assert {report.url: report.problems + html_errors[report.url] for report in reports} == {
        report.url: [] for report in reports
    }
