"""Previews of every kind of public content (core/previews.py) and their share links (network/sharing.py):
the public template, marked, never indexed nor stored; links that expire, can be revoked and show no staff parts."""

import datetime
import re

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core import previews
from network.models import ShareLink
from network.permissions import Role
from network.sharing import share_url
from tests.factories import (
    EVENTS_NOW,
    AssociationFactory,
    CampaignFactory,
    EventFactory,
    IssueFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    ShareLinkFactory,
    StaffFactory,
    StoryFactory,
    SuperuserFactory,
    ThemeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_events_now")]

BOX = 'aria-labelledby="content-checks-title"'
BANNER = "<strong>Voorbeeld:</strong> zo ziet de pagina eruit zodra ze gepubliceerd is"
NOINDEX = '<meta name="robots" content="noindex">'
HARD_TEXT = (
    "<p>De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale "
    'samenwerking tussen overheidsinstanties. <a href="https://example.org/a">lees meer</a></p>'
)
# A newsletter issue's introduction is plain paragraphs.
HARD_INTRO = (
    "De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale "
    "samenwerking tussen overheidsinstanties."
)

# Each kind: how to make an object the public cannot see yet, the template of its public page, and
# the role that may preview it.
KINDS = {
    "network.page": (
        lambda network: PageFactory(network=network, title="Onze werking", published=False, body=HARD_TEXT),
        "network/page_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "news.newspost": (
        lambda network: NewsPostFactory(network=network, title="Onze werking", body=HARD_TEXT),
        "news/news_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "events.event": (
        lambda network: EventFactory(network=network, title="Onze werking", published=False, description=HARD_TEXT),
        "events/event_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "campaigns.campaign": (
        lambda network: CampaignFactory(network=network, title="Onze werking", is_published=False, body=HARD_TEXT),
        "campaigns/campaign_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "associations.association": (
        lambda network: AssociationFactory(
            network=network, name="Onze werking", is_active=False, description=HARD_TEXT
        ),
        "associations/association_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "associations.story": (
        lambda network: StoryFactory(
            association__network=network, title="Onze werking", published=False, body=HARD_TEXT
        ),
        "associations/story_detail.html",
        Role.NETWORK_EDITOR,
    ),
    "newsletter.issue": (
        lambda network: IssueFactory(mailing_list__network=network, subject="Onze werking", intro=HARD_INTRO),
        "newsletter/issue_detail.html",
        Role.NEWSLETTER_MANAGER,
    ),
}


@pytest.fixture
def at_events_now():
    with time_machine.travel(EVENTS_NOW, tick=False):
        yield


@pytest.fixture
def networks():
    return NetworkFactory(slug="eigen", name="Eigen netwerk"), NetworkFactory(slug="ander", name="Ander netwerk")


def preview_path(obj):
    return reverse("network:preview", args=[obj._meta.label_lower, obj.pk])


def test_every_kind_of_public_content_has_a_preview():
    assert previews.registered_models() == sorted(KINDS)


@pytest.mark.parametrize("label", KINDS)
def test_staff_preview_is_the_public_template_marked_with_the_checks(client, networks, label):
    make, template, role = KINDS[label]
    own, _other = networks
    obj = make(own)
    client.force_login(StaffFactory(role=role, networks=[own]))
    response = client.get(preview_path(obj))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == template
    assert "Onze werking" in html and BANNER in html and NOINDEX in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert BOX in html  # the content checks, for staff
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "zeer moeilijk" in html


@pytest.mark.parametrize("label", KINDS)
def test_staff_of_another_network_get_403_and_visitors_the_sign_in(client, networks, label):
    make, _template, role = KINDS[label]
    own, other = networks
    path = preview_path(make(own))
    assert client.get(path).status_code == 302  # to the sign-in
    client.force_login(StaffFactory(role=role, networks=[other]))
    assert client.get(path).status_code == 403
    client.force_login(StaffFactory(networks=[own]))  # staff without the model's permission
    assert client.get(path).status_code == 403


def test_an_unknown_kind_or_object_is_not_found(client):
    client.force_login(SuperuserFactory())
    assert client.get("/voorbeeld/network.partner/1/").status_code == 404
    assert client.get("/voorbeeld/bestaat.niet/1/").status_code == 404
    assert client.get("/voorbeeld/news.newspost/999999/").status_code == 404


# Share links


def test_a_share_link_opens_the_preview_without_an_account_and_without_staff_parts(networks):
    own, _other = networks
    post = NewsPostFactory(network=own, title="Onze werking", body=HARD_TEXT)
    link = ShareLinkFactory(shared=post, created_by=StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    response = Client().get(share_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "news/news_detail.html"
    assert "Onze werking" in html and BANNER in html and NOINDEX in html
    assert "U opende ze via een deellink, die beperkt in de tijd werkt." in html
    assert BOX not in html and "/beheer/" not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.cookies


def test_an_expired_or_revoked_link_is_gone_with_a_dutch_page(networks):
    own, _other = networks
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])
    link = ShareLinkFactory(shared=NewsPostFactory(network=own), created_by=editor)
    url = share_url(link)
    with time_machine.travel(link.expires_at + datetime.timedelta(seconds=1), tick=False):
        response = Client().get(url)
    assert response.status_code == 410
    assert "Deze voorbeeldlink werkt niet meer" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    link.revoked_at = timezone.now()
    link.save()
    assert Client().get(url).status_code == 410


def test_a_link_ends_when_its_maker_may_no_longer_preview(networks):
    own, _other = networks
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])
    link = ShareLinkFactory(shared=NewsPostFactory(network=own), created_by=editor)
    assert Client().get(share_url(link)).status_code == 200
    editor.network_memberships.all().delete()
    assert Client().get(share_url(link)).status_code == 410


