from django_tasks_db.management.commands import db_worker

from newsletter.sending import recover


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) after the newsletter check "
        "(manage.py recover_newsletters), so an issue whose worker died goes on."
    )

    def handle(self, *args, **options):
        counts = recover()
        if options["verbosity"] and any(counts.values()):
            self.stdout.write(
                "newsletter: {expired} claims expired, {finished} issues finished, {resumed} issues resumed".format(
                    **counts
                )
            )
        super().handle(*args, **options)
