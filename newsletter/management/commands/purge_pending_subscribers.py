import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsletter.models import Bounce, Subscriber, Subscription


class Command(BaseCommand):
    help = (
        "Erase newsletter sign-ups not confirmed within NEWSLETTER_PENDING_DAYS days, and subscribers who left "
        "every list at least that long ago, and bounce records older than NEWSLETTER_BOUNCE_DAYS days (run daily)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.NEWSLETTER_PENDING_DAYS)
        # A confirmed subscriber's unconfirmed extra lists go; the subscriber stays.
        lists, _ = (
            Subscription.objects.pending()
            .filter(subscriber__confirmed_at__isnull=False, consented_at__lt=cutoff)
            .delete()
        )
        # Asking again (the form refreshes the consent time) keeps a pending sign-up for another period.
        active = Subscription.objects.filter(
            Q(status=Subscription.Status.CONFIRMED) | Q(status=Subscription.Status.PENDING, consented_at__gte=cutoff)
        )
        left = Subscription.objects.filter(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at__gte=cutoff)
        stale = (
            Subscriber.objects.filter(created_at__lt=cutoff)
            .exclude(pk__in=active.values("subscriber_id"))
            .exclude(pk__in=left.values("subscriber_id"))
        )
        unconfirmed = stale.filter(confirmed_at__isnull=True).count()
        gone = stale.count() - unconfirmed
        stale.delete()
        # The issue keeps its anonymous counts; the suspension stays on the subscriber.
        bounce_cutoff = timezone.now() - datetime.timedelta(days=settings.NEWSLETTER_BOUNCE_DAYS)
        old_bounces, _ = Bounce.objects.filter(received_at__lt=bounce_cutoff).delete()
        self.stdout.write(
            f"{unconfirmed} unconfirmed sign-ups, {gone} subscribers without any list, "
            f"{lists} unconfirmed extra lists and {old_bounces} bounce records erased"
        )