def test_a_damaged_or_made_up_link_is_not_found(networks):
    link = ShareLinkFactory(shared=NewsPostFactory(network=networks[0]))
    url = share_url(link)
    assert Client().get(url[:-3] + "xx/").status_code == 404
    assert Client().get("/voorbeeld/gedeeld/1/").status_code == 404
    ShareLink.objects.filter(pk=link.pk).update(object_id=999999)
    assert Client().get(url).status_code == 404


def test_a_share_link_page_is_never_stored_by_the_page_cache(settings, networks):
    settings.PAGE_CACHE_SECONDS = 300
    link = ShareLinkFactory(shared=NewsPostFactory(network=networks[0]))
    url = share_url(link)
    assert Client().get(url).status_code == 200
    link.revoked_at = timezone.now()
    link.save()
    response = Client().get(url)
    assert response.status_code == 410 and "X-Page-Cache" not in response


def test_the_shared_preview_costs_the_same_queries_whatever_the_content(networks, django_assert_num_queries):
    """The preview fetches what its page shows with the object (core/previews.py `queryset`)."""
    own, _other = networks
    post = NewsPostFactory(network=own)
    post.themes.set([ThemeFactory(slug="eerste-thema")])  # with a theme, the related posts are looked up
    link = ShareLinkFactory(shared=post)
    url = share_url(link)
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    queries = len(few)  # now: the next request starts a new query log
    post.themes.set([ThemeFactory(slug=f"thema{number}") for number in range(4)])
    for number in range(4):
        post.links.create(label=f"Link {number}", url=f"https://example.org/{number}", position=number)
    client.get(url)  # new themes rebuild the furniture kept per generation of the site (the footer's funders)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# The change form: preview link, share panel, create and revoke


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def share_post(client, obj, **data):
    return client.post(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_share", args=[obj.pk]), data)


def test_an_editor_makes_and_revokes_a_share_link_from_the_change_form(client, networks):
    own, _other = networks
    post = NewsPostFactory(network=own)
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])
    client.force_login(editor)
    form = client.get(change_url(post)).content.decode()
    assert f'href="{preview_path(post)}"' in form
    assert 'form id="share-create"' in form and "Geen actieve deellinks." in form
    response = share_post(client, post, days="3")
    assert response.status_code == 302 and response["Location"] == change_url(post)
    link = ShareLink.objects.get()
    assert (link.created_by, link.network, link.object_id) == (editor, own, post.pk)
    assert link.expires_at == timezone.now() + datetime.timedelta(days=3)
    page = client.get(change_url(post)).content.decode()
    assert "Deellink gemaakt; ze werkt tot" in page and "/voorbeeld/gedeeld/" in page
    assert f'form="share-revoke" name="link" value="{link.pk}"' in page
    revoke = reverse("admin:news_newspost_share_revoke", args=[post.pk])
    assert client.post(revoke, {"link": link.pk}).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == timezone.now()
    page = client.get(change_url(post)).content.decode()
    assert "De deellink is ingetrokken" in page and "Geen actieve deellinks." in page
    # The audit trail records who made and who revoked it.
    entries = AuditEntry.objects.filter(content_type__model="sharelink", object_id=link.pk).order_by("pk")
    assert [(entry.action, entry.actor, entry.network_id) for entry in entries] == [
        (AuditEntry.Action.CREATE, editor, own.pk),
        (AuditEntry.Action.UPDATE, editor, own.pk),
    ]


