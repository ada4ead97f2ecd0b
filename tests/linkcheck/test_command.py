"""`manage.py check_links` against the local server: the states it stores, two failures before a
link counts as broken, and which links a run checks again."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from linkcheck.models import Link
from news.models import NewsLink
from tests.factories import AssociationFactory, NewsPostFactory

pytestmark = pytest.mark.django_db

Status = Link.Status
NOW = datetime.datetime(2026, 11, 2, 4, 0, tzinfo=datetime.UTC)


def check_links(*args):
    out = io.StringIO()
    call_command("check_links", *args, stdout=out)
    return out.getvalue()


def states():
    return {
        link.url.rsplit("/", 1)[1]: (link.status, link.http_status, link.failures)
        for link in Link.objects.order_by("url")
    }


@pytest.fixture
def content(web):
    """A post linking to every kind of answer, and an association's website that moved."""
    body = "".join(
        f'<a href="{web.url(path)}">{path}</a>' for path in ["/ok", "/gone", "/error", "/slow", "/no-head", "/busy"]
    )
    post = NewsPostFactory(body=f"<p>{body}</p>")
    NewsLink.objects.create(post=post, label="Verder", url=web.url("/elsewhere"))
    AssociationFactory(network=post.network, website=web.url("/moved"))
    return post


def test_one_failure_is_not_yet_broken_two_are(web, content):
    with time_machine.travel(NOW, tick=False):
        output = check_links()
    assert states() == {
        "ok": (Status.OK, 200, 0),
        "elsewhere": (Status.OK, 200, 0),
        "moved": (Status.REDIRECT, 200, 0),
        "no-head": (Status.OK, 200, 0),
        "busy": (Status.UNCHECKED, 429, 0),
        "gone": (Status.UNCHECKED, 404, 1),
        "error": (Status.UNCHECKED, 500, 1),
        "slow": (Status.UNCHECKED, None, 1),
    }
    # A first failure is reported, but the link does not count as broken yet.
    assert output == (
        "8 links in 8 places; checked 8, 2 broken, 1 inconclusive, 3 ok, 1 redirect, 1 unreachable; "
        "broken or unreachable: 0\n"
    )
    assert Link.objects.get(url=web.url("/moved")).final_url == web.url("/ok")

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        output = check_links()
    assert output.endswith("; broken or unreachable: 3\n")
    assert states() == {
        "ok": (Status.OK, 200, 0),
        "elsewhere": (Status.OK, 200, 0),
        "moved": (Status.REDIRECT, 200, 0),
        "no-head": (Status.OK, 200, 0),
        "busy": (Status.UNCHECKED, 429, 0),
        "gone": (Status.BROKEN, 404, 2),
        "error": (Status.BROKEN, 500, 2),
        "slow": (Status.UNREACHABLE, None, 2),
    }
    slow = Link.objects.get(url=web.url("/slow"))
    assert (slow.error, slow.first_failed_at, slow.checked_at) == ("timed out", NOW, NOW + datetime.timedelta(days=1))


def test_a_link_that_works_again_is_no_longer_broken(web, content):
    Link.objects.create(url=web.url("/ok"), status=Status.BROKEN, failures=3, first_failed_at=timezone.now())
    check_links()
    link = Link.objects.get(url=web.url("/ok"))
    assert (link.status, link.failures, link.first_failed_at) == (Status.OK, 0, None)


@pytest.mark.parametrize(
    ("later", "args", "checked_again"),
    [
        (datetime.timedelta(hours=19), [], False),
        (datetime.timedelta(hours=21), [], True),
        (datetime.timedelta(hours=1), ["--all"], True),
    ],
)
def test_a_link_is_checked_again_after_twenty_hours_or_with_all(web, later, args, checked_again):
    NewsPostFactory(body=f'<p><a href="{web.url("/ok")}">x</a></p>')
    with time_machine.travel(NOW, tick=False):
        check_links()
    web.requests.clear()
    with time_machine.travel(NOW + later, tick=False):
        check_links(*args)
    assert web.paths() == ([("HEAD", "/ok")] if checked_again else [])
    assert Link.objects.get().checked_at == (NOW + later if checked_again else NOW)


def test_a_new_link_is_checked_at_once(web):
    NewsPostFactory(body=f'<p><a href="{web.url("/ok")}">x</a></p>')
    with time_machine.travel(NOW, tick=False):
        check_links()
    NewsPostFactory(body=f'<p><a href="{web.url("/ok-too")}">x</a></p>')
    web.requests.clear()
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        check_links()
    assert web.paths() == [("HEAD", "/ok-too")]
