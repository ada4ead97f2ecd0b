"""Background tasks of the newsletter (django-tasks, run by `manage.py newsletter_worker`)."""

from django_tasks import task

from newsletter import sending


@task()
def send_issue_batch(issue_id):
    """Send one batch of an issue; the batch enqueues the next one until every copy is out."""
    return sending.send_batch(issue_id)


@task()
def start_scheduled_issue(issue_id):
    """Start sending a scheduled issue at its time (enqueued to run then; recover() catches a lost one)."""
    return sending.start_scheduled(issue_id)
