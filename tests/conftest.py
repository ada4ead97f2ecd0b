import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL features; on SQLite they are deselected, not skipped."""
    if connection.vendor == "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache, whatever the one before it stored."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploads of every test land in a folder of their own, never in var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or database['NAME']}"


class SMTPSink:
    """A real SMTP server on a loopback port; the messages it received, parsed."""

    def __init__(self):
        import threading

        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count, timeout=10):
        """Block until `count` messages arrived; the messages."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages

    def to(self, address):
        return [message for message in self.messages if address in message["To"]]


@pytest.fixture
def smtp_sink(settings):
    """Mail sent during the test goes through SMTP to a local aiosmtpd server."""
    from tests.helpers import send_mail_to, smtp_server

    sink = SMTPSink()
    with smtp_server(sink) as controller:
        send_mail_to(settings, controller)
        yield sink


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor the admin requires."""
    from tests.helpers import with_mfa

    return with_mfa(admin_user)


@pytest.fixture(autouse=True)
def _force_login_as_allauth_signs_in(monkeypatch):
    """`client.force_login(user)` leaves the session as allauth's sign-in does: with the password
    step, and with the authenticator step when the user has an app (allauth asks for its code
    then). A session made before the user had an app has the password step only, as it would
    (core/secondfactor.py refuses it every page)."""
    from django.test.client import ClientMixin

    force_login = ClientMixin.force_login

    def signed_in_as_allauth_does(self, user, backend=None):
        from allauth.account.internal.flows.login import record_authentication
        from allauth.mfa.models import Authenticator
        from django.http import HttpRequest

        force_login(self, user, backend)
        request = HttpRequest()
        request.session, request.user = self.session, user
        record_authentication(request, user, "password", email=user.email)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
        request.session.save()

    monkeypatch.setattr(ClientMixin, "force_login", signed_in_as_allauth_does)
