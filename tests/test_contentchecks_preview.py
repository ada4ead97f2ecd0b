"""The content checks on the staff previews (core/previews.py): a box only there, never on a public page,
and never computed for one."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from network.permissions import Role
from tests.factories import EVENTS_NOW, EventFactory, NetworkFactory, NewsPostFactory, StaffFactory

pytestmark = pytest.mark.django_db

BOX = 'aria-labelledby="content-checks-title"'
HARD_TEXT = (
    "<p>De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale "
    'samenwerking tussen overheidsinstanties. <a href="https://example.org/a">lees meer</a></p>'
)


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def editor(client, network):
    user = StaffFactory(role=Role.NETWORK_EDITOR, networks=[network])
    client.force_login(user)
    return user


@pytest.fixture
def no_checks(monkeypatch):
    """The checks fail loudly if a page computes them."""

    def refuse(html):
        raise AssertionError("content checks computed on a public page")

    monkeypatch.setattr("core.previews.check_text", refuse)


def test_the_news_preview_shows_the_checks(client, editor, network):
    draft = NewsPostFactory(network=network, status="draft", publish_at=timezone.now(), body=HARD_TEXT)
    response = client.get(reverse("news:preview", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert BOX in html
    # One sentence (the link text goes on in lower case) of 12 words, 7 long: 12 + 100*7/12 = 70.3.
    assert "Leesbaarheid (LIX): <strong>70, zeer moeilijk</strong> (12 woorden)." in html
    assert "De linktekst “lees meer” zegt niet waar de link naartoe gaat." in html


def test_a_published_post_shows_no_checks_to_anyone(client, editor, network, no_checks):
    post = NewsPostFactory(
        network=network, status="published", publish_at=timezone.now() - datetime.timedelta(days=1), body=HARD_TEXT
    )
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert BOX not in response.content.decode()
    client.logout()
    assert BOX not in client.get(post.get_absolute_url()).content.decode()


@time_machine.travel(EVENTS_NOW, tick=False)
def test_the_preview_of_an_unpublished_event_shows_the_checks(client, editor, network):
    draft = EventFactory(network=network, published=False, description=HARD_TEXT)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert BOX in response.content.decode()
    assert "zeer moeilijk" in response.content.decode()


@time_machine.travel(EVENTS_NOW, tick=False)
def test_a_published_event_shows_no_checks_to_anyone(client, editor, network, no_checks):
    event = EventFactory(network=network, published=True, description=HARD_TEXT)
    assert BOX not in client.get(event.get_absolute_url()).content.decode()
    client.logout()
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert BOX not in response.content.decode()
