"""The site-wide quality gate: what every public page must satisfy.

`QualityGate.check(url)` loads a page in Chromium and reports its status, its number
of <h1>, axe-core's WCAG 2.2 A/AA violations, requests to any other host (blocked, so
they never leave the machine) and console errors. `validate_html()` runs the Nu Html
Checker over many documents in one Java start. `public_urls()` collects the pages to
check: the fixed ones, the sitemap's, and every page the home page links to.
`browser_sample()` picks a few pages per URL pattern for Chromium; every page's HTML
goes through the Nu Html Checker and the <h1> count.
"""

import functools
import json
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests.helpers import PROJECT_DIR

AXE_JS = PROJECT_DIR / "node_modules/axe-core/axe.min.js"
VNU_JAR = PROJECT_DIR / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FIXED_PAGES = [
    "/",
    "/privacy/",
    "/zoeken/?q=armoede+vereniging",
    "/nieuws/?thema=wonen",
    "/agenda/?formaat=online",
    "/verenigingen/?waar=2870",
    "/verenigingen/kaart/",
    "/verenigingen/?open=za",
    "/verenigingen/open-data/",
    "/agenda/open-data/",
]
# The staff pages that pass the same gate, signed in with the second factor (`sign_in_staff`): the
# dashboard (the admin's start page), the readability list and the broken links.
STAFF_PAGES = [
    "/beheer/",
    "/beheer/network/network/leesbaarheid/",
    "/beheer/linkcheck/brokenlink/",
]
NOT_PAGES = re.compile(
    r"^/(static|media|beheer|accounts)/|\.(ics|xml|txt|json|csv|xlsx|pdf|png|jpe?g|svg|webp|css|eps|docx?|odt)$"
)


@dataclass
class PageReport:
    url: str
    status: int = 0
    html: str = ""
    problems: list = field(default_factory=list)


class QualityGate:
    """One Chromium page that checks URLs of one server, blocking every other host."""

    def __init__(self, browser, base_url):
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels")
        self.page = self.context.new_page()
        self._outside = []
        self._console = []
        self.page.route("**/*", self._guard)
        self.page.on("console", lambda message: message.type == "error" and self._console.append(message.text))
        self.page.on("pageerror", lambda error: self._console.append(str(error)))

    def _guard(self, route):
        parts = urlsplit(route.request.url)
        if parts.scheme in {"http", "https"} and parts.netloc != self.host:
            self._outside.append(route.request.url)
            route.abort()
        else:
            route.fallback()

    def close(self):
        self.context.close()

    def check(self, url, expected_status=200):
        """Open `url` and check the page it shows."""
        self._outside.clear()
        self._console.clear()
        response = self.page.goto(url, wait_until="load")
        return self.inspect(url, response, expected_status)

    def submit(self, button, expected_status=200):
        """Click a form's submit button and check the page the answer shows (after any redirect)."""
        self._outside.clear()
        self._console.clear()
        with self.page.expect_navigation(wait_until="load") as navigation:
            button.click()
        response = navigation.value
        return self.inspect(self.page.url, response, expected_status)

    def inspect(self, url, response, expected_status):
        report = PageReport(url)
        report.status = response.status
        report.html = response.text()
        if report.status != expected_status:
            report.problems.append(f"status {report.status}, expected {expected_status}")
        h1_count = self.page.locator("h1").count()
        if h1_count != 1:
            report.problems.append(f"{h1_count} <h1> elements, expected exactly one")
        # Evaluated through the DevTools protocol: the site's Content-Security-Policy (rightly) refuses
        # an injected <script>, and the gate must see the page under that very policy.
        self.page.evaluate(axe_source())
        result = self.page.evaluate("rules => axe.run(document, {runOnly: rules})", AXE_RULES)
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            report.problems.append(f"axe {violation['id']}: {violation['help']} at {targets}")
        report.problems.extend(f"request to another host: {outside}" for outside in self._outside)
        own_status_message = f"the server responded with a status of {report.status}"
        for message in self._console:
            if expected_status >= 400 and own_status_message in message:
                continue  # Chromium logs the expected error status of the page itself.
            report.problems.append(f"console error: {message}")
        return report


