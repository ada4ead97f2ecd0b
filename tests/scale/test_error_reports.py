"""An unhandled error is reported to Sentry (here: a local stand-in for its ingest endpoint) and
mailed to ADMINS, both without personal data: a gunicorn app server with production settings and
SENTRY_DSN / DJANGO_ADMINS set, behind one proxy, a visitor posting a form to a view that fails;
and the background worker with the same settings, running a task that fails.
"""

import base64
import gzip
import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import requests

from tests.helpers import PROJECT_DIR
from tests.pgcluster import free_port
from tests.scale.conftest import ModuleSMTPSink, app_server_env, shared_database_url, start_app_servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VISITOR_IP = "203.0.113.7"
FORM = {"email": "jan.peeters@example.org", "name": "Jan Peeters", "address": "Kerkstraat 12, 9000 Gent"}
# A Django-signed token in the path, as in a confirmation link.
TOKEN = ".eJyLVkrLz1eK1QEAFRQDmw:1uZxQf:Jm3b4v7tBUn0c2Wl7bV4bqkX8Qm9cTzJ1sXgS0pHc9Q"
QUERY_SECRET = "ververs-mij-niet-4d1c9b"
SESSION_COOKIE = "k3x9session0cookie0value0of0a0visitor"
CSRF_COOKIE = "Q8mN2csrf0cookie0value0of0a0visitor0000000000000000000000000000"
USER_AGENT = "Mozilla/5.0 (Linux; Android 9; telefoon-van-jan)"
ADMINS = "Beheer Netwerk <beheer@netwerk.example>, it@netwerk.example"

# Whatever a visitor sent or is: none of it may leave the server in a report.
PERSONAL = [
    FORM["email"],
    "Jan Peeters",
    "Peeters",
    "Kerkstraat",
    VISITOR_IP,
    TOKEN,
    TOKEN.split(":")[-1],
    QUERY_SECRET,
    SESSION_COOKIE,
    CSRF_COOKIE,
    "telefoon-van-jan",
]
# An email address with a real top-level domain ("key@127.0.0.1" in the DSN is not one).
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")


class SentryIngest:
    """What a Sentry, GlitchTip or Bugsink server is to the SDK: an HTTP endpoint taking envelopes."""

    def __init__(self):
        self.envelopes = []
        self._arrived = threading.Condition()
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":
                    body = brotli.decompress(body)
                with ingest._arrived:
                    ingest.envelopes.append((self.path, self.headers.get("X-Sentry-Auth", ""), body))
                    ingest._arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self):
        return f"http://publickey@127.0.0.1:{self.server.server_port}/1"

    def wait_for_event(self, matching, timeout=20):
        """The events for which `matching(event)` is true, once there is one."""
        with self._arrived:
            self._arrived.wait_for(lambda: [event for event in self.events() if matching(event)], timeout=timeout)
        events = [event for event in self.events() if matching(event)]
        assert events, f"no such event arrived; {len(self.envelopes)} envelope(s)"
        return events

    def events(self):
        return [payload for _, headers, payload in self.items() if headers.get("type") == "event"]

    def received(self):
        """Everything received, as text."""
        return b"\n".join(body for _, _, body in self.envelopes).decode()

    def items(self):
        """(envelope header, item header, parsed payload) for every item received."""
        found = []
        for _path, _auth, body in self.envelopes:
            header_line, _, rest = body.partition(b"\n")
            envelope = json.loads(header_line)
            while rest.strip():
                item_line, _, rest = rest.partition(b"\n")
                item = json.loads(item_line)
                if "length" in item:
                    payload, rest = rest[: item["length"]], rest[item["length"] + 1 :]
                else:
                    payload, _, rest = rest.partition(b"\n")
                found.append((envelope, item, json.loads(payload) if payload.strip() else None))
        return found


@pytest.fixture(scope="module")
def reporting_site(committed_db, static_root, tmp_path_factory):
    ingest = SentryIngest()
    ingest.thread.start()
    mail = ModuleSMTPSink()
    mail.controller.start()
    env = app_server_env(
        static_root,
        WEB_CONCURRENCY=1,
        DJANGO_PROXY_COUNT=1,
        DATABASE_URL=shared_database_url(),
        # Production settings and URLs plus the one failing view (tests/scale/failing_urls.py).
        DJANGO_SETTINGS_MODULE="tests.scale.failing_settings",
        SENTRY_DSN=ingest.dsn,
        SENTRY_ENVIRONMENT="test",
        DJANGO_ADMINS=ADMINS,
        **mail.env,
    )
    (server,) = start_app_servers(env, log_dir=tmp_path_factory.mktemp("reporting"))
    server.worker_env = env
    yield server, ingest, mail.sink
    server.stop()
    mail.controller.stop()
    ingest.server.shutdown()


