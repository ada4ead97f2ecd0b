import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from newsletter.sending import recover
from newsletter.worker import Heartbeat


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) after the newsletter check "
        "(manage.py recover_newsletters), so an issue whose worker died goes on. While it runs, it writes "
        "a heartbeat that /healthz/worker reads."
    )

    def handle(self, *args, **options):
        counts = recover()
        if options["verbosity"] and any(counts.values()):
            self.stdout.write(
                "newsletter: {expired} claims expired, {finished} issues finished, {resumed} issues resumed".format(
                    **counts
                )
            )
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # With --reload this process only watches the code; the child it starts runs the tasks and beats.
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"]).start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