def test_bad_share_requests_change_nothing(client, networks):
    own, _other = networks
    post = NewsPostFactory(network=own)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    url = reverse("admin:news_newspost_share", args=[post.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"days": "30"}).status_code == 302
    assert "Kies hoelang de link werkt: 1, 3 of 7 dagen." in client.get(change_url(post)).content.decode()
    revoke = reverse("admin:news_newspost_share_revoke", args=[post.pk])
    other_link = ShareLinkFactory(shared=NewsPostFactory(network=own))
    assert client.post(revoke, {"link": other_link.pk}).status_code == 302  # not this post's link
    assert client.post(revoke, {"link": "x"}).status_code == 302
    assert not ShareLink.objects.filter(revoked_at__isnull=False).exists()
    assert ShareLink.objects.count() == 1


def test_csrf_is_required_to_share_and_revoke(networks):
    own, _other = networks
    post = NewsPostFactory(network=own)
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    assert share_post(client, post, days="7").status_code == 403
    assert not ShareLink.objects.exists()


def test_every_change_form_of_public_content_shows_its_preview_and_versions(client, networks):
    """Walks the admin: every registered model whose objects have a public page of their own."""
    own, _other = networks
    client.force_login(SuperuserFactory())
    # Kinds with a public address that are not content edited as a page: a network's home is built
    # from sections, a theme's page lists others' content, a document is a file.
    not_content = {"network.network", "network.theme", "network.document"}
    public = sorted(
        model._meta.label_lower
        for model in site._registry
        if getattr(model, "owner", None) is not None
        and model.owner.public
        and hasattr(model, "get_absolute_url")
        and model._meta.label_lower not in not_content
    )
    assert public == sorted(KINDS)
    for label in public:
        obj = KINDS[label][0](own)
        page = client.get(change_url(obj)).content.decode()
        assert f'href="{preview_path(obj)}"' in page, label
        versions = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revisions", args=[obj.pk])
        assert f'href="{versions}"' in page, label
        assert "Het voorbeeld delen" in page, label


def test_a_share_link_opens_in_a_session_without_the_second_factor(client, networks):
    """Public by its token: a half-signed-in staff member (no authenticator app yet) reads it too,
    while the staff preview sends them to set the app up."""
    own, _other = networks
    post = NewsPostFactory(network=own, title="Onze werking")
    link = ShareLinkFactory(shared=post)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own], mfa=False))
    response = client.get(share_url(link))
    assert response.status_code == 200 and "Onze werking" in response.content.decode()
    response = client.get(preview_path(post))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_share_panel_costs_the_same_queries_whatever_the_number_of_links(client, networks):
    """The panel lists the links with their makers in one query."""
    own, _other = networks
    post = NewsPostFactory(network=own)
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])
    client.force_login(editor)
    ShareLinkFactory(shared=post, created_by=editor)
    client.get(change_url(post))
    with CaptureQueriesContext(connection) as one:
        client.get(change_url(post))
    for _number in range(4):
        ShareLinkFactory(shared=post, created_by=StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    with CaptureQueriesContext(connection) as five:
        page = client.get(change_url(post)).content.decode()
    assert page.count('form="share-revoke" name="link"') == 5
    assert len(five) == len(one)
