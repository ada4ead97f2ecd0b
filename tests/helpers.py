"""Small helpers shared by tests that start real processes."""

import contextlib
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    """An environment like production's, without anything the test run itself set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "DEFAULT_FROM_EMAIL", "AWS_"))
    }
    environment.update(
        DJANGO_SECRET_KEY="a-test-secret-key-that-is-long-enough-for-django-checks-0123456789",
        DJANGO_HTTPS="0",
        DJANGO_VAR_DIR=str(PROJECT_DIR / "var"),
    )
    environment.update({key: str(value) for key, value in overrides.items() if value is not None})
    for key in [key for key, value in overrides.items() if value is None]:
        environment.pop(key, None)
    return environment


def manage(*args, env=None, check=False):
    """Run manage.py in a fresh interpreter, so settings are read from `env` alone."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env if env is not None else production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def http_get(url, timeout=10):
    """GET a URL; returns (status, body) and never raises for an HTTP error status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(predicate, timeout=20, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out waiting for {message}")


@contextlib.contextmanager
def smtp_server(handler):
    """An aiosmtpd server with this handler on a free loopback port, for the `with` block; its controller."""
    from aiosmtpd.controller import Controller

    from tests.pgcluster import free_port

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int  # STARTTLS
    ssl_port: int  # IMAPS (TLS from the first byte)
    cafile: str
    user: str
    password: str


def self_signed_certificate(folder):
    """(certificate, key) files for 127.0.0.1 and localhost, made with the openssl command."""
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _tls_front(listener, context, backend_port, stop):
    """Accept TLS connections on `listener` and relay each, decrypted, to the plain port (what stunnel does)."""
    import socket
    import threading

    def pump(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            raw, _address = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        try:
            client = context.wrap_socket(raw, server_side=True)
        except OSError:
            raw.close()
            continue
        backend = socket.create_connection(("127.0.0.1", backend_port))
        for source, target in ((client, backend), (backend, client)):
            threading.Thread(target=pump, args=(source, target), daemon=True).start()


@contextlib.contextmanager
def imap_server(folder, user="bounces", tls=True):
    """A real IMAP server (pymap, in-memory backend) on loopback ports for the `with` block: STARTTLS on
    `port` with a self-signed certificate (`cafile`), and IMAPS on `ssl_port` through a TLS front.
    With tls=False: plain IMAP only, no STARTTLS offered (a server a reader must refuse)."""
    import socket
    import ssl
    import threading

    from tests.pgcluster import free_port

    cert, key = self_signed_certificate(folder)
    password = secrets.token_urlsafe(12)
    port = free_port()
    command = (
        "import sys; from pymap.main import main; sys.argv = ['pymap'] + sys.argv[1:]; sys.exit(main())",
        *("--host", "127.0.0.1", "--port", str(port)),
        *(("--cert", str(cert), "--key", str(key)) if tls else ("--no-tls",)),
        *("--no-service", "admin", "dict", "--demo-data", "--demo-user", user, f"--demo-password={password}"),
    )
    process = subprocess.Popen(
        [sys.executable, "-c", *command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    front = threading.Thread(target=_tls_front, args=(listener, context, port, stop), daemon=True)
    try:

        def listening():
            if process.poll() is not None:
                raise AssertionError(f"pymap ended: {process.stdout.read()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
            return False

        wait_for(listening, message="the IMAP server to listen")
        front.start()
        yield ImapServer("127.0.0.1", port, listener.getsockname()[1], str(cert), user, password)
    finally:
        stop.set()
        listener.close()
        process.terminate()
        process.wait(timeout=10)


def send_mail_to(settings, controller):
    """Point the site's mail at this SMTP server (plain SMTP, no login)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def mail_body(message):
    """The plain-text part of a message received by the smtp_sink fixture."""
    return message.get_body(preferencelist=("plain",)).get_content()


def login_code(text):
    """The sign-in code ("ABCD-EFGH") on a line of its own in the text of allauth's login-code mail."""
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text, re.MULTILINE).group(1)


def with_mfa(user):
    """Give a staff user the second factor the admin requires (an authenticator app).

    Returns the user; its TOTP secret is on `user.totp_secret` for totp_code().
    """
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


# allauth accepts only the code of the current 30-second period (MFA_TOTP_TOLERANCE 0, as in
# production), so a code read in the period's last moments can expire before the server checks it.
# totp_code() waits out a period with fewer than this many seconds left. Measured from reading the
# code to allauth checking it, over 40 runs of every test that signs in with a code, on a two-core
# machine at a load average of 6 to 11: 2.0 s at most (in-process client posts), Chromium submitting
# to the live server 0.9 s, a POST to gunicorn (tests/scale) 0.84 s. 8 s is four times the worst,
# and costs at most 8 s of waiting per code.
TOTP_MARGIN = 8.0


def totp_code(secret, *, margin=TOTP_MARGIN, clock=None, sleep=None):
    """The code an authenticator app with this secret shows, valid at least `margin` seconds longer.

    When the current period ends sooner, waits for the next one first. `clock` and `sleep` are
    there for the helper's own test; by default time.time (which time_machine's travel moves, as
    it does allauth's) and time.sleep.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    clock, sleep = clock or time.time, sleep or time.sleep
    period = app_settings.TOTP_PERIOD
    now = clock()
    left = period - now % period
    if left < margin:
        sleep(left + 0.05)
        now = clock()
    return format_hotp_value(hotp_value(secret, int(now) // period))


def nl(message):
    """A UI text as the Dutch visitor reads it (the English msgid until the catalog has it)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("nl"):
        return gettext(message)


def nl_plural(singular, plural, count):
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("nl"):
        return ngettext(singular, plural, count) % {"counter": count}


def work_off_tasks(limit=10_000):
    """Run every ready background task in this process, as `manage.py newsletter_worker` would; their number.

    The worker's own loop closes "old" database connections, which would end the test's
    transaction; running its tasks one by one through Worker.run_task does not.
    """
    from django_tasks_db.models import DBTaskResult

    from newsletter.worker import in_process_worker

    worker = in_process_worker("test-worker")
    count = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim("test-worker")
        worker.run_task(result)
        count += 1
        assert count < limit, "tasks keep enqueueing themselves"
    failed = list(DBTaskResult.objects.failed().values_list("traceback", flat=True))
    assert not failed, failed
    return count


def one_quote_escaping(html):
    """HTML with quotes escaped one way: Jinja2 (the form renderer, core/forms.py) writes
    ' and " as &#39; and &#34;, Django's templates as &#x27; and &quot;."""
    return html.replace("&#x27;", "&#39;").replace("&#34;", "&quot;")


@contextlib.contextmanager
def empty_database(folder, prefix="empty"):
    """(DATABASE_URL, name) of a new empty database of the kind the suite runs on, removed afterwards.

    On PostgreSQL a database on the suite's server (its name is what scripts such as the restore
    drill are given); on SQLite a file in `folder` (its path is the name).
    """
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        name = str(Path(folder) / f"{prefix}.sqlite3")
        yield f"sqlite:///{name}", name
        return
    import psycopg

    def url(database):
        return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}"))

    name = f"{prefix}_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(url("postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url(name), name
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def project_apps():
    """The project's own Django apps (their package lies in the repository), core included: a new
    app is found without being named anywhere."""
    from django.apps import apps

    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == PROJECT_DIR]
