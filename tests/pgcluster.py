"""A throwaway PostgreSQL 15 cluster in a temporary directory.

Used by `make test` to run the suite on a real PostgreSQL
(`python -m tests.pgcluster run -- COMMAND...`) and by tests that stop and start a
database on purpose. PostgreSQL refuses to run as root, so as root the server runs
as the `postgres` user; everything else stays with the caller.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """initdb, start, stop and remove a private PostgreSQL server on a loopback port."""

    def __init__(self, database="app"):
        self.database = database
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self._as_root = os.geteuid() == 0

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args):
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self):
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL 15 binaries not found in {PG_BIN}; install postgresql-15 or set PG_BIN.")
        if self._as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        return self

    def start(self):
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} "
            # Durability is not needed for throwaway test data; speed is.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")
        return self

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        return self

    def remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.init().start().create_database()

    def __exit__(self, *exc_info):
        try:
            self.stop()
        finally:
            self.remove()


def main(argv):
    """`python -m tests.pgcluster run -- COMMAND...`: COMMAND runs with DATABASE_URL set."""
    if len(argv) < 3 or argv[:2] != ["run", "--"]:
        print(main.__doc__, file=sys.stderr)
        return 2
    with PostgresCluster() as cluster:
        environment = {**os.environ, "DATABASE_URL": cluster.url}
        return subprocess.run(argv[2:], env=environment).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
