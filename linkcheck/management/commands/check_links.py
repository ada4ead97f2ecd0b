from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from linkcheck.checking import Checker, in_turns
from linkcheck.finding import found_links, store
from linkcheck.models import Link

RECORDED = ["status", "http_status", "final_url", "error", "checked_at", "failures", "first_failed_at"]


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
        answers = Counter()
        for link in in_turns(list(due)):
            result = checker.check(link.url)
            link.record(result, timezone.now())
            link.save(update_fields=RECORDED)
            answers[result.status or "inconclusive"] += 1
        summary = "".join(f", {count} {answer}" for answer, count in sorted(answers.items()))
        failing = Link.objects.filter(status__in=Link.FAILING).count()
        self.stdout.write(
            f"{links} links in {uses} places; checked {answers.total()}{summary}; broken or unreachable: {failing}"
        )