@pytest.fixture(scope="module")
def failed_request(reporting_site):
    """A visitor posts a form (with cookies and a token in the link) to a view that fails."""
    server, _, _ = reporting_site
    response = requests.post(
        f"{server.url}/test-fout/{TOKEN}/?token={QUERY_SECRET}&email={FORM['email']}",
        data=FORM,
        cookies={"sessionid": SESSION_COOKIE, "csrftoken": CSRF_COOKIE},
        headers={
            "X-Forwarded-For": VISITOR_IP,
            "User-Agent": USER_AGENT,
            "Referer": f"https://x.example/?{FORM['email']}",
        },
        timeout=10,
    )
    return response


def test_an_unhandled_error_is_answered_with_the_dutch_500_page(failed_request):
    assert failed_request.status_code == 500
    assert "Er ging bij ons iets mis" in failed_request.text


def test_an_unhandled_error_reaches_sentry_with_its_type_and_without_personal_data(reporting_site, failed_request):
    _, ingest, _ = reporting_site
    (event,) = ingest.wait_for_event(lambda event: event.get("transaction") == "/test-fout/{token}/")

    (error,) = event["exception"]["values"]
    assert error["type"] == "ValueError"
    # The first line of the message, masked; the next line (PostgreSQL's DETAIL) is left out.
    assert error["value"] == "Kon [email] niet bereiken vanaf [ip]"
    frames = error["stacktrace"]["frames"]
    assert frames[-1]["function"] == "fail" and frames[-1]["module"] == "tests.scale.failing_urls"
    assert not any("vars" in frame for frame in frames), "no local variables"
    assert event["environment"] == "test"
    assert event["request"] == {"method": "POST", "url": "/test-fout/{token}/"}
    assert "user" not in event
    # The log line before the error: the code's text, not the values filled in.
    (logged,) = [crumb for crumb in event["breadcrumbs"]["values"] if crumb.get("category") == "tests.failing_site"]
    assert logged["message"] == "Aanvraag van %s voor %s" and logged["level"] == "warning"

    received = ingest.received()
    assert "ValueError" in received
    for value in PERSONAL:
        assert value not in received
    assert EMAIL_ADDRESS.findall(received) == []
    assert base64.b64encode(FORM["email"].encode()).decode() not in received


def test_an_unhandled_error_is_mailed_to_the_admins_without_personal_data(reporting_site, failed_request):
    _, _, mail = reporting_site
    mail.wait_for(1)
    (message,) = [message for message in mail.messages if "Internal Server Error" in message["Subject"]]

    assert message["To"] == "beheer@netwerk.example, it@netwerk.example"
    assert message["Subject"] == "[Netwerk tegen Armoede] ERROR: Internal Server Error: /test-fout/<str:token>/"
    body = message.get_content().replace("\r\n", "\n")
    assert "Request: POST /test-fout/<str:token>/\n" in body
    assert 'File "' in body and ", in fail\n" in body
    assert "ValueError: Kon [email] niet bereiken vanaf [ip]\n" in body
    everything = message.as_string()
    for value in PERSONAL:
        assert value not in everything
    assert EMAIL_ADDRESS.findall(message["Subject"] + body) == []


@pytest.fixture(scope="module")
def failed_task(reporting_site):
    """A background task that fails on a real code path: an issue id that is no number (an address)."""
    from newsletter.tasks import send_issue_batch

    server, _, _ = reporting_site
    result = send_issue_batch.enqueue(issue_id=FORM["email"])
    worker = subprocess.run(
        [sys.executable, "manage.py", "newsletter_worker", "--batch", "--no-startup-delay"],
        cwd=PROJECT_DIR,
        env=server.worker_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    return result


def test_a_failed_background_task_is_reported_and_mailed_without_personal_data(reporting_site, failed_task):
    _, ingest, mail = reporting_site

    (event,) = ingest.wait_for_event(lambda event: event.get("logger") == "django_tasks")
    # The error Django raised, and the int() error it came from: each with the address masked.
    assert [(error["type"], error["value"]) for error in event["exception"]["values"]] == [
        ("ValueError", "invalid literal for int() with base 10: '[email]'"),
        ("ValueError", "Field 'id' expected a number but got '[email]'."),
    ]
    assert event["logentry"] == {"message": "Task id=%s path=%s state=%s"}
    assert FORM["email"] not in ingest.received()

    mail.wait_for(2)
    (message,) = [message for message in mail.messages if "Task id=" in message["Subject"]]
    assert message["Subject"] == "[Netwerk tegen Armoede] ERROR: Task id=%s path=%s state=%s"
    body = message.get_content().replace("\r\n", "\n")
    assert "ValueError: Field 'id' expected a number but got '[email]'.\n" in body
    assert FORM["email"] not in message.as_string()
