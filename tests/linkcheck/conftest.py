"""A local web server for the link check: it answers 200, redirects, 404, 500, 429, refuses HEAD on
one address and keeps one waiting past the checker's timeout; it records every request it gets."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# The checker gives up after this; the slow address answers only when the test ends.
TIMEOUT = 0.5


@dataclass
class Request:
    method: str
    path: str
    at: float
    user_agent: str


class Handler(BaseHTTPRequestHandler):
    # path -> (status, Location) for both HEAD and GET
    ROUTES = {
        "/ok": (200, None),
        "/ok-too": (200, None),
        "/moved": (301, "/ok"),
        "/elsewhere": (302, "/ok"),
        "/gone": (404, None),
        "/error": (500, None),
        "/busy": (429, None),
    }

    def do_HEAD(self):
        self._answer()

    def do_GET(self):
        self._answer()

    def _answer(self):
        self.server.requests.append(Request(self.command, self.path, time.monotonic(), self.headers["User-Agent"]))
        path = self.path.split("?")[0]
        if path == "/slow":
            self.server.release.wait(10)
            status, location = 200, None
        elif path == "/no-head":
            status, location = (405, None) if self.command == "HEAD" else (200, None)
        elif path.startswith("/loop/"):
            status, location = 301, f"/loop/{int(path.rsplit('/', 1)[1]) + 1}"
        else:
            status, location = self.ROUTES.get(path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the checker hung up on the slow address


@dataclass
class Web:
    server: Server
    requests: list = field(default_factory=list)

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.server.server_address[1]}{path}"

    def paths(self):
        return [(request.method, request.path) for request in self.requests]


@pytest.fixture
def web(settings):
    """The server, and the settings that let the checker use it quickly (no pause, a short timeout)."""
    settings.LINKCHECK_TIMEOUT = TIMEOUT
    settings.LINKCHECK_DELAY = 0
    settings.LINKCHECK_PUBLIC_ONLY = False
    settings.SITE_URL = "https://www.netwerk.example"
    server = Server(("127.0.0.1", 0), Handler)
    server.requests = []
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Web(server, server.requests)
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
