"""Composing an issue in the admin: choosing news and events, preview, a test to oneself, sending once, progress."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Issue
from tests.admin_forms import admin_form_data, admin_url
from tests.factories import EventFactory, NewsPostFactory, make_issue, make_list, make_subscriber
from tests.helpers import with_mfa, work_off_tasks

pytestmark = pytest.mark.django_db


def news_post(network, slug, *, published=True):
    status = NewsPost.Status.PUBLISHED if published else NewsPost.Status.DRAFT
    return NewsPostFactory(network=network, title=f"Bericht {slug}", slug=slug, status=status)


def upcoming_event(network, slug, *, published=True):
    start = timezone.localdate() + datetime.timedelta(days=20)
    return EventFactory(network=network, slug=slug, published=published, start_date=start)


@pytest.fixture
def manager(network):
    user = with_mfa(User.objects.create_user("redactie", "redactie@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def issue_url(action, obj=None):
    return admin_url("newsletter", "issue", action, obj)


def test_manager_composes_an_issue_with_news_and_events(client, manager, mailing_list, network):
    post, draft = news_post(network, "gepubliceerd"), news_post(network, "concept", published=False)
    event = upcoming_event(network, "trefdag")
    client.force_login(manager)
    page = client.get(issue_url("add")).content.decode()
    assert post.title in page and draft.title not in page and event.title in page
    data = admin_form_data(page, "issue_form")
    data.update(
        mailing_list=str(mailing_list.pk),
        subject="Nieuwsbrief maart",
        intro="Beste lezer,\n\nHier is ons nieuws.",
        news_posts=[str(post.pk)],
        events=[str(event.pk)],
    )
    response = client.post(issue_url("add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    issue = Issue.objects.get()
    assert (issue.created_by, issue.status) == (manager, Issue.Status.DRAFT)
    assert list(issue.news_posts.all()) == [post]
    assert list(issue.events.all()) == [event]


def test_a_draft_post_or_an_unpublished_event_cannot_be_forged_in(client, manager, mailing_list, network):
    draft = news_post(network, "concept", published=False)
    hidden = upcoming_event(network, "verborgen", published=False)
    client.force_login(manager)
    data = admin_form_data(client.get(issue_url("add")).content.decode(), "issue_form")
    data.update(
        mailing_list=str(mailing_list.pk),
        subject="x",
        intro="x",
        news_posts=[str(draft.pk)],
        events=[str(hidden.pk)],
    )
    response = client.post(issue_url("add"), data)
    assert response.status_code == 200
    assert Issue.objects.count() == 0
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_superuser_cannot_mix_another_networks_news_into_an_issue(client, mailing_list):
    from tests.factories import make_network

    other = news_post(make_network("ander", 1), "elders")
    client.force_login(with_mfa(User.objects.create_superuser("super", "super@example.org", "x")))
    data = admin_form_data(client.get(issue_url("add")).content.decode(), "issue_form")
    data.update(mailing_list=str(mailing_list.pk), subject="x", intro="x", news_posts=[str(other.pk)])
    response = client.post(issue_url("add"), data)
    assert response.status_code == 200
    assert "van het netwerk van de lijst zelf" in response.content.decode()
    assert Issue.objects.count() == 0


def test_preview_shows_the_mail_to_own_staff_only(client, manager, mailing_list, network):
    issue = make_issue(mailing_list, subject="Voorbeeldnummer")
    issue.news_posts.add(news_post(network, "bericht"))
    url = f"/nieuwsbrief/voorbeeld/{issue.pk}/"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}
    html = response.content.decode()
    assert "Voorbeeldnummer" in html and "Bericht bericht" in html and "<table" not in html
    text = client.get(url, {"tekst": "1"})
    assert text["Content-Type"].startswith("text/plain")
    assert "Voorbeeldnummer" in text.content.decode()
    # The admin links to it.
    assert url in client.get(issue_url("change", issue)).content.decode()


def test_send_a_test_to_oneself(client, manager, mailing_list):
    make_subscriber("lezer@example.org", mailing_list)
    issue = make_issue(mailing_list, subject="Proefnummer")
    client.force_login(manager)
    test_url = f"/beheer/newsletter/issue/{issue.pk}/proefmail/"
    assert client.get(test_url).status_code == 405
    response = client.post(test_url, follow=True)
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["redactie@example.org"]
    assert message.subject == "[Proef] Proefnummer"
    assert "redactie@example.org" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and not issue.deliveries.exists()


def test_send_asks_first_then_sends_once_with_progress(client, manager, mailing_list):
    for number in range(3):
        make_subscriber(f"lezer{number}@example.org", mailing_list)
    issue = make_issue(mailing_list, subject="Echte nummer")
    client.force_login(manager)
    change_page = client.get(issue_url("change", issue)).content.decode()
    send_url = f"/beheer/newsletter/issue/{issue.pk}/versturen/"
    assert send_url in change_page
    confirmation = client.get(send_url)
    assert confirmation.status_code == 200
    assert "3 bevestigde abonnees" in confirmation.content.decode()
    assert not issue.deliveries.exists()  # asking sends nothing

    client.post(send_url)
    client.post(send_url)  # a second click
    assert issue.deliveries.count() == 3
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    page = client.get(issue_url("change", issue)).content.decode()
    assert "0 verstuurd, 0 mislukt, 0 onzeker, 3 te gaan" in page
    assert send_url not in page  # no second send button

    work_off_tasks()
    assert len(mail.outbox) == 3
    assert "3 verstuurd, 0 mislukt, 0 onzeker, 0 te gaan" in client.get(issue_url("change", issue)).content.decode()
    listing = client.get(issue_url("changelist")).content.decode()
    assert "3 verstuurd, 0 mislukt, 0 onzeker, 0 te gaan" in listing


def test_a_sent_issue_stays_as_it_went_out(client, manager, mailing_list):
    issue = make_issue(mailing_list, subject="Verstuurd", status=Issue.Status.SENT, sent_at=timezone.now())
    client.force_login(manager)
    page = client.get(issue_url("change", issue))
    assert page.status_code == 200
    assert 'name="subject"' not in page.content.decode()
    client.post(issue_url("change", issue), {"mailing_list": mailing_list.pk, "subject": "Gewijzigd", "intro": "x"})
    client.post(issue_url("delete", issue), {"post": "yes"})
    issue.refresh_from_db()
    assert issue.subject == "Verstuurd"
    assert client.post(f"/beheer/newsletter/issue/{issue.pk}/versturen/").status_code == 302
    assert not Delivery.objects.exists()


def test_list_admin_shows_counts(client, manager, mailing_list):
    make_subscriber("a@example.org", mailing_list)
    make_subscriber("b@example.org", mailing_list)
    mailing_list.unsubscribed_count, mailing_list.erased_count = 4, 2
    mailing_list.save()
    other = make_list(mailing_list.network, "leeg")
    client.force_login(manager)
    html = client.get(admin_url("newsletter", "mailinglist", "changelist")).content.decode()
    assert f"?lijst={mailing_list.pk}&amp;status__exact=confirmed" in html
    assert str(other) in html


def test_sending_progress_is_a_progress_bar_that_reloads_only_while_sending(client, manager, mailing_list):
    for number in range(3):
        make_subscriber(f"lezer{number}@example.org", mailing_list)
    issue = make_issue(mailing_list, subject="Echte nummer")
    client.force_login(manager)
    refresh = '<meta http-equiv="refresh" content="5">'
    draft = client.get(issue_url("change", issue)).content.decode()
    assert "<progress" not in draft
    assert refresh not in draft

    client.post(f"/beheer/newsletter/issue/{issue.pk}/versturen/")
    sending = client.get(issue_url("change", issue)).content.decode()
    assert '<progress id="issue-progress" value="0" max="3">0 / 3</progress>' in sending
    assert "0 van 3" in sending
    assert refresh in sending
    assert f'<a href="{issue_url("change", issue)}">Nu herladen</a>' in sending

    work_off_tasks()
    sent = client.get(issue_url("change", issue)).content.decode()
    assert '<progress id="issue-progress" value="3" max="3">3 / 3</progress>' in sent
    assert "3 van 3" in sent
    assert refresh not in sent
