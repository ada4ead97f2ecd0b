"""System checks for settings that must never reach production, and for a missing or stale Dutch catalogue."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_mfa_required(app_configs, **kwargs):
    if settings.STAFF_MFA_WAIVED:
        return [
            Warning(
                "DJANGO_STAFF_MFA_WAIVED is on: staff reach the admin without a second factor.",
                hint="Only `make run` (a local demo) may set it. Remove it from this environment.",
                id="config.W001",
            )
        ]
    return []


def _catalogue_problems():
    """(po, mo, problem) for every .po in LOCALE_PATHS whose compiled .mo is missing or says something else.

    Contents are compared, not modification times: a fresh clone gives every file the time of the
    checkout, so a .mo compiled from an older .po can look newer than it. The .po's translated
    entries (msgfmt leaves out fuzzy and empty ones) must be exactly the .mo's messages.
    """
    import gettext

    import polib

    problems = []
    for folder in settings.LOCALE_PATHS:
        for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists():
                problems.append((po_path, mo_path, "missing"))
                continue
            expected = {}
            for entry in polib.pofile(str(po_path)).translated_entries():
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                if entry.msgid_plural:
                    expected.update({(key, int(n)): text for n, text in entry.msgstr_plural.items()})
                else:
                    expected[key] = entry.msgstr
            # A file that is no catalogue at all is not silent: Django's own translations fail loudly.
            with mo_path.open("rb") as mo_file:
                compiled = gettext.GNUTranslations(mo_file)._catalog
            compiled = {key: text for key, text in compiled.items() if key != ""}  # "": the header
            if compiled != expected:
                problems.append((po_path, mo_path, "stale"))
    return problems


def _catalogue_messages(level, check_id):
    messages = []
    for po_path, mo_path, problem in _catalogue_problems():
        if problem == "missing":
            text = f"{mo_path} is missing: the site shows English instead of {po_path.parent.parent.name}."
        else:
            text = f"{mo_path} was compiled from another {po_path.name}: translations on the site are missing or old."
        messages.append(
            level(
                text,
                hint="Compile them: `manage.py compilemessages` (needs gettext's msgfmt) or `make messages`.",
                id=check_id,
            )
        )
    return messages


@register(Tags.translation)
def compiled_catalogues(app_configs, **kwargs):
    """At every start (runserver, migrate, check): a warning, the site still works in English."""
    return _catalogue_messages(Warning, "config.W002")


@register(Tags.translation, deploy=True)
def compiled_catalogues_deploy(app_configs, **kwargs):
    """`check --deploy`: an error, production must never show English by accident."""
    return _catalogue_messages(Error, "config.E002")
