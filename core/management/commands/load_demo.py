from importlib import import_module

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo content of every app that has a demo module. Idempotent: "
        "a second run finds everything in place and changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Demo content is seed data, not anybody's edit: it leaves no audit trail entries.
        with disable_auditlog():
            self._load()

    def _load(self):
        for app_config in apps.get_app_configs():
            try:
                demo = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            created = demo.load()
            self.stdout.write(f"{app_config.label}: {created} new demo objects")
