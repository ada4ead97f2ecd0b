"""Settings come from the environment and are safe by default (read in fresh processes)."""

import json
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import PROJECT_DIR, manage, production_env
from tests.pgcluster import free_port

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'db': s.DATABASES['default']['ENGINE'],"
    "'db_name': str(s.DATABASES['default']['NAME']), 'cache': s.CACHES['default']['BACKEND'],"
    "'cache_location': s.CACHES['default'].get('LOCATION'), 'email': s.EMAIL_BACKEND,"
    "'media': str(s.MEDIA_ROOT), 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
    "'cookies': [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
    " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE], 'hsts': s.SECURE_HSTS_SECONDS}))"
)


def read_settings(**env):
    result = manage("shell", "--no-imports", "-c", PRINT_SETTINGS, env=production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_site_refuses_to_start_without_a_secret_key_outside_debug():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_defaults_are_safe_debug_off_sqlite_under_var_local_cache():
    settings = read_settings()
    assert settings["debug"] is False
    assert settings["db"] == "django.db.backends.sqlite3"
    assert settings["db_name"] == str(PROJECT_DIR / "var" / "db.sqlite3")
    # Files, not process memory: the gunicorn workers of one machine share pages and rate limits.
    assert settings["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert settings["cache_location"] == str(PROJECT_DIR / "var" / "cache")
    assert settings["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_only_when_asked_and_then_without_a_secret_key():
    settings = read_settings(DJANGO_DEBUG="1", DJANGO_SECRET_KEY=None)
    assert settings["debug"] is True
    assert settings["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_hosts_cache_and_media_come_from_the_environment(tmp_path):
    settings = read_settings(
        DATABASE_URL="postgres://site:pw@db.internal:5432/site",
        DJANGO_ALLOWED_HOSTS="www.netwerktegenarmoede.be, trefpuntarmoede.be",
        REDIS_URL="redis://127.0.0.1:6379/1",
        DJANGO_MEDIA_ROOT=str(tmp_path),
    )
    assert settings["db"] == "django.db.backends.postgresql"
    assert settings["hosts"] == ["www.netwerktegenarmoede.be", "trefpuntarmoede.be"]
    assert settings["cache"] == "core.cache.ResilientRedisCache"
    assert settings["cache_location"] == "redis://127.0.0.1:6379/1"
    assert settings["media"] == str(tmp_path)


def test_https_is_enforced_by_default_in_production():
    settings = read_settings(DJANGO_HTTPS=None)
    assert settings["ssl_redirect"] is True
    assert settings["hsts"] == 31536000
    # Session and CSRF cookies: https only, out of reach of scripts, not sent along from other sites.
    assert settings["cookies"] == [True, True, "Lax", True, True, "Lax"]


def test_check_deploy_prints_no_warning_with_the_documented_production_settings():
    env = production_env(DJANGO_HTTPS=None, DJANGO_ALLOWED_HOSTS="www.netwerktegenarmoede.be")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


class Sink:
    def __init__(self):
        self.messages = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.received.set()
        return "250 OK"


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


def test_outgoing_mail_uses_the_smtp_server_named_in_the_environment(smtp_sink):
    controller, sink = smtp_sink
    env = production_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, DEFAULT_FROM_EMAIL="site@example.org")
    result = manage("sendtestemail", "ontvanger@example.org", env=env)
    assert result.returncode == 0, result.stderr
    assert sink.received.wait(5)
    assert sink.messages[0].mail_from == "site@example.org"
    assert sink.messages[0].rcpt_tos == ["ontvanger@example.org"]


def test_free_port_helper_gives_a_bindable_loopback_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port()))
