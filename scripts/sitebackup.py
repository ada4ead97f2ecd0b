"""Back up the database and the uploaded media, restore them, and drill the restore.

Run through `scripts/backup`, `scripts/restore` and `scripts/restore-drill` (docs/deploy.md,
"Backups"). A backup is a folder named after its UTC time, holding the database (`db.dump` in
pg_dump's custom format, or `db.sqlite3`), the media folder (`media.tar`) and `manifest.json`:
every table's row count and content checksum, the sequences and the applied migrations, all
read in the snapshot the dump was made from, plus the size and sha256 of every media file and
of the backup's own files. A restore checks those files, fills an empty database and media
folder, and compares what it restored with the manifest.

Off-site: with RESTIC_REPOSITORY (and RESTIC_PASSWORD_FILE) set, `scripts/backup` also hands the
new folder to restic, which encrypts it and keeps it in that repository (another machine over
SFTP, an S3 bucket, a rest-server), and forgets snapshots older than --offsite-keep-days there.
`scripts/restore --from-restic SNAPSHOT` restores from such a snapshot; the restore drill then
restores from the repository only, with the local copy deleted first.

Exit status: 0 all well, 1 a difference was found (data lost or changed), 2 nothing was done
or the work stopped halfway (the message says why and what to do).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
from pathlib import Path, PurePosixPath

BASE_DIR = Path(__file__).resolve().parent.parent
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
MANIFEST_FORMAT = 1
STAMP = "%Y%m%dT%H%M%SZ"
INCOMPLETE = ".incomplete-"
CHUNK = 1024 * 1024


class Failure(Exception):
    """Something the operator has to solve; the message says what."""


def setup_django():
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def megabytes(size):
    return f"{size / 1_000_000:.1f} MB"


# --- databases ---------------------------------------------------------------------------------

# OPTIONS of Django's PostgreSQL backend that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "context",
    "cursor_factory",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}
# Fixed text forms for dates, times, numbers and bytes: a table's checksum depends on its content only.
PG_SESSION = [
    "SET TIME ZONE 'UTC'",
    "SET DateStyle TO 'ISO, YMD'",
    "SET IntervalStyle TO 'postgres'",
    "SET extra_float_digits TO 1",
    "SET bytea_output TO 'hex'",
]
# Relations of the site's own schemas (not the system catalogs), and its tables among them.
PG_USER_RELATIONS = (
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
)
PG_USER_TABLES = (
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
)


def database_from_settings():
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"] == "django.db.backends.postgresql":
        return Postgres(config)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return SQLite(config)
    raise Failure(f"{config['ENGINE']} is not supported: back up PostgreSQL or SQLite.")


class Postgres:
    """The site's PostgreSQL database, reached with the settings' credentials."""

    vendor = "postgresql"
    dump_name = "db.dump"

    def __init__(self, config):
        self.name = config["NAME"]
        options = config.get("OPTIONS", {})
        self.params = {key: value for key, value in options.items() if key not in DJANGO_ONLY_OPTIONS}
        for key in ("USER", "PASSWORD", "HOST", "PORT"):
            if config.get(key):
                self.params[key.lower()] = str(config[key])

    def __str__(self):
        where = self.params.get("host", "the local socket")
        if "port" in self.params:
            where += f":{self.params['port']}"
        return f'PostgreSQL database "{self.name}" on {where}'

    def connect(self, dbname=None, autocommit=False):
        import psycopg

        return psycopg.connect(dbname=dbname or self.name, autocommit=autocommit, **self.params)

    def _program(self, name):
        pg_bin = os.environ.get("PG_BIN")
        path = str(Path(pg_bin) / name) if pg_bin else shutil.which(name)
        if not path or not Path(path).exists():
            raise Failure(f"{name} not found: install postgresql-client-15 (or set PG_BIN to its folder).")
        return path

    def _run(self, program, *args):
        """Run a PostgreSQL client program on this database; the password goes in the environment."""
        from psycopg.conninfo import make_conninfo

        conninfo = make_conninfo(dbname=self.name, **{k: v for k, v in self.params.items() if k != "password"})
        environment = dict(os.environ)
        if "password" in self.params:
            environment["PGPASSWORD"] = self.params["password"]
        result = subprocess.run(
            [self._program(program), "--dbname", conninfo, *args],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise Failure(f"{program} failed:\n{result.stderr.strip()}")

    def _maintenance(self):
        """A connection to the server's `postgres` database, for creating and dropping this one."""
        return self.connect("postgres", autocommit=True)

    def exists(self):
        import psycopg

        try:
            self.connect().close()
            return True
        except psycopg.OperationalError:
            pass  # missing, or unreachable: the server's own catalogue tells which
        with self._maintenance() as connection:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            return connection.execute(query, [self.name]).fetchone() is not None

    def is_empty(self):
        with self.connect() as connection:
            return connection.execute(PG_USER_RELATIONS).fetchone()[0] == 0

    def create(self):
        import psycopg
        from psycopg import sql

        try:
            with self._maintenance() as connection:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        except psycopg.Error as error:
            owner = self.params.get("user", "SITE_USER")
            raise Failure(
                f"Could not create {self} ({error}). Create it empty as the PostgreSQL superuser, "
                f"e.g. `sudo -u postgres createdb -O {owner} {self.name}`, and run the restore again."
            ) from error

    def drop(self):
        from psycopg import sql

        with self._maintenance() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def clear(self):
        """Remove every table, sequence and view (schema public), keeping the database and its owner."""
        with self.connect() as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")

    def dump(self, path):
        """pg_dump into `path`; the state (tables, sequences, migrations) of exactly what the dump holds."""
        import psycopg

        with self.connect() as connection:
            # One snapshot for pg_dump and the manifest, so a write during the backup cannot set them apart.
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            # Sequences are outside transactions: read them before pg_dump, which sees them at least this far.
            sequences = self._sequences(connection)
            self._run("pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(path))
            state = self._tables(connection)
            connection.rollback()
        return {**state, "sequences": sequences}

    def restore(self, path):
        # --no-owner/--no-privileges: the restoring user owns everything, whatever roles the old server had.
        self._run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )

    def measure(self):
        import psycopg

        with self.connect() as connection:
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
            state = {**self._tables(connection), "sequences": self._sequences(connection)}
            connection.rollback()
        return state

    def _tables(self, connection):
        """Row count and checksum of every table: sha256 of its rows in COPY text form, in a fixed order."""
        from psycopg import sql

        for statement in PG_SESSION:
            connection.execute(statement)
        names = connection.execute(PG_USER_TABLES).fetchall()
        tables = {}
        with connection.cursor() as cursor:
            for schema, name in names:
                query = sql.SQL('COPY (SELECT * FROM {} AS t ORDER BY ROW(t.*)::text COLLATE "C") TO STDOUT').format(
                    sql.Identifier(schema, name)
                )
                digest, rows = hashlib.sha256(), 0
                with cursor.copy(query) as copy:
                    for data in copy:
                        chunk = bytes(data)
                        digest.update(chunk)
                        rows += chunk.count(b"\n")  # one line per row; newlines inside values are escaped
                label = name if schema == "public" else f"{schema}.{name}"
                tables[label] = {"rows": rows, "sha256": digest.hexdigest()}
        migrations = []
        if "django_migrations" in tables:
            migrations = [
                f"{app}.{name}"
                for app, name in connection.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            ]
        return {"tables": tables, "migrations": migrations}

    def _sequences(self, connection):
        rows = connection.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        return {(name if schema == "public" else f"{schema}.{name}"): value for schema, name, value in rows}


