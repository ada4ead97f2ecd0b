"""The Makefile as make hands it to the shell: `make lint` checks every recipe's syntax (scripts/check-recipes)."""

import subprocess
import textwrap

from tests.helpers import PROJECT_DIR
from tests.makefile import make_env, makefile_targets, recipe_commands

CHECK_RECIPES = PROJECT_DIR / "scripts" / "check-recipes"

# The recipe `make run` had from the staff-accounts commit on: the second `@#` line sits inside
# the backslash-continued command, so the shell received it and stopped with a syntax error.
BROKEN_RUN_RECIPE = """\
run:
\tDJANGO_DEBUG=1 .venv/bin/python manage.py ensure_staff_login
\t@# The background worker (newsletter sending) runs beside the server and stops with it.
\tDJANGO_DEBUG=1 .venv/bin/python manage.py newsletter_worker --no-reload & worker=$$!; \\
\ttrap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \\
\t@# Local demo only: the admin opens without a second factor (`check --deploy` warns about it).
\tDJANGO_DEBUG=1 DJANGO_STAFF_MFA_WAIVED=1 .venv/bin/python manage.py runserver 127.0.0.1:$(PORT)
"""


def check_recipes(makefile, **kwargs):
    return subprocess.run(
        [str(CHECK_RECIPES), str(makefile)], cwd=PROJECT_DIR, env=make_env(), capture_output=True, text=True, **kwargs
    )


def test_every_recipe_of_the_makefile_is_valid_shell():
    result = check_recipes(PROJECT_DIR / "Makefile")
    assert result.returncode == 0, result.stderr
    targets = len(makefile_targets())
    makefile = PROJECT_DIR / "Makefile"
    assert result.stdout == f"check-recipes: every command of {targets} targets in {makefile} is valid shell\n"
    assert {"run", "serve", "test", "lint", ".venv/.runtime"} <= set(makefile_targets())


def test_check_recipes_catches_a_comment_inside_a_continued_command(tmp_path):
    """The bug `make run` had: the checker fails with the shell's own message and the command make built."""
    makefile = tmp_path / "Makefile"
    makefile.write_text(BROKEN_RUN_RECIPE)
    result = check_recipes(makefile)
    assert result.returncode == 1
    assert result.stderr == textwrap.dedent("""\
        Syntax error in a recipe command:
        DJANGO_DEBUG=1 .venv/bin/python manage.py newsletter_worker --no-reload & worker=$!; \\
        trap 'kill $worker 2>/dev/null; wait $worker' EXIT; \\
        @# Local demo only: the admin opens without a second factor (`check --deploy` warns about it).
          -> /bin/sh: 3: Syntax error: "(" unexpected

        """)


def test_check_recipes_runs_nothing_and_checks_targets_after_a_broken_prerequisite(tmp_path):
    marker = tmp_path / "ran"
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"first:\n\ttouch {marker}\nsecond: first\n\techo 'an unclosed quote\nthird: second\n\techo ) && touch $@\n"
    )
    result = check_recipes(makefile)
    assert result.returncode == 1
    assert not marker.exists(), "a recipe ran"
    assert not (PROJECT_DIR / "third").exists()
    errors = result.stderr.split("Syntax error in a recipe command:\n")[1:]
    assert [error.split("\n")[0] for error in errors] == ["echo 'an unclosed quote", "echo ) && touch third"]


def test_check_recipes_fails_when_make_cannot_read_the_makefile(tmp_path):
    makefile = tmp_path / "Makefile"
    makefile.write_text("target:\n    spaces instead of a tab\n")
    result = check_recipes(makefile)
    assert result.returncode == 1
    assert "missing separator" in result.stderr


def test_make_lint_checks_the_recipes(tmp_path):
    assert recipe_commands("lint", tmp_path=tmp_path)[-3:] == [
        "scripts/check-recipes",
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
    ]


def test_make_run_starts_the_worker_beside_the_server_and_stops_it_on_exit_and_signals(tmp_path):
    """One shell runs both, so its traps can stop the worker whichever way the server ends."""
    command = recipe_commands("run", tmp_path=tmp_path)[-1]
    lines = command.splitlines()
    assert "manage.py newsletter_worker --no-reload & worker=$!;" in lines[0]
    assert "trap 'kill $worker 2>/dev/null; wait $worker' EXIT;" in lines[1]
    assert "trap 'trap - EXIT; wait $worker; exit 130' INT;" in lines[2]
    assert "trap 'trap - EXIT; wait $worker; exit 143' TERM;" in lines[2]
    assert lines[3].endswith("manage.py runserver 127.0.0.1:8000")


def test_make_serve_gives_gunicorn_a_control_socket_of_its_own(tmp_path):
    """gunicorn 25.1+ opens a control socket, by default ~/.gunicorn/gunicorn.ctl for every server."""
    command = recipe_commands("serve", "PORT=8123", tmp_path=tmp_path)[-1]
    assert "gunicorn -c config/gunicorn.conf.py --control-socket var/gunicorn-8123.ctl config.wsgi" in command


def test_recipe_commands_sees_what_the_shell_gets(tmp_path):
    makefile = tmp_path / "Makefile"
    makefile.write_text("t:\n\t@# a comment\n\t@echo one \\\n\t  two\n\tPORT=$(PORT) x $$HOME\n")
    assert recipe_commands("t", "PORT=9", makefile=makefile, tmp_path=tmp_path) == [
        "# a comment",
        "echo one \\\n  two",
        "PORT=9 x $HOME",
    ]
