from django.conf import settings
from django.core.management.base import BaseCommand

from associations.checkup import ask_all


class Command(BaseCommand):
    help = (
        'Mail each association once a year "klopt dit nog?" with a one-click "ja" (run daily; an association '
        "is never asked twice in a year, also with several servers)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default=settings.SITE_URL, help="The site's address for the links in the mail."
        )

    def handle(self, *args, **options):
        asked = ask_all(options["base_url"])
        self.stdout.write(f"{asked} associations asked")
