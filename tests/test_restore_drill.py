"""The restore drill (scripts/restore-drill) loses nothing, and it notices when something is lost.

The drill runs on the database engine of the test run: on PostgreSQL in a database of its own
on the run's server, on SQLite in a file of its own; filled with the demo content and a few
more uploaded files, in a media folder of its own. The off-site copies go to a restic repository
in a temporary folder (a local repository is what an SFTP or S3 one is, without the network).
"""

import datetime
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR, empty_database, manage, production_env
from tests.pgcluster import PG_BIN

UPLOADS = {
    "documents/2024/jaarverslag met spaties en é.pdf": b"%PDF-1.4\n" + os.urandom(200_000),
    "documents/2024/leeg.txt": b"",
    "uploads/diep/genest/bestand.bin": os.urandom(4096),
}


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
    with empty_database(folder, prefix="drill") as (url, name):
        env = production_env(DATABASE_URL=url, DJANGO_VAR_DIR=folder / "var", DJANGO_MEDIA_ROOT=media, PG_BIN=PG_BIN)
        for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
            result = manage(*command, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        for path, content in UPLOADS.items():
            (media / path).parent.mkdir(parents=True, exist_ok=True)
            (media / path).write_bytes(content)
        yield env, name, media


def _script(name, *args, env):
    return subprocess.run(
        [str(PROJECT_DIR / "scripts" / name), *args],
        cwd=PROJECT_DIR,
        env={**env, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _drill(site, *args, **env):
    site_env, name, _ = site
    return _script("restore-drill", "--confirm", name, *args, env={**site_env, **env})


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


@pytest.fixture(scope="module")
def restic_binary():
    """restic from Debian (installed here when missing and this user may, as `make test` does)."""
    result = subprocess.run(
        [str(PROJECT_DIR / "scripts" / "require-debian-packages"), "restic:restic"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return "restic"


@pytest.fixture
def restic_repository(restic_binary, tmp_path):
    """An empty restic repository and its key file: the environment scripts/backup reads."""
    key = tmp_path / "restic-key"
    key.write_text(secrets.token_urlsafe(32) + "\n")
    key.chmod(0o600)
    env = {"RESTIC_REPOSITORY": str(tmp_path / "repository"), "RESTIC_PASSWORD_FILE": str(key)}
    subprocess.run([restic_binary, "init"], env={**os.environ, **env}, capture_output=True, check=True)
    return env


def _snapshots(repository):
    result = subprocess.run(
        ["restic", "snapshots", "--json"], env={**os.environ, **repository}, capture_output=True, check=True
    )
    return json.loads(result.stdout)


def test_restore_drill_restores_from_the_offsite_copy_alone(site, restic_repository):
    _, _, media = site
    before = _media_hashes(media)

    result = _drill(site, **restic_repository)

    assert result.returncode == 0, result.stdout + result.stderr
    snapshot = re.search(r"off-site +restic snapshot ([0-9a-f]{8}) in ", result.stdout)
    assert snapshot, result.stdout
    assert "local backup deleted" in result.stdout
    assert f"restore   from restic snapshot {snapshot[1]}, checked against its manifest" in result.stdout
    assert "No loss" in result.stdout
    assert _media_hashes(media) == before
    # The drill's own snapshot is forgotten afterwards.
    assert _snapshots(restic_repository) == []


def test_restore_drill_from_the_offsite_copy_fails_on_a_simulated_loss(site, restic_repository):
    result = _drill(site, "--simulate-loss", **restic_repository)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "from restic snapshot" in result.stdout
    assert "Restore drill failed" in result.stdout


def test_backup_copies_each_folder_offsite_encrypted_and_forgets_what_is_older_than_keep_days(
    site, restic_repository, tmp_path
):
    env = {**site[0], **restic_repository}
    restic_env = {**os.environ, **restic_repository}
    # Snapshots of earlier nights: 3 days ago is kept, 30 days ago is forgotten (--keep-days 14).
    old = tmp_path / "old"
    for days, name in ((30, "20200101T021500Z"), (3, "20200128T021500Z")):
        (old / name).mkdir(parents=True)
        (old / name / "manifest.json").write_text("{}")
        made = (datetime.datetime.now() - datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
        subprocess.run(
            ["restic", "backup", "--tag", "sitebackup", "--time", made, name],
            cwd=old,
            env=restic_env,
            capture_output=True,
            check=True,
        )

    result = _script("backup", "--dest", str(tmp_path / "backups"), "--keep-days", "14", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    snapshot = re.search(r"off-site +snapshot ([0-9a-f]{8}) in (\S+) ", result.stdout)
    assert snapshot and snapshot[2] == restic_repository["RESTIC_REPOSITORY"], result.stdout
    assert "off-site  forgot snapshots older than 14 days" in result.stdout
    kept = {Path(item["paths"][0]).name: item["short_id"] for item in _snapshots(restic_repository)}
    assert sorted(kept) == ["20200128T021500Z", folder.name]
    assert kept[folder.name] == snapshot[1]
    # Encrypted: neither the manifest's words nor an uploaded file's bytes are readable in the repository.
    stored = b"".join(
        path.read_bytes() for path in Path(restic_repository["RESTIC_REPOSITORY"]).rglob("*") if path.is_file()
    )
    assert b'"tables"' in (folder / "manifest.json").read_bytes()
    assert b'"tables"' not in stored
    assert UPLOADS["uploads/diep/genest/bestand.bin"][:64] not in stored


def test_backup_without_the_offsite_key_keeps_the_local_folder_and_says_what_is_missing(site, tmp_path):
    env = {**site[0], "RESTIC_REPOSITORY": str(tmp_path / "repository")}

    result = _script("backup", "--dest", str(tmp_path / "backups"), env=env)

    assert result.returncode == 2, result.stdout + result.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    assert (folder / "manifest.json").exists()
    assert result.stderr.strip() == (
        f"scripts/backup: {folder} is complete, but its off-site copy failed: RESTIC_REPOSITORY is set, "
        "but RESTIC_PASSWORD_FILE is not (the file with the repository's key)."
    )


def test_restore_from_restic_needs_a_repository():
    result = _script("restore", "--from-restic", "latest", env=production_env())
    assert result.returncode == 2
    assert "--from-restic needs RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE" in result.stderr