def _quote_sqlite(name):
    return '"' + name.replace('"', '""') + '"'


def _sqlite_state(connection):
    """Row count and checksum (sha256 of each row's repr, in rowid order) of every table."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        digest, rows = hashlib.sha256(), 0
        for row in connection.execute(f"SELECT * FROM {_quote_sqlite(name)} ORDER BY rowid"):  # noqa: S608
            digest.update(repr(row).encode() + b"\n")
            rows += 1
        tables[name] = {"rows": rows, "sha256": digest.hexdigest()}
    has_sequences = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
    sequences = {}
    if has_sequences:
        sequences = dict(connection.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name"))
    migrations = []
    if "django_migrations" in tables:
        query = "SELECT app, name FROM django_migrations ORDER BY app, name"
        migrations = [f"{app}.{name}" for app, name in connection.execute(query)]
    return {"tables": tables, "sequences": sequences, "migrations": migrations}


class SQLite:
    """The site's SQLite file (the development default; supported for small installations)."""

    vendor = "sqlite"
    dump_name = "db.sqlite3"

    def __init__(self, config):
        self.path = Path(config["NAME"]).resolve()
        self.name = str(self.path)

    def __str__(self):
        return f"SQLite database {self.path}"

    def _open_read_only(self):
        return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)

    def _companions(self):
        return [Path(f"{self.path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]

    def exists(self):
        return self.path.exists()

    def is_empty(self):
        connection = self._open_read_only()
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
        finally:
            connection.close()

    def create(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def drop(self):
        for path in [self.path, *self._companions()]:
            path.unlink(missing_ok=True)

    clear = drop

    def dump(self, path):
        """SQLite's online backup into `path` (consistent while the site writes); the state of that copy."""
        source, target = self._open_read_only(), sqlite3.connect(path)
        try:
            source.backup(target)
            return _sqlite_state(target)
        finally:
            source.close()
            target.close()

    def restore(self, path):
        self.create()
        partial = self.path.with_name(self.path.name + ".restoring")
        shutil.copyfile(path, partial)
        # A write-ahead log left by the old file would be replayed into the restored one.
        for companion in self._companions():
            companion.unlink(missing_ok=True)
        os.replace(partial, self.path)

    def measure(self):
        connection = self._open_read_only()
        try:
            return _sqlite_state(connection)
        finally:
            connection.close()


# --- media -------------------------------------------------------------------------------------


class Media:
    """The uploaded files: MEDIA_ROOT on this machine, unless the default storage is elsewhere (S3)."""

    def __init__(self):
        from django.conf import settings
        from django.core.files.storage import FileSystemStorage
        from django.utils.module_loading import import_string

        self.backend = settings.STORAGES["default"]["BACKEND"]
        self.on_filesystem = issubclass(import_string(self.backend), FileSystemStorage)
        self.root = Path(settings.MEDIA_ROOT).resolve()

    def __str__(self):
        return f"media in {self.root}" if self.on_filesystem else f"media in object storage ({self.backend})"

    def paths(self):
        """Every regular file under the root, as sorted POSIX paths relative to it."""
        found = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    found.append(path.relative_to(self.root).as_posix())
        return sorted(found)

    def measure(self):
        return {
            name: {"size": (self.root / name).stat().st_size, "sha256": sha256_file(self.root / name)}
            for name in self.paths()
        }

    def is_empty(self):
        return not self.root.exists() or not any(self.root.iterdir())

    def archive(self, tar_path):
        """Every file into an uncompressed tar (images and PDFs are compressed already); their sizes and hashes."""
        files = {}
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as archive:
            for name in self.paths():
                path = self.root / name
                info = archive.gettarinfo(path, arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                digest = hashlib.sha256()
                with open(path, "rb") as file:
                    archive.addfile(info, _Hashing(file, digest))
                files[name] = {"size": info.size, "sha256": digest.hexdigest()}
        return files

    def extract(self, tar_path):
        self.root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tar_path) as archive:
            members = archive.getmembers()
            for member in members:
                parts = PurePosixPath(member.name).parts
                if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
                    raise Failure(f"{tar_path} holds an unexpected entry {member.name!r}: not restored.")
            if hasattr(tarfile, "data_filter"):
                archive.extractall(self.root, members=members, filter="data")
            else:  # Python before 3.11.4: every member was checked above.
                archive.extractall(self.root, members=members)  # noqa: S202

    def wipe(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def move_aside(self):
        aside = self.root.with_name(f"{self.root.name}.before-restore-{dt.datetime.now(dt.UTC).strftime(STAMP)}")
        self.root.rename(aside)
        return aside


class _Hashing:
    """A file that feeds what is read from it into a digest, so archiving reads each file once."""

    def __init__(self, file, digest):
        self.file, self.digest = file, digest

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


# --- comparing ---------------------------------------------------------------------------------


def compare(expected, actual, *, before, after, sequences_may_grow=False):
    """Every difference between two states (tables, sequences, media files), as sentences."""
    differences = []
    expected_tables, actual_tables = expected["tables"], actual["tables"]
    for name in sorted(expected_tables.keys() | actual_tables.keys()):
        old, new = expected_tables.get(name), actual_tables.get(name)
        if new is None:
            differences.append(f"table {name}: missing {after} ({old['rows']} rows {before})")
        elif old is None:
            differences.append(f"table {name}: not there {before} ({new['rows']} rows {after})")
        elif old["rows"] != new["rows"]:
            differences.append(f"table {name}: {old['rows']} rows {before}, {new['rows']} {after}")
        elif old["sha256"] != new["sha256"]:
            differences.append(f"table {name}: same {old['rows']} rows, different content {after}")
    for name in sorted(expected["sequences"].keys() | actual["sequences"].keys()):
        old, new = expected["sequences"].get(name), actual["sequences"].get(name)
        grew = sequences_may_grow and old is not None and new is not None and new >= old
        if old != new and not grew:
            differences.append(f"sequence {name}: {old} {before}, {new} {after}")
    if expected.get("media") is not None and actual.get("media") is not None:
        old_media, new_media = expected["media"], actual["media"]
        for name in sorted(old_media.keys() | new_media.keys()):
            if name not in new_media:
                differences.append(f"media file {name}: missing {after}")
            elif name not in old_media:
                differences.append(f"media file {name}: not there {before}")
            elif old_media[name]["sha256"] != new_media[name]["sha256"]:
                differences.append(f"media file {name}: different content {after}")
    return differences


def summary(state):
    tables = state["tables"]
    text = f"{len(tables)} tables, {sum(table['rows'] for table in tables.values()):,} rows"
    if state.get("media") is not None:
        size = sum(file["size"] for file in state["media"].values())
        text += f", {len(state['media'])} media files ({megabytes(size)})"
    return text


# --- backup ------------------------------------------------------------------------------------


def default_destination():
    from django.conf import settings

    return Path(os.environ.get("BACKUP_DIR") or settings.VAR_DIR / "backups")


def backup(destination, keep_days, offsite_keep_days=None):
    """Make a backup folder in `destination`, then remove those older than `keep_days`, and copy it
    off-site when RESTIC_REPOSITORY is set; the new folder."""
    database, media = database_from_settings(), Media()
    os.umask(0o077)  # backups hold personal data: readable by this user only
    destination.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC)
    final = destination / created.strftime(STAMP)
    if final.exists():
        raise Failure(f"{final} exists already: wait a second and try again.")
    work = destination / f"{INCOMPLETE}{final.name}"
    work.mkdir()
    try:
        state = database.dump(work / database.dump_name)
        if media.on_filesystem:
            media_entry = {"storage": "filesystem", "root": str(media.root), "archive": MEDIA_ARCHIVE}
            # After the dump: every file a dumped row names was uploaded before the snapshot, so it is here.
            media_entry["files"] = media.archive(work / MEDIA_ARCHIVE)
        else:
            media_entry = {
                "storage": media.backend,
                "files": None,
                "note": "Media are in object storage: not in this backup. Keep the bucket versioned and backed up.",
            }
        manifest = {
            "format": MANIFEST_FORMAT,
            "created": created.isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "code": _git_commit(),
            "database": {"vendor": database.vendor, "name": database.name, "dump": database.dump_name},
            "migrations": state["migrations"],
            "tables": state["tables"],
            "sequences": state["sequences"],
            "media": media_entry,
            "files": {
                path.name: {"size": path.stat().st_size, "sha256": sha256_file(path)} for path in work.iterdir()
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    removed = rotate(destination, keep_days, keep=final)
    files = ", ".join(f"{name} {megabytes(entry['size'])}" for name, entry in sorted(manifest["files"].items()))
    print(f"Backed up {database} and {media} into {final}")
    print(f"  {summary({**state, 'media': media_entry['files']})}; {files}")
    if media_entry["files"] is None:
        print(f"  {media_entry['note']}")
    for path in removed:
        print(f"  removed {path.name} (older than {keep_days} days)")
    if restic_configured():
        try:
            copy_offsite(final, keep_days if offsite_keep_days is None else offsite_keep_days)
        except Failure as failure:
            raise Failure(f"{final} is complete, but its off-site copy failed: {failure}") from failure
    return final


def _git_commit():
    result = subprocess.run(
        ["git", "-C", str(BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


def rotate(destination, keep_days, keep):
    """Remove complete backups older than `keep_days` (never `keep`, the newest) and stale partial ones."""
    if not keep_days:
        return []
    now = dt.datetime.now(dt.UTC)
    removed = []
    for path in sorted(destination.iterdir()):
        name = path.name.removeprefix(INCOMPLETE)
        try:
            made = dt.datetime.strptime(name, STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            continue  # not ours: left alone
        complete = not path.name.startswith(INCOMPLETE)
        too_old = now - made > (dt.timedelta(days=keep_days) if complete else dt.timedelta(days=1))
        if path.is_dir() and path != keep and too_old:
            shutil.rmtree(path)
            removed.append(path)
    return removed


# --- off-site copies (restic) ------------------------------------------------------------------

RESTIC_TAG = "sitebackup"
RESTIC_PASSWORD_VARIABLES = ("RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", "RESTIC_PASSWORD")


def restic_configured():
    return bool(os.environ.get("RESTIC_REPOSITORY"))


def restic_repository():
    """The repository's name as it may be printed: without a password in it (rest:https://user:pw@host/)."""
    repository = os.environ.get("RESTIC_REPOSITORY", "")
    scheme, found, rest = repository.partition("://")
    if found and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return repository


def restic(*args, cwd=None):
    """Run restic with the repository and key of the environment; its output."""
    program = shutil.which("restic")
    if program is None:
        raise Failure("RESTIC_REPOSITORY is set, but restic is not installed: sudo apt-get install restic")
    if not any(os.environ.get(name) for name in RESTIC_PASSWORD_VARIABLES):
        raise Failure(
            "RESTIC_REPOSITORY is set, but RESTIC_PASSWORD_FILE is not (the file with the repository's key)."
        )
    result = subprocess.run(
        [program, *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise Failure(f"restic {args[0]} with the repository {restic_repository()} failed:\n{result.stderr.strip()}")
    return result.stdout


def copy_offsite(folder, keep_days):
    """Hand a complete backup folder to restic; forget snapshots older than `keep_days`. The snapshot's id."""
    # From inside the backups folder: the snapshot holds the folder by its name (20250101T021500Z/...).
    lines = restic("backup", "--json", "--tag", RESTIC_TAG, folder.name, cwd=folder.parent).splitlines()
    summary = next(json.loads(line) for line in reversed(lines) if '"summary"' in line)
    snapshot = summary["snapshot_id"][:8]
    print(
        f"  off-site  snapshot {snapshot} in {restic_repository()} "
        f"({megabytes(summary.get('data_added', 0))} new after deduplication and compression)"
    )
    if keep_days:
        # One group for all of this machine's backups (each folder has its own path): snapshots older
        # than keep_days before the newest are forgotten, and the data only they used is deleted.
        restic("forget", "--tag", RESTIC_TAG, "--group-by", "host,tags", "--keep-within", f"{keep_days}d", "--prune")
        print(f"  off-site  forgot snapshots older than {keep_days} days")
    return snapshot


def fetch_offsite(snapshot, target):
    """Restore restic snapshot `snapshot` ("latest": the newest backup) into `target`; the backup folder."""
    restic("restore", snapshot, "--tag", RESTIC_TAG, "--target", str(target))
    folders = [path for path in target.iterdir() if (path / MANIFEST).exists()]
    if len(folders) != 1:
        raise Failure(f"restic snapshot {snapshot} holds no backup folder of scripts/backup.")
    return folders[0]


# --- restore -----------------------------------------------------------------------------------


def read_manifest(folder):
    path = folder / MANIFEST
    if not path.exists():
        raise Failure(f"{folder} has no {MANIFEST}: not a complete backup.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != MANIFEST_FORMAT:
        raise Failure(f"{path} is format {manifest.get('format')}; this script reads format {MANIFEST_FORMAT}.")
    for name, entry in manifest["files"].items():
        if not (folder / name).exists() or sha256_file(folder / name) != entry["sha256"]:
            raise Failure(f"{folder / name} is missing or damaged (its sha256 differs from the manifest's).")
    return manifest


def restore(folder, *, replace=False, migrate=False):
    """Restore a backup folder into an empty database and media folder; the differences with its manifest."""
    manifest = read_manifest(folder)
    database, media = database_from_settings(), Media()
    if manifest["database"]["vendor"] != database.vendor:
        raise Failure(f"{folder} holds a {manifest['database']['vendor']} database; this site uses {database}.")
    with_media = manifest["media"]["files"] is not None and media.on_filesystem
    # Refuse before touching anything.
    database_in_use = database.exists() and not database.is_empty()
    if database_in_use and not replace:
        raise Failure(
            f"{database} is not empty. Restore into an empty database (do not run migrate first), "
            "or pass --replace to drop everything in it."
        )
    if with_media and not media.is_empty() and not replace:
        raise Failure(f"{media.root} is not empty. Restore into an empty folder, or pass --replace to move it aside.")
    parent = media.root.parent
    if with_media and parent.exists() and parent.stat().st_uid != os.geteuid():
        print(f"Warning: {parent} belongs to another user; run the restore as the site's user, who owns the media.")

    print(f"Restoring {folder} (made {manifest['created']} on {manifest['host']})")
    if database_in_use:
        database.clear()
    if not database.exists():
        database.create()
    database.restore(folder / manifest["database"]["dump"])
    print(f"  database  {database}")
    if with_media:
        if not media.is_empty():
            print(f"  media     moved the old folder aside to {media.move_aside()}")
        media.extract(folder / manifest["media"]["archive"])
        print(f"  media     {len(manifest['media']['files'])} files into {media.root}")
    else:
        print(f"  media     not in the backup: {manifest['media'].get('note') or media}")

    restored = {**database.measure(), "media": media.measure() if with_media else None}
    expected = {**manifest, "media": manifest["media"]["files"] if with_media else None}
    differences = compare(
        expected, restored, before="in the manifest", after="restored", sequences_may_grow=database.vendor != "sqlite"
    )
    if differences:
        print(f"  check     {len(differences)} differences with the manifest:")
        for difference in differences:
            print(f"              - {difference}")
    else:
        print(f"  check     identical to the manifest: {summary(restored)}")
    _check_migrations(migrate)
    _expire_page_cache()
    return differences


def restore_offsite(snapshot, **options):
    """Fetch a restic snapshot into a scratch folder, restore it (see restore()), delete the folder."""
    scratch = Path(tempfile.mkdtemp(prefix="restore-offsite-"))
    try:
        folder = fetch_offsite(snapshot, scratch)
        print(f"Fetched restic snapshot {snapshot} of {restic_repository()}: {folder.name}")
        return restore(folder, **options)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _check_migrations(migrate):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    connection.close()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = sorted(set(executor.loader.applied_migrations) - set(executor.loader.disk_migrations))
    if unknown:
        names = ", ".join(".".join(key) for key in unknown[:5])
        print(f"  migrate   the backup has {len(unknown)} migrations this code lacks ({names}): deploy its version.")
    if pending and migrate:
        call_command("migrate", interactive=False, verbosity=0)
        print(f"  migrate   applied {len(pending)} migrations of this code")
    elif pending:
        print(f"  migrate   {len(pending)} of this code not applied yet: run `manage.py migrate` (or --migrate)")
    elif not unknown:
        print("  migrate   nothing to do: the database matches this code's migrations")


def _expire_page_cache():
    """Pages cached from the old database would be served until they expire: mark them all stale."""
    try:
        from core import pagecache

        pagecache.everything_changed()
    except Exception as error:  # the restore is done; a stale page cache is only worth a warning
        print(f"  warning   could not expire the page cache ({error}): restart the site or flush the cache.")


# --- drill -------------------------------------------------------------------------------------


def measure(database, media):
    return {**database.measure(), "media": media.measure() if media.on_filesystem else None}


def drill(confirm, *, simulate_loss=False, destination=None):
    """Back up, wipe, restore and compare; the differences found."""
    database, media = database_from_settings(), Media()
    if confirm != database.name:
        raise Failure(
            f"The drill drops {database} and deletes {media.root}: run it on a copy or a test server only, "
            f"and confirm with --confirm {database.name}"
        )
    started = time.monotonic()
    print(f"Restore drill of {database} and {media}")

    def step(name, text, since):
        print(f"  {name:<9} {text} ({time.monotonic() - since:.1f} s)", flush=True)
        return time.monotonic()

    mark = time.monotonic()
    before = measure(database, media)
    mark = step("measure", summary(before), mark)
    target = destination or Path(tempfile.mkdtemp(prefix="restore-drill-"))
    snapshot = None
    try:
        output = _run_script("backup", "--dest", str(target), "--keep-days", "0")
        folder = max(path for path in target.iterdir() if (path / MANIFEST).exists())
        files = json.loads((folder / MANIFEST).read_text())["files"]
        sizes = ", ".join(f"{name} {megabytes(entry['size'])}" for name, entry in sorted(files.items()))
        mark = step("backup", f"{folder} ({sizes})", mark)
        if restic_configured():
            snapshot = next(line.split()[2] for line in output.splitlines() if line.startswith("  off-site  snapshot"))
            mark = step("off-site", f"restic snapshot {snapshot} in {restic_repository()}", mark)

        database.drop()
        if media.on_filesystem:
            media.wipe()
        if database.exists() or (media.on_filesystem and media.root.exists()):
            raise Failure("The wipe left the database or the media folder in place.")
        wiped = "database dropped" + (", media folder deleted" if media.on_filesystem else "")
        if snapshot:
            # Only the off-site copy is left to restore from.
            shutil.rmtree(folder)
            wiped += ", local backup deleted"
        mark = step("wipe", wiped, mark)

        if snapshot:
            output = _run_script("restore", "--from-restic", snapshot, allowed=(0, 1))
            mark = step("restore", f"from restic snapshot {snapshot}, checked against its manifest", mark)
        else:
            output = _run_script("restore", str(folder), allowed=(0, 1))
            mark = step("restore", "from the backup, checked against its manifest", mark)
        if "differences with the manifest" in output:
            print("\n".join(f"            {line}" for line in output.splitlines()))
    except BaseException:
        where = f"restic snapshot {snapshot}: scripts/restore --from-restic {snapshot}" if snapshot else target
        print(f"The drill's backup stays in {where}: restore it with scripts/restore.", file=sys.stderr)
        raise

    if simulate_loss:
        mark = step("damage", "; ".join(_simulate_loss(database, media, before)), mark)
    after = measure(database, media)
    differences = compare(before, after, before="before the backup", after="after the restore")
    step("compare", summary(after), mark)
    total = time.monotonic() - started
    if differences:
        print(f"LOSS: {len(differences)} differences between the site before the backup and after the restore:")
        for difference in differences:
            print(f"  - {difference}")
        print(f"Restore drill failed ({total:.1f} s).")
    else:
        print(f"No loss: every table has the same rows and content, every media file the same bytes ({total:.1f} s).")
    if destination is None and (simulate_loss or not differences):
        shutil.rmtree(target)
        if snapshot:
            restic("forget", snapshot)
    else:
        print(f"The drill's backup stays in {f'restic snapshot {snapshot}' if snapshot else target}.")
    return differences


def _run_script(name, *args, allowed=(0,)):
    result = subprocess.run(
        [str(BASE_DIR / "scripts" / name), *args],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in allowed:
        raise Failure(f"scripts/{name} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}".strip())
    return result.stdout


def _simulate_loss(database, media, before):
    """Delete a row, change another, delete a media file and change another: the drill must see each."""
    from django.db import connection

    connection.close()
    notes = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        referenced = {
            target for table in tables for _, target in connection.introspection.get_relations(cursor, table).values()
        }
        leaf = next(
            name
            for name, table in sorted(before["tables"].items())
            if table["rows"] and name not in referenced and name != "django_migrations"
        )
        row = "ctid" if connection.vendor == "postgresql" else "rowid"
        quoted = connection.ops.quote_name(leaf)
        cursor.execute(f"DELETE FROM {quoted} WHERE {row} = (SELECT {row} FROM {quoted} LIMIT 1)")  # noqa: S608
        notes.append(f"deleted a row of {leaf}")
        cursor.execute(
            "UPDATE django_content_type SET model = model || '~' WHERE id = (SELECT min(id) FROM django_content_type)"
        )
        notes.append("changed a row of django_content_type")
    connection.close()
    if media.on_filesystem:
        names = media.paths()
        (media.root / names[0]).unlink()
        with open(media.root / names[1], "ab") as file:
            file.write(b"\0")
        notes += [f"deleted media file {names[0]}", f"changed media file {names[1]}"]
    return notes


# --- command line ------------------------------------------------------------------------------


def main(argv):
    command, arguments = argv[0], argv[1:]
    parsers = {
        "backup": argparse.ArgumentParser(
            prog="scripts/backup",
            description="Back up the database (DATABASE_URL) and the media (DJANGO_MEDIA_ROOT) into a dated folder "
            "with a manifest, then remove backups older than --keep-days. With RESTIC_REPOSITORY and "
            "RESTIC_PASSWORD_FILE set, also copy the folder into that restic repository (encrypted, off-site).",
        ),
        "restore": argparse.ArgumentParser(
            prog="scripts/restore",
            description="Restore a backup folder (or a restic snapshot of one) into an empty database and media "
            "folder, check the result against its manifest, and tell whether migrations are due.",
        ),
        "drill": argparse.ArgumentParser(
            prog="scripts/restore-drill",
            description="Back up, wipe (drop the database, delete the media), restore and compare every table's "
            "rows and content and every media file. Exit 1 on any difference. Destroys the data if the restore "
            "fails: use a copy or a test server.",
        ),
    }
    parsers["backup"].add_argument(
        "--dest", type=Path, help="folder of the backups (default: $BACKUP_DIR, else DJANGO_VAR_DIR/backups)"
    )
    parsers["backup"].add_argument(
        "--keep-days", type=int, default=14, help="remove backups older than this; the newest stays (0: keep all)"
    )
    parsers["backup"].add_argument(
        "--offsite-keep-days",
        type=int,
        help="forget off-site snapshots older than this (default: --keep-days; 0: forget none, for an "
        "append-only repository)",
    )
    parsers["restore"].add_argument("folder", type=Path, nargs="?", help="a backup folder (with manifest.json)")
    parsers["restore"].add_argument(
        "--from-restic",
        metavar="SNAPSHOT",
        help="restore this snapshot of $RESTIC_REPOSITORY instead of a folder (latest: the newest)",
    )
    parsers["restore"].add_argument(
        "--replace", action="store_true", help="empty a database that has tables, move a media folder aside"
    )
    parsers["restore"].add_argument("--migrate", action="store_true", help="apply migrations the backup lacks")
    parsers["drill"].add_argument("--confirm", required=True, metavar="DATABASE", help="the database's name")
    parsers["drill"].add_argument("--dest", type=Path, help="keep the drill's backup in this folder")
    parsers["drill"].add_argument(
        "--simulate-loss", action="store_true", help="damage the restored data on purpose: the drill must fail"
    )
    options = parsers[command].parse_args(arguments)
    if command == "restore" and (options.folder is None) == (options.from_restic is None):
        parsers[command].error("give a backup folder or --from-restic SNAPSHOT (one of them)")
    if command == "restore" and options.from_restic and not restic_configured():
        parsers[command].error("--from-restic needs RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE")
    try:
        setup_django()
        if command == "backup":
            backup(options.dest or default_destination(), options.keep_days, options.offsite_keep_days)
            return 0
        if command == "restore":
            restore_options = {"replace": options.replace, "migrate": options.migrate}
            if options.from_restic:
                return 1 if restore_offsite(options.from_restic, **restore_options) else 0
            return 1 if restore(options.folder, **restore_options) else 0
        return 1 if drill(options.confirm, simulate_loss=options.simulate_loss, destination=options.dest) else 0
    except Failure as failure:
        print(f"{parsers[command].prog}: {failure}", file=sys.stderr)
        return 2
    except Exception as error:  # exit 2, not Python's 1, which means "a difference was found"
        if type(error).__module__.split(".")[0] in ("psycopg", "sqlite3"):
            print(f"{parsers[command].prog}: database error: {error}", file=sys.stderr)
        else:
            traceback.print_exc()
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
