import mailbox

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletter import bounces, dsn, imapbox
from newsletter.models import Bounce, Delivery


class Command(BaseCommand):
    help = (
        "Read the bounce mailbox of a plain SMTP relay (a local maildir, NEWSLETTER_BOUNCE_MAILDIR, and/or an "
        "IMAP folder over TLS, NEWSLETTER_BOUNCE_IMAP_*): every delivery status notification or complaint about "
        "a copy of an issue is recorded and removed (it holds the address; over IMAP it may be moved instead); "
        "other mail is marked as read and left for a person. Safe to run every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="the maildir to read (default: NEWSLETTER_BOUNCE_MAILDIR)")
        parser.add_argument(
            "--if-configured",
            action="store_true",
            help="without a mailbox, say so and end without an error (for the timer, deploy/read-bounces.service)",
        )

    def handle(self, *args, maildir=None, if_configured=False, **options):
        path = maildir or settings.NEWSLETTER_BOUNCE_MAILDIR
        try:
            account = None if maildir else imapbox.Account.from_settings(settings)
        except imapbox.MailboxError as error:
            raise CommandError(str(error)) from error
        if not path and not account and if_configured:
            # A site with a mail provider's webhooks, or without a bounce address, has no mailbox:
            # the timer installed everywhere must then neither fail every five minutes nor read anything.
            if options["verbosity"]:
                self.stdout.write(
                    "No bounce mailbox (NEWSLETTER_BOUNCE_MAILDIR and NEWSLETTER_BOUNCE_IMAP_HOST are empty): "
                    "nothing to read"
                )
            return
        if not path and not account:
            raise CommandError(
                "No bounce mailbox: set NEWSLETTER_BOUNCE_MAILDIR or NEWSLETTER_BOUNCE_IMAP_HOST, or pass --maildir."
            )
        if path:
            self._report(*self._read_maildir(path), options)
        if account:
            try:
                self._report(*imapbox.read(account, self._handle), options)
            except imapbox.MailboxError as error:
                raise CommandError(f"Cannot read the bounce mailbox: {error}") from error

    def _report(self, recorded, left, options):
        if options["verbosity"]:
            self.stdout.write(f"{recorded} bounce reports recorded, {left} other messages left")

    def _read_maildir(self, path):
        try:
            box = mailbox.Maildir(path, factory=None, create=False)
            keys = [key for key in box.iterkeys() if box.get_message(key).get_subdir() == "new"]
        except OSError as error:
            raise CommandError(f"Cannot read the maildir {path}: {error}") from error
        recorded = left = 0
        for key in keys:
            if self._handle(box.get_bytes(key)):
                box.remove(key)
                recorded += 1
            else:
                message = box.get_message(key)
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message
                left += 1
        return recorded, left

    def _handle(self, raw):
        """Whether the mail was a report about a copy of ours (recorded now, or before)."""
        report = dsn.parse(raw)
        delivery_pk = bounces.delivery_pk_for_token(report.token) if report else None
        delivery = Delivery.objects.filter(pk=delivery_pk).first() if delivery_pk else None
        if delivery is None:
            return False
        bounces.record(
            delivery, report.kind, source=Bounce.Source.MAILBOX, detail=report.detail, event_id=report.message_id
        )
        return True
