import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns.models import Signature


class Command(BaseCommand):
    help = "Erase signatures that were not confirmed within SIGNATURE_PENDING_DAYS days (run daily)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.SIGNATURE_PENDING_DAYS)
        deleted, _ = Signature.objects.pending().filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} unconfirmed signatures erased")