def sign_in_staff(gate, base_url, user):
    """Give the gate's browser the session of `user`, signed in as allauth does with the second factor
    (tests/conftest.py makes force_login record it), so staff pages open as they do for staff."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    gate.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@functools.cache
def axe_source():
    return AXE_JS.read_text() + "\n;undefined"


def assert_reports_pass(reports):
    """Fail with every problem of the pages a journey checked: the gate's findings (axe, one h1, outside
    requests, console errors) and the Nu Html Checker's errors of each page's HTML, in one Java start."""
    html_errors = validate_html({f"{number} {report.url}": report.html for number, report in enumerate(reports)})
    problems = {
        name: report.problems + html_errors[name]
        for (name, report) in zip(html_errors, reports, strict=True)
        if report.problems or html_errors[name]
    }
    assert not problems, problems


def validate_html(documents):
    """Nu Html Checker errors per document: {name: [message, ...]} (empty lists when valid)."""
    with tempfile.TemporaryDirectory() as directory:
        paths = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(directory) / f"{number:05d}.html"
            path.write_text(html)
            paths[path.resolve().as_uri()] = name
        completed = subprocess.run(
            [
                "java",
                "-Xss8m",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--errors-only",
                "--exit-zero-always",
                *sorted(str(Path(uri[len("file://") :])) for uri in paths),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
    errors = {name: [] for name in documents}
    for message in json.loads(completed.stderr or completed.stdout)["messages"]:
        name = paths.get(_file_uri(message.get("url", "")), message.get("url", "?"))
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def _file_uri(url):
    # vnu writes file:/tmp/x while Path.as_uri() writes file:///tmp/x.
    return "file://" + url[len("file:") :] if url.startswith("file:/") and not url.startswith("file://") else url


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def _internal_pages(hrefs):
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or parts.scheme or not parts.path.startswith("/") or parts.query:
            continue
        if not NOT_PAGES.search(parts.path):
            yield parts.path


def public_urls(client, limit=400):
    """Paths of every public HTML page: the fixed pages, the sitemap's, and every page they link to.

    A breadth-first crawl through the Django test client, so a page linked from
    anywhere on the site is checked even before it is in the sitemap. Links with a
    query string (filters, pagination) are left out: they show the same template.
    """
    paths = list(FIXED_PAGES)
    try:
        sitemap = client.get(reverse("sitemap"))
    except NoReverseMatch:
        sitemap = None
    if sitemap is not None:
        namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        for loc in ET.fromstring(sitemap.content).findall("s:url/s:loc", namespace):
            paths.append(urlsplit(loc.text).path)
    seen = dict.fromkeys(paths)
    queue = list(seen)
    not_html = set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            not_html.add(path)  # feeds, files: not pages, so not for the gate
            continue
        if response.status_code != 200:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for path in _internal_pages(parser.hrefs):
            if path not in seen:
                seen[path] = None
                queue.append(path)
    return [path for path in seen if path not in not_html]


def browser_sample(paths, per_route=2):
    """The fixed pages, and the first `per_route` crawled pages of every URL pattern.

    Pages of one pattern share their template; Chromium and axe take about a second per
    page, so the browser checks a sample of each while the HTML of every page is still
    validated (see test_every_public_page_passes_the_quality_gate).
    """
    sample, per_pattern = [], {}
    for path in paths:
        try:
            pattern = resolve(urlsplit(path).path).route
        except Resolver404:
            pattern = path
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        if path in FIXED_PAGES or per_pattern[pattern] <= per_route:
            sample.append(path)
    return sample


def count_h1(html):
    return len(re.findall(r"<h1[\s>]", html))
