import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from privacy import registry


class Command(BaseCommand):
    help = (
        "Export (JSON) or erase everything the site stores about an email address, in every app. "
        "See docs/operations.md, 'Personal data: export and erasure'."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write everything about the address as JSON.")
        export.add_argument("email")
        export.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        erase = actions.add_parser("erase", help="Erase everything about the address.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, action, email, **options):
        try:
            email = registry.normalise_email(email)
        except ValidationError as error:
            raise CommandError(_("Not a valid email address: %(value)s") % {"value": email}) from error
        if action == "export":
            self.export(email, options.get("output"))
        else:
            self.erase(email, options.get("yes"))

    def export(self, email, output):
        document = registry.export_json(email)
        if output:
            Path(output).write_text(document, encoding="utf-8")
            self.stderr.write(_("Written to %(file)s.") % {"file": output})
        else:
            self.stdout.write(document, ending="")

    def erase(self, email, confirmed):
        _subject, findings = registry.find(email)
        for finding in findings:
            if finding.records:
                self.stdout.write(f"{finding.kind.label}: {finding.count} ({finding.outcome_label})")
        if not any(finding.records for finding in findings):
            self.stdout.write(_("Nothing is stored about this address."))
            return
        if not confirmed:
            if not sys.stdin.isatty():
                raise CommandError(_("Erasing cannot be undone: confirm with --yes."))
            if input(_("Erase all of this? Type 'yes' to go on: ")).strip().lower() not in {"yes", _("yes")}:
                raise CommandError(_("Nothing was erased."))
        try:
            done = registry.erase(email)
        except registry.ErasureRefused as refused:
            raise CommandError(_("Nothing was erased: %(reason)s") % {"reason": refused}) from refused
        self.stdout.write(self.style.SUCCESS(_("Erased: %(summary)s.") % {"summary": registry.summary_line(done)}))
