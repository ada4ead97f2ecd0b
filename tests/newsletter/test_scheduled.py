"""Scheduled sending: an issue goes out at its time through the worker, not before; the periodic check
starts one whose task was lost; a scheduled issue can become a draft again."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from network.models import NetworkMembership
from network.permissions import Role
from newsletter import sending
from newsletter.models import Issue
from tests.factories import make_issue, make_subscriber
from tests.helpers import with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(network):
    user = with_mfa(User.objects.create_user("redactie", "redactie@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def status(issue):
    issue.refresh_from_db()
    return issue.status


def test_a_scheduled_issue_goes_out_at_its_time_not_before(mailing_list):
    reader = make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list)
    when = timezone.now() + datetime.timedelta(hours=2)
    assert sending.schedule(issue, when) is True
    assert sending.schedule(issue, when) is False  # once
    work_off_tasks()
    sending.recover()
    assert (status(issue), mail.outbox) == (Issue.Status.SCHEDULED, [])
    with time_machine.travel(when - datetime.timedelta(seconds=5)):
        work_off_tasks()
        sending.recover()
        assert (status(issue), mail.outbox) == (Issue.Status.SCHEDULED, [])
    # Someone who joins before the time receives it; the list is read at that moment.
    late = make_subscriber("later@example.org", mailing_list)
    with time_machine.travel(when + datetime.timedelta(seconds=1)):
        assert work_off_tasks() >= 2  # the start, then the batch
    assert status(issue) == Issue.Status.SENT
    assert sorted(message.to[0] for message in mail.outbox) == sorted([reader.email, late.email])
    assert issue.sending_started_at >= when


def test_the_periodic_check_starts_a_scheduled_issue_whose_task_was_lost(mailing_list):
    make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list)
    when = timezone.now() + datetime.timedelta(minutes=10)
    sending.schedule(issue, when)
    DBTaskResult.objects.all().delete()  # the worker's queue lost it
    with time_machine.travel(when + datetime.timedelta(minutes=3)):
        sending.recover()
        assert status(issue) == Issue.Status.SENDING
        work_off_tasks()
    assert status(issue) == Issue.Status.SENT
    assert len(mail.outbox) == 1


def test_the_admin_schedules_and_unschedules(client, manager, mailing_list):
    make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list)
    client.force_login(manager)
    send_url = f"/beheer/newsletter/issue/{issue.pk}/versturen/"
    assert 'type="datetime-local"' in client.get(send_url).content.decode()
    past = timezone.localtime() - datetime.timedelta(hours=1)
    client.post(send_url, {"send_at": past.strftime("%Y-%m-%dT%H:%M")})
    assert status(issue) == Issue.Status.DRAFT
    later = timezone.localtime() + datetime.timedelta(days=1)
    client.post(send_url, {"send_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert status(issue) == Issue.Status.SCHEDULED
    assert issue.send_at == later.replace(second=0, microsecond=0)
    assert not issue.deliveries.exists()
    client.post(send_url, {"action": "unschedule"})
    assert status(issue) == Issue.Status.DRAFT
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        work_off_tasks()
        sending.recover()
    assert (status(issue), mail.outbox) == (Issue.Status.DRAFT, [])
