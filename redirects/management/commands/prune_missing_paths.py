from django.core.management.base import BaseCommand

from redirects.models import MISSING_PATHS_KEPT, MissingPath


class Command(BaseCommand):
    help = f"Keep the {MISSING_PATHS_KEPT} most requested missing addresses and forget the others (run daily)."

    def handle(self, *args, **options):
        # Without it, robots asking for made-up addresses would keep the table at its limit.
        deleted = MissingPath.objects.prune()
        self.stdout.write(f"{deleted} rarely requested missing addresses forgotten")
