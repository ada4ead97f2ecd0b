import pytest
from django.utils import timezone

from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Issue, MailingList, Subscriber, Subscription
from tests.network.test_permissions import make_network


def make_list(network, slug="nieuwsbrief", **fields):
    return MailingList.objects.create(
        network=network, name=fields.pop("name", f"Nieuwsbrief {network.short_name}"), slug=slug, **fields
    )


def make_subscriber(email, *lists, status=Subscription.Status.CONFIRMED, name=""):
    now = timezone.now()
    confirmed = status != Subscription.Status.PENDING
    subscriber = Subscriber.objects.create(email=email, name=name, confirmed_at=now if confirmed else None)
    for mailing_list in lists:
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=status,
            consent_version=CONSENT_VERSION,
            consent_text=str(CONSENT_TEXT),
            consented_at=now,
            confirmed_at=now if confirmed else None,
            unsubscribed_at=now if status == Subscription.Status.UNSUBSCRIBED else None,
        )
    return subscriber


def make_issue(mailing_list, subject="Nieuws uit het netwerk", **fields):
    return Issue.objects.create(
        mailing_list=mailing_list,
        subject=subject,
        intro=fields.pop("intro", "Een eerste alinea.\n\nEen tweede alinea."),
        **fields,
    )


def work_off_tasks(limit=10_000):
    """Run every ready background task in this process, as `manage.py newsletter_worker` would; their number.

    The worker's own loop closes "old" database connections, which would end the test's
    transaction; running its tasks one by one through Worker.run_task does not.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    count = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim("test-worker")
        worker.run_task(result)
        count += 1
        assert count < limit, "tasks keep enqueueing themselves"
    failed = list(DBTaskResult.objects.failed().values_list("traceback", flat=True))
    assert not failed, failed
    return count


@pytest.fixture
def network(db):
    return make_network("eigen", 0)


@pytest.fixture
def mailing_list(network):
    return make_list(network)
