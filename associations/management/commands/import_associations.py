import sys
from pathlib import Path

import tablib
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from associations.resources import error_lines, import_associations, summary_line


def read_dataset(path):
    """The rows of a .csv (UTF-8, "," or ";") or .xlsx file as a Dataset; CommandError for anything else."""
    extension = path.suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise CommandError(_("Give a .csv or .xlsx file, not “%(name)s”.") % {"name": path.name})
    try:
        content = path.read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}) from error
    if not content.strip():
        raise CommandError(_("%(file)s is empty.") % {"file": path})
    try:
        if extension == ".csv":
            # utf-8-sig drops the byte order mark Excel writes in front of "CSV UTF-8".
            text = content.decode("utf-8-sig")
            header = text.splitlines()[0] if text.strip() else ""
            # Belgian Excel separates with ";" because "," is its decimal sign.
            delimiter = ";" if header.count(";") > header.count(",") else ","
            dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        else:
            dataset = tablib.Dataset().load(content, format="xlsx")
    except UnicodeDecodeError as error:
        raise CommandError(_("%(file)s is not UTF-8 text; save it as “CSV UTF-8”.") % {"file": path}) from error
    except tablib.InvalidDimensions as error:
        raise CommandError(_("%(file)s has a row with more cells than its header row.") % {"file": path}) from error
    except Exception as error:
        # A damaged spreadsheet raises whatever its parser runs into (zip, XML, row lengths).
        raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}) from error
    if not dataset.headers or not any(any(str(value or "").strip() for value in row) for row in dataset):
        raise CommandError(_("%(file)s has no rows to import.") % {"file": path})
    return dataset


def find_user(identifier):
    """The one user with this username or email address."""
    users = list(get_user_model().objects.filter(Q(username=identifier) | Q(email__iexact=identifier))[:2])
    if len(users) != 1:
        raise CommandError(_("No single user has the email address or username “%(user)s”.") % {"user": identifier})
    return users[0]


class Command(BaseCommand):
    # Help texts stay English like Django's own (argparse cannot format lazy translations); output is translated.
    help = (
        "Import associations from a .csv or .xlsx file. All or nothing: "
        "if any row has an error, nothing is saved and every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8, “,” or “;”) or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, without saving.")
        parser.add_argument(
            "--user",
            help="Import as this user (email or username): only their networks' associations.",
        )

    def handle(self, *args, file, dry_run, user, **options):
        importer = find_user(user) if user else None
        dataset = read_dataset(Path(file))
        # tqdm writes to the real stream (carriage returns, no added newlines); off when it is no terminal.
        # The audit trail names the importing user as the actor of every association it saves.
        with (
            tqdm(
                total=len(dataset),
                desc=_("Checking rows"),
                unit=_("row"),
                file=options.get("stderr") or sys.stderr,
                disable=True if options["verbosity"] == 0 else None,
            ) as bar,
            set_actor(importer),
        ):
            result = import_associations(dataset, user=importer, dry_run=dry_run, progress=bar.update)
        lines = error_lines(result)
        if lines:
            for line in lines:
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "Nothing was saved: %(count)d error (row 1 is the header).",
                    "Nothing was saved: %(count)d errors (row 1 is the header).",
                    len(lines),
                )
                % {"count": len(lines)}
            )
        if dry_run:
            self.stdout.write(_("Checked, nothing saved (dry run): %(summary)s.") % {"summary": summary_line(result)})
        else:
            self.stdout.write(self.style.SUCCESS(summary_line(result)))
