"""Real services for the scale-out and fault tests: redis-server, an S3 emulator (moto), gunicorn.

The app servers run with production settings in their own processes and share the database
of the PostgreSQL test run (pytest-django's test database), so data made here with the ORM
is committed for them to see (`shared_data`) and flushed afterwards.
"""

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from tests.helpers import PROJECT_DIR, production_env, wait_for
from tests.pgcluster import PG_BIN, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
S3_REGION = "us-east-1"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class RedisServer:
    """A redis-server on a loopback port that a test may stop and start again (same port, empty)."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, message="redis-server to answer")
        return self

    def answers(self):
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server():
    if not Path(REDIS_SERVER).exists():
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    server = RedisServer().start()
    yield server
    server.stop()


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: object

    @property
    def env(self):
        """The settings that put the site's media in this bucket (README: configuration)."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": S3_REGION,
            **S3_KEYS,
        }

    def stored_keys(self):
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 emulator in a thread of this process, on a loopback port."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint):
    """A new, empty bucket."""
    return make_bucket(s3_endpoint)


def make_bucket(s3_endpoint):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    name = f"media-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    # Media are public: anybody may read the objects (README: deploy), nobody else may write.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    return Bucket(s3_endpoint, name, client)


def public_read_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    }


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Collected static files with the manifest production's storage reads. Collected without the
    compression production adds (a minute of brotli here), which no test of these looks at."""
    root = tmp_path_factory.mktemp("static")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def shared_database_url():
    """The URL of pytest-django's PostgreSQL test database, for the app servers."""
    from django.db import connection

    database = connection.settings_dict
    assert connection.vendor == "postgresql", "app servers share the PostgreSQL test database only"
    credentials = quote(database["USER"] or "postgres")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture(scope="module")
def committed_db(django_db_setup, django_db_blocker):
    """Database access for module fixtures whose rows the app servers must see (committed, not
    in a test's transaction); everything is flushed when the module is done."""
    with django_db_blocker.unblock():
        yield
        call_command("flush", interactive=False, verbosity=0)


class AppServer:
    """gunicorn with config/gunicorn.conf.py and production settings, in its own process group."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log_path = log_path
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_until_ready(self, timeout=60):
        def ready():
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log_tail()}"
            with contextlib.suppress(requests.RequestException):
                return requests.get(self.url + "/healthz", timeout=2).status_code == 200
            return False

        wait_for(ready, timeout=timeout, interval=0.2, message=f"gunicorn on port {self.port}")
        return self

    def log_tail(self, lines=40):
        return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def app_server_env(static_root, **overrides):
    """production_env() for an app server on this machine: plain http, quiet, mail kept in memory."""
    defaults = {
        "DJANGO_STATIC_ROOT": static_root,
        "WEB_CONCURRENCY": 2,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return production_env(**{**defaults, **overrides})


def start_app_servers(*envs, log_dir):
    """Start one gunicorn per environment at once (they take seconds each to load Django)."""
    servers = [AppServer(env, Path(log_dir) / f"gunicorn-{index}.log").start() for index, env in enumerate(envs)]
    for server in servers:
        server.wait_until_ready()
    return servers


def copy_database(source_url, target_url):
    """Schema and rows of one PostgreSQL database into another (empty) one: seconds, where
    `migrate` on a new cluster takes half a minute."""
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
        stdout=subprocess.PIPE,
        env=environment,
    )
    restore = subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target_url],
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
        check=False,
    )
    dump.stdout.close()
    assert dump.wait() == 0, "pg_dump failed"
    assert restore.returncode == 0, restore.stderr.decode()


def elapsed_since(start):
    return round(time.monotonic() - start, 2)


class ModuleSMTPSink:
    """A real SMTP server on a loopback port for a whole test module (app servers send to it)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        from tests.conftest import SMTPSink

        self.sink = SMTPSink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=free_port())

    @property
    def env(self):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.controller.port,
            "EMAIL_USE_TLS": "0",
        }


@dataclass
class DeployedSite:
    """The documented deployment shape: gunicorn with several workers behind one proxy that
    appends the client's address to X-Forwarded-For (DJANGO_PROXY_COUNT=1), Redis, PostgreSQL,
    mail over SMTP. `client(ip)` is a visitor at that address, as the proxy reports it."""

    server: object
    redis: object
    mail: object

    @property
    def url(self):
        return self.server.url

    def client(self, ip):
        session = requests.Session()
        # What nginx's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` sends for a
        # visitor at `ip` (the socket address the app sees is the proxy's: 127.0.0.1).
        session.headers["X-Forwarded-For"] = ip
        return session


@pytest.fixture(scope="module")
def deployed_site(committed_db, static_root, redis_server, tmp_path_factory):
    """One production-like site for a test module: 3 gunicorn workers, DJANGO_PROXY_COUNT=1,
    Redis, the PostgreSQL test database, mail to a real SMTP sink (`deployed_site.mail`)."""
    mail = ModuleSMTPSink()
    mail.controller.start()
    env = app_server_env(
        static_root,
        WEB_CONCURRENCY=3,
        DJANGO_PROXY_COUNT=1,
        REDIS_URL=redis_server.url,
        DATABASE_URL=shared_database_url(),
        **mail.env,
    )
    (server,) = start_app_servers(env, log_dir=tmp_path_factory.mktemp("deployed"))
    yield DeployedSite(server=server, redis=redis_server, mail=mail.sink)
    server.stop()
    mail.controller.stop()
