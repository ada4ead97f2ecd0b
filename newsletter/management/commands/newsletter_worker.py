from django_tasks_db.management.commands import db_worker

from newsletter.sending import resume_sending


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) after enqueueing a batch for every "
        "newsletter issue still sending, so an issue whose worker was killed is finished."
    )

    def handle(self, *args, **options):
        resumed = resume_sending()
        if resumed and options["verbosity"]:
            self.stdout.write(f"newsletter: resumed sending {resumed} issue(s)")
        super().handle(*args, **options)
