from django.conf import settings
from django.core.management.base import BaseCommand

from events.registrations import send_reminders


class Command(BaseCommand):
    help = (
        "Mail confirmed registrants a reminder, with the link to cancel, EVENT_REMINDER_DAYS days before their "
        "event (run hourly; each registration gets one reminder at most, also with several servers)."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminders sent ({settings.EVENT_REMINDER_DAYS} days ahead)")
