"""A newcomer's first hour: the README's `make run` and `make serve`, run for real in a fresh copy.

The copy holds the repository's tracked files as they are on disk (`git ls-files`), nothing else: no
.venv, no node_modules, no var/, no compiled catalogue. On CI's clean checkout that is exactly a
fresh clone of the commit; on a developer's machine it also carries their uncommitted changes to
tracked files (a new file must be `git add`-ed first, as it must be to reach anyone else). `make run`
creates its own .venv there and installs requirements.txt, as a newcomer's would (about 15 s with
pip's local wheels, a minute or two from PyPI). Each server gets its own free port; the copy has its
own var/ (database, secret keys, static files, gunicorn's control socket).

Marked `once`: it does not use the database under test, so it runs in the SQLite pass only.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import PROJECT_DIR
from tests.pgcluster import free_port

pytestmark = pytest.mark.once

# What a newcomer's shell does not have: the test run's own settings, database and make's flags.
NOT_A_NEWCOMERS = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "AWS_", "MAKE", "MFLAGS", "VIRTUAL_ENV")
NOT_A_NEWCOMERS_EXACTLY = {"PORT", "HOST", "PYTHON", "PY", "VENV", "SITE_URL", "WEB_CONCURRENCY", "PYTHONPATH"}
FIRST_START_SECONDS = 600  # creating the .venv from PyPI on a slow line
STOP_SECONDS = 40  # gunicorn's graceful_timeout is 20 s


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    folder = tmp_path_factory.mktemp("newcomer") / "armoede-netwerken"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True
    ).stdout.decode()
    for name in tracked.split("\0"):
        source = PROJECT_DIR / name
        if not name or not os.path.lexists(source):  # deleted on disk, not yet in a commit
            continue
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, folder / name, follow_symlinks=False)
    assert not (folder / ".venv").exists() and not (folder / "var").exists()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def newcomer_env(**variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(NOT_A_NEWCOMERS) and key not in NOT_A_NEWCOMERS_EXACTLY
    }
    return {**environment, **variables}


def start(target, folder, log, **variables):
    """`VARIABLE=… make TARGET` in the folder, in a process group of its own, like a terminal's job.

    SIGINT gets its default action back: a pytest started as a background job (the SQLite pass of
    scripts/test-both-databases) ignores it, and its children would inherit that.
    """

    def as_a_terminal_job():
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        ["make", target],
        cwd=folder,
        env=newcomer_env(**variables),
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=as_a_terminal_job,
    )


def tail(log, lines=40):
    return "\n".join(log.read_text().splitlines()[-lines:])


def wait_for_page(process, url, log, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make stopped (exit {process.returncode}):\n{tail(log)}"
        try:
            return requests.get(url, timeout=10)
        except requests.ConnectionError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s:\n{tail(log)}")


def processes(group, folder):
    """Live processes (pid, command line) of the process group or working in the folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, _, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
            cwd = os.readlink(entry / "cwd")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError):  # gone meanwhile
            continue
        if state != "Z" and (int(pgrp) == group or cwd == str(folder) or cwd.startswith(f"{folder}/")):
            found.append((int(entry.name), command))
    return found


def stop(process, folder, sig):
    """Send `sig` to make's process group, as Ctrl-C (SIGINT) or a service manager (SIGTERM) does.

    Returns whatever still runs STOP_SECONDS later (a leftover is killed). make's own exit status is
    not a promise: GNU make 4.3 sometimes reports its signalled child as "wait: No child processes".
    """
    with contextlib.suppress(ProcessLookupError):  # make stopped by itself (a failed start)
        os.killpg(process.pid, sig)
    process.wait(timeout=STOP_SECONDS)
    deadline = time.monotonic() + STOP_SECONDS
    while processes(process.pid, folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    leftovers = processes(process.pid, folder)
    for pid, _ in leftovers:
        os.kill(pid, signal.SIGKILL)
    return leftovers


def assert_dutch(page):
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    # A string through gettext: without a compiled catalogue the site shows "Skip to content".
    assert '<a class="skip-link" href="#main-content">Naar de inhoud</a>' in page.text


def test_make_run_serves_the_dutch_demo_and_its_printed_login_opens_the_admin(clone):
    port, log = free_port(), clone.parent / "make-run.log"
    process = start("run", clone, log, PORT=str(port))
    try:
        site = f"http://127.0.0.1:{port}"
        home = wait_for_page(process, site + "/", log, FIRST_START_SECONDS)
        assert_dutch(home)
        assert "De Schakel" in requests.get(site + "/verenigingen/", timeout=10).text, "the demo is loaded"

        email, password = re.search(r"^Staff login: (\S+)  password: (\S+)  ", log.read_text(), re.M).groups()
        browser = requests.Session()
        login = browser.get(f"{site}/beheer/", timeout=10)
        assert login.url == f"{site}/accounts/login/?next=%2Fbeheer%2F"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
        admin = browser.post(
            login.url,
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
            headers={"Referer": login.url},
            timeout=10,
        )
        assert admin.url == f"{site}/beheer/", "the demo waives the second factor"
        assert admin.status_code == 200
        assert "<title>Wat op je wacht | Beheer van de site</title>" in admin.text

        running = [command for _, command in processes(process.pid, clone)]
        assert any("manage.py newsletter_worker" in command for command in running), running
        assert any("manage.py runserver" in command for command in running), running
    finally:
        leftovers = stop(process, clone, signal.SIGINT)
    assert leftovers == [], "Ctrl-C left these running"
    assert "Received Interrupt - shutting down gracefully" in log.read_text(), "the worker finished its task"


def test_make_serve_in_the_same_clone(clone):
    port, log = free_port(), clone.parent / "make-serve.log"
    socket = clone / f"var/gunicorn-{port}.ctl"
    process = start("serve", clone, log, PORT=str(port), WEB_CONCURRENCY="2")
    try:
        site = f"http://127.0.0.1:{port}"
        home = wait_for_page(process, site + "/", log, FIRST_START_SECONDS)
        assert_dutch(home)
        stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', home.text)
        css = requests.get(site + stylesheet[1], headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert css.status_code == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert css.headers["Content-Encoding"] == "gzip", "WhiteNoise serves the compressed copy"
        assert css.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert socket.is_socket(), "gunicorn's control socket is the clone's own"
    finally:
        leftovers = stop(process, clone, signal.SIGTERM)
    assert leftovers == [], "SIGTERM left these running"
    assert not socket.exists()
    assert "Shutting down: Master" in log.read_text()
