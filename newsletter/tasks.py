"""Background tasks of the newsletter (django-tasks, run by `manage.py newsletter_worker`)."""

from django_tasks import task

from newsletter import sending


@task()
def send_issue_batch(issue_id):
    """Send one batch of an issue; the batch enqueues the next one until every copy is out."""
    return sending.send_batch(issue_id)
