from allauth.usersessions.models import UserSession
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Enforce every retention limit at once; run it daily. Erases unconfirmed signatures, "
        "stale newsletter sign-ups and leavers, unconfirmed registrations and registrations of events long "
        "past, ended sessions "
        "and the device list entries of ended staff sessions; keeps only the most requested missing addresses."
    )

    # Each app's own command keeps its own rule and its own test; this one runs them together.
    commands = (
        "purge_signatures",
        "purge_pending_subscribers",
        "purge_registrations",
        "clearsessions",
        "prune_missing_paths",
    )

    def handle(self, *args, **options):
        for name in self.commands:
            call_command(name, stdout=self.stdout, stderr=self.stderr, verbosity=options["verbosity"])
        ended = sum(1 for user_session in UserSession.objects.iterator() if user_session.purge())
        self.stdout.write(f"{ended} ended staff sessions removed from the device lists")
