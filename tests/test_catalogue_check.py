"""A missing or stale compiled catalogue: a warning at every start, an error under `check --deploy`."""

import os
import shutil
import subprocess

import pytest
from django.core.checks import Error, Warning, run_checks

from tests.helpers import PROJECT_DIR

REAL_PO = PROJECT_DIR / "locale/nl/LC_MESSAGES/django.po"

SMALL_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Skip to content"
msgstr "Naar de inhoud"

msgctxt "month"
msgid "May"
msgstr "mei"

msgid "%(count)d event"
msgid_plural "%(count)d events"
msgstr[0] "%(count)d activiteit"
msgstr[1] "%(count)d activiteiten"

#, fuzzy
msgid "Newsletter"
msgstr "Nieuwsbrief"

msgid "Not translated yet"
msgstr ""
"""


def compile_messages(po):
    """What `manage.py compilemessages` does: msgfmt next to the .po."""
    subprocess.run(["msgfmt", "--check-format", "-o", po.with_suffix(".mo"), po], check=True)


@pytest.fixture
def locale(settings, tmp_path):
    folder = tmp_path / "locale"
    (folder / "nl/LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [folder]
    po = folder / "nl/LC_MESSAGES/django.po"
    po.write_text(SMALL_PO)
    return po


def catalogue_messages(deploy):
    found = run_checks(include_deployment_checks=deploy)
    return [
        (type(message), message.id, message.msg) for message in found if message.id in ("config.W002", "config.E002")
    ]


def test_a_fresh_catalogue_is_fine(locale):
    compile_messages(locale)
    assert catalogue_messages(deploy=False) == []
    assert catalogue_messages(deploy=True) == []


def test_a_missing_catalogue_warns_at_start_and_fails_check_deploy(locale):
    mo = locale.with_suffix(".mo")
    text = f"{mo} is missing: the site shows English instead of nl."
    assert catalogue_messages(deploy=False) == [(Warning, "config.W002", text)]
    assert catalogue_messages(deploy=True) == [(Warning, "config.W002", text), (Error, "config.E002", text)]


def test_a_stale_catalogue_warns_at_start_and_fails_check_deploy(locale):
    compile_messages(locale)
    locale.write_text(SMALL_PO.replace('msgstr "mei"', 'msgstr "Mei"'))
    mo = locale.with_suffix(".mo")
    text = f"{mo} was compiled from another django.po: translations on the site are missing or old."
    assert catalogue_messages(deploy=False) == [(Warning, "config.W002", text)]
    assert catalogue_messages(deploy=True) == [(Warning, "config.W002", text), (Error, "config.E002", text)]


@pytest.mark.parametrize(
    "change",
    [
        ('msgstr "Nieuwsbrief"', 'msgstr "Nieuwsbrief"\n\nmsgid "Donate"\nmsgstr "Steun ons"'),  # a new entry
        ('msgstr[1] "%(count)d activiteiten"', 'msgstr[1] "%(count)d evenementen"'),  # a plural form
        ('#, fuzzy\nmsgid "Newsletter"', 'msgid "Newsletter"'),  # a fuzzy entry reviewed
        ('msgid "Not translated yet"\nmsgstr ""', 'msgid "Not translated yet"\nmsgstr "Nu vertaald"'),
    ],
)
def test_every_kind_of_change_to_the_po_makes_the_catalogue_stale(locale, change):
    compile_messages(locale)
    locale.write_text(SMALL_PO.replace(*change))
    assert [message_id for _, message_id, _ in catalogue_messages(deploy=True)] == ["config.W002", "config.E002"]


def test_times_do_not_matter_only_contents(locale):
    """A fresh clone gives files the time of the checkout: a .mo may look older than its .po."""
    compile_messages(locale)
    os.utime(locale.with_suffix(".mo"), (1_000_000_000, 1_000_000_000))
    assert catalogue_messages(deploy=True) == []


def test_the_real_catalogue_compiled_by_msgfmt_is_fresh(settings, tmp_path):
    """The comparison agrees with msgfmt on every entry of the site's catalogue (contexts, plurals, fuzzy)."""
    po = tmp_path / "locale/nl/LC_MESSAGES/django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(REAL_PO, po)
    compile_messages(po)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    assert catalogue_messages(deploy=True) == []
