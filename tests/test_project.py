"""Project-wide promises: migrations in step, a complete Dutch catalog, demo loading idempotent."""

import shutil
import subprocess
import sys
from io import StringIO

import polib
import pytest
from django.core.management import call_command

from tests.helpers import PROJECT_DIR, production_env

CATALOG = PROJECT_DIR / "locale/nl/LC_MESSAGES/django.po"


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_every_ui_string_has_a_dutch_translation(tmp_path):
    """makemessages over a copy of the code finds no string the Dutch catalog lacks."""
    copy = tmp_path / "site"
    ignore = shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "__pycache__", "*.mo", "tests")
    shutil.copytree(PROJECT_DIR, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        env=production_env(DJANGO_VAR_DIR=str(tmp_path / "var")),
        check=True,
        capture_output=True,
    )
    catalog = polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries() + catalog.fuzzy_entries()]
    assert untranslated == [], f"Translate these in {CATALOG.relative_to(PROJECT_DIR)}: {untranslated}"


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing_the_second_time():
    call_command("load_demo", stdout=StringIO())
    second = StringIO()
    call_command("load_demo", stdout=second)
    assert all(line.endswith(": 0 new demo objects") for line in second.getvalue().splitlines())


@pytest.mark.django_db
def test_staff_login_password_is_printed_once():
    first, second = StringIO(), StringIO()
    call_command("ensure_staff_login", stdout=first)
    call_command("ensure_staff_login", stdout=second)
    assert "password:" in first.getvalue()
    assert "password:" not in second.getvalue()
