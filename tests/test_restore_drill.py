"""The restore drill (scripts/restore-drill) loses nothing, and it notices when something is lost.

The drill runs on the database engine of the test run: on PostgreSQL in a database of its own
on the run's server, on SQLite in a file of its own; filled with the demo content and a few
more uploaded files, in a media folder of its own.
"""

import hashlib
import os
import re
import secrets
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.helpers import PROJECT_DIR, manage, production_env
from tests.pgcluster import PG_BIN

UPLOADS = {
    "documents/2024/jaarverslag met spaties en é.pdf": b"%PDF-1.4\n" + os.urandom(200_000),
    "documents/2024/leeg.txt": b"",
    "uploads/diep/genest/bestand.bin": os.urandom(4096),
}


def _postgres_url(database):
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}"))


def _media_hashes(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated site with the demo content and more uploads: (environment, database name, media folder)."""
    folder = tmp_path_factory.mktemp("drill")
    media = folder / "media"
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if postgres:
        import psycopg

        name = f"drill_{secrets.token_hex(4)}"
        url = _postgres_url(name)
        with psycopg.connect(_postgres_url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(folder / "site.sqlite3")
        url = f"sqlite:///{name}"
    env = production_env(DATABASE_URL=url, DJANGO_VAR_DIR=folder / "var", DJANGO_MEDIA_ROOT=media, PG_BIN=PG_BIN)
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    for path, content in UPLOADS.items():
        (media / path).parent.mkdir(parents=True, exist_ok=True)
        (media / path).write_bytes(content)
    yield env, name, media
    if postgres:
        with psycopg.connect(_postgres_url("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drill(site, *args):
    env, name, _ = site
    return subprocess.run(
        [str(PROJECT_DIR / "scripts" / "restore-drill"), "--confirm", name, *args],
        cwd=PROJECT_DIR,
        env={**env, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_restore_drill_loses_nothing(site):
    _, _, media = site
    before = _media_hashes(media)
    assert set(UPLOADS) <= set(before)

    result = _drill(site)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No loss" in result.stdout
    measured = re.search(r"measure +(\d+) tables, ([\d,]+) rows, (\d+) media files", result.stdout)
    assert measured, result.stdout
    tables, rows, files = int(measured[1]), int(measured[2].replace(",", "")), int(measured[3])
    assert tables > 40 and rows > 500, "the drill compared the demo's tables"
    assert files == len(before), "the drill compared every media file"
    assert _media_hashes(media) == before


def test_restore_drill_fails_on_every_simulated_loss(site):
    result = _drill(site, "--simulate-loss")

    assert result.returncode == 1, result.stdout + result.stderr
    damage = re.search(
        r"deleted a row of (\S+); changed a row of (\S+); deleted media file (.+); changed media file (.+) \(",
        result.stdout,
    )
    assert damage, result.stdout
    deleted_from, changed_in, deleted_file, changed_file = damage.groups()
    differences = [line.removeprefix("  - ") for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert len(differences) == 4, result.stdout
    assert any(re.match(rf"table {deleted_from}: (\d+) rows before the backup, (\d+) after", d) for d in differences)
    assert f"table {changed_in}: same" in "\n".join(differences), "a changed row is found by its content"
    assert f"media file {deleted_file}: missing after the restore" in differences
    assert f"media file {changed_file}: different content after the restore" in differences
    assert "Restore drill failed" in result.stdout
