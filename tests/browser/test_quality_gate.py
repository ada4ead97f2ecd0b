"""The quality gate over every public page, and proof that the gate can fail."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from newsletter.models import Issue
from tests.browser.quality import PageReport, QualityGate, browser_sample, count_h1, public_urls, validate_html

pytestmark = pytest.mark.browser

VALID_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Proef</title></head>
<body><main><h1>Proef</h1>{body}</main></body></html>"""


@pytest.fixture
def gate(browser, live_server):
    gate = QualityGate(browser, live_server.url)
    yield gate
    gate.close()


def serve(gate, live_server, path, html):
    """Answer `path` on the test server with a hand-made page, to feed the gate bad input."""
    url = live_server.url + path
    gate.page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    return url


def test_every_public_page_passes_the_quality_gate(gate, live_server, client):
    call_command("load_demo", verbosity=0)
    urls = public_urls(client)
    sample = browser_sample(urls)
    reports = [gate.check(live_server.url + path) for path in sample]
    reports.append(gate.check(live_server.url + "/deze-pagina-bestaat-niet/", expected_status=404))
    # Every other page: its status, one <h1> and valid HTML, from the server's answer.
    for path in urls:
        if path not in sample:
            response = client.get(path)
            report = PageReport(live_server.url + path, response.status_code, response.content.decode())
            if report.status != 200:
                report.problems.append(f"status {report.status}, expected 200")
            if count_h1(report.html) != 1:
                report.problems.append(f"{count_h1(report.html)} <h1> elements, expected exactly one")
            reports.append(report)
    html_errors = validate_html({report.url: report.html for report in reports})
    failures = {
        report.url: report.problems + html_errors[report.url]
        for report in reports
        if report.problems or html_errors[report.url]
    }
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(problems) for url, problems in failures.items())
    assert len(reports) == len(urls) + 1 and len(sample) < len(urls)
    assert "/" in urls and "/privacy/" in urls
    # The crawl reaches every kind of page of the demo (so the gate checks them all).
    for path in [
        "/netwerken/",
        "/netwerken/brussels-platform-armoede/",
        "/netwerken/brussels-platform-armoede/onze-werking/",
        "/netwerken/trefpunt-armoede/steun-ons/",
        "/netwerken/trefpunt-armoede/op-pad-bij-de-verenigingen/",
        "/netwerken/netwerk-tegen-armoede/partners/",
        "/themas/",
        "/themas/gezondheidszorg/",
        "/documenten/",
        "/steun-ons/",
        "/verenigingen/",
        "/verenigingen/?waar=2870",
        "/verenigingen/?open=za",
        "/verenigingen/de-schakel-puurs/",
        "/verenigingen/in-beeld/",
        "/verenigingen/in-beeld/drie-sterke-vrouwen-van-de-schakel/",
        "/nieuws/",
        "/nieuws/2017/mensen-in-armoede-kijken-vooruit-naar-de-gemeenteraadsverkiezingen/",
        "/zoeken/?q=armoede+vereniging",
        "/acties/",
        "/acties/lokaalsociaal/",
        "/acties/zorg-voor-iedereen/",
        "/agenda/",
        "/agenda/?formaat=online",
        "/agenda/archief/",
        f"/agenda/{timezone.localdate().year}/",
        f"/agenda/fakkeltocht-17-oktober-{timezone.localdate().year}/",
        # A past event with its report.
        f"/agenda/workshop-budget-in-zicht-{timezone.localdate().year - 1}/",
        f"/agenda/trefdag-limburg-{timezone.localdate().year + 1}-05/",
        f"/agenda/trefdag-limburg-{timezone.localdate().year + 1}-05/inschrijven/",
        "/nieuwsbrief/",
        "/nieuwsbrief/archief/",
        "/nieuwsbrief/archief/netwerk-tegen-armoede/",
        "/nieuwsbrief/archief/trefpunt-armoede/",
        *(issue.get_absolute_url() for issue in Issue.objects.archived()),
    ]:
        assert path in urls, path
    print(f"quality gate: {len(urls)} pages checked")


def test_gate_reports_an_image_without_alt_text(gate, live_server):
    url = serve(gate, live_server, "/proef-zonder-alt/", VALID_PAGE.format(body='<img src="/static/img/logo.svg">'))
    report = gate.check(url)
    assert any(problem.startswith("axe image-alt") for problem in report.problems), report.problems
    assert any("alt" in error for error in validate_html({url: report.html})[url])


def test_gate_reports_invalid_html(gate, live_server):
    url = serve(gate, live_server, "/proef-ongeldig/", VALID_PAGE.format(body="<p><div>blok in een alinea</div></p>"))
    report = gate.check(url)
    errors = validate_html({url: report.html, "valid": VALID_PAGE.format(body="<p>goed</p>")})
    assert errors[url], "the Nu Html Checker found nothing wrong with invalid HTML"
    assert errors["valid"] == []


def test_gate_blocks_and_reports_requests_to_other_hosts(gate, live_server):
    body = '<img src="https://cdn.example.org/pixel.png" alt="" width="1" height="1">'
    report = gate.check(serve(gate, live_server, "/proef-extern/", VALID_PAGE.format(body=body)))
    assert "request to another host: https://cdn.example.org/pixel.png" in report.problems


def test_gate_reports_a_page_without_exactly_one_h1(gate, live_server):
    report = gate.check(serve(gate, live_server, "/proef-twee-h1/", VALID_PAGE.format(body="<h1>Nog een</h1>")))
    assert "2 <h1> elements, expected exactly one" in report.problems


def test_gate_reports_console_errors(gate, live_server):
    body = '<script src="data:text/javascript,console.error(%22kapot%22)"></script>'
    report = gate.check(serve(gate, live_server, "/proef-console/", VALID_PAGE.format(body=body)))
    assert "console error: kapot" in report.problems


def test_browser_sample_keeps_fixed_pages_and_a_few_per_pattern():
    paths = ["/", "/privacy/", *(f"/verenigingen/v{number}/" for number in range(10)), "/verenigingen/"]
    sample = browser_sample(paths, per_route=3)
    assert sample == [
        "/",
        "/privacy/",
        "/verenigingen/v0/",
        "/verenigingen/v1/",
        "/verenigingen/v2/",
        "/verenigingen/",
    ]
    assert count_h1('<h1 class="x">a</h1><h1>b</h1><h10>') == 2
