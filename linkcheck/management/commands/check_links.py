from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from linkcheck.checking import Checker, in_turns
from linkcheck.finding import found_links, store
from linkcheck.models import Link


class Command(BaseCommand):
    help = (
        "Find the outside links in the public content (rich text, URL fields), check those not checked "
        "in the last 20 hours and store the results; run it daily. A link is broken after two failed "
        "checks in a row."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="Check every link, also those checked recently."
        )

    def handle(self, *args, everything=False, **options):
        links, uses = store(found_links())
        due = Link.objects.all() if everything else Link.objects.due(timezone.now())
        checker = Checker.from_settings()
        outcome = Counter()
        for link in in_turns(list(due)):
            link.record(checker.check(link.url), timezone.now())
            link.save(
                update_fields=[
                    "status",
                    "http_status",
                    "final_url",
                    "error",
                    "checked_at",
                    "failures",
                    "first_failed_at",
                ]
            )
            outcome[link.status] += 1
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcome.items())) or "none"
        self.stdout.write(f"{links} links in {uses} places; checked {outcome.total()}: {summary}")
