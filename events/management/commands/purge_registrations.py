import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from events.models import Registration


class Command(BaseCommand):
    help = (
        "Erase registrations of events that ended more than REGISTRATION_RETENTION_DAYS days ago, and "
        "registrations never confirmed within the confirmation link's lifetime (run daily)."
    )

    def handle(self, *args, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
        deleted, _ = Registration.objects.filter(event__ends_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} registrations of past events erased")
        # A pending registration holds no seat, so erasing it moves nobody up and changes no page.
        expired, _ = Registration.objects.expired().delete()
        self.stdout.write(f"{expired} unconfirmed registrations erased")
