import os
import shutil
import threading

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Keep Chromium from reaching for the internet at start (there is none here, and there
# must be no outside request from a page either).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


class OneRequestAtATime(StaticFilesHandler):
    """The live server's handler, serving one request at a time.

    With the SQLite test database in memory, Django hands the tests' one connection to the live
    server's threads; a browser's requests in parallel then run queries on it at the same time, and
    two such queries can hang each other for good (seen: an admin page's query beside a 404's
    redirect lookup). The browser's parallel requests wait their turn instead."""

    _lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with the handler above."""
    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    server.thread.static_handler = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels")
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()
