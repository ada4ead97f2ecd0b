import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from newsletter.sending import resume_sending
from newsletter.worker import Heartbeat


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) after enqueueing a batch for every "
        "newsletter issue still sending, so an issue whose worker was killed is finished. While it runs, it writes "
        "a heartbeat that /healthz/worker reads."
    )

    def handle(self, *args, **options):
        resumed = resume_sending()
        if resumed and options["verbosity"]:
            self.stdout.write(f"newsletter: resumed sending {resumed} issue(s)")
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # With --reload this process only watches the code; the child it starts runs the tasks and beats.
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"]).start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
