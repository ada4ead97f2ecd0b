from django.core.management.base import BaseCommand

from newsletter.sending import recover


class Command(BaseCommand):
    help = (
        "The periodic newsletter check (deploy/newsletter-recover.timer, every 5 minutes): copies whose worker "
        "died are settled (sent again if they never reached the mail server, marked uncertain if they may have), "
        "issues with nothing left are finished, and issues whose batch tasks died get a new one. Safe to run "
        "on several servers at once."
    )

    def handle(self, *args, **options):
        counts = recover()
        if options["verbosity"]:
            self.stdout.write(
                "{expired} claims expired, {finished} issues finished, {resumed} issues resumed".format(**counts)
            )
