"""Revisions of the public content (core/revisions.py): every admin save keeps one with its user
and time; an editor lists them, compares two field by field and restores one as a new revision."""

import datetime

import pytest
import reversion
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from associations.models import Association
from core.revisions import versioned_fields, word_diff
from network.models import Document
from network.permissions import Role
from news.models import NewsLink, NewsPost
from tests.admin_forms import admin_form_data, admin_url
from tests.factories import (
    AssociationFactory,
    NewsPostFactory,
    PageFactory,
    StaffFactory,
    SuperuserFactory,
    ThemeFactory,
    make_network,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def own():
    return make_network("eigen", 0)


@pytest.fixture
def editor(own):
    return StaffFactory(username="redacteur", role=Role.NETWORK_EDITOR, networks=[own])


def edit(client, app_label, model, obj, **changes):
    """Post the object's change form back with `changes`, as the signed-in user."""
    html = client.get(admin_url(app_label, model, "change", obj)).content.decode()
    data = {**admin_form_data(html, f"{model}_form"), **changes}
    response = client.post(admin_url(app_label, model, "change", obj), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def revisions_url(obj, action="revisions", *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{action}", args=[obj.pk, *args])


def versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user"))


def test_an_admin_save_keeps_a_revision_with_its_user_and_time(client, own, editor):
    page = PageFactory(network=own, title="Over ons", body="<p>Wij zijn een netwerk.</p>")
    client.force_login(editor)
    with time_machine.travel(MONDAY, tick=False):
        edit(client, "network", "page", page, title="Over het netwerk")
    (version,) = versions(page)
    assert version.revision.user == editor
    assert version.revision.date_created == MONDAY
    assert version.field_dict["title"] == "Over het netwerk"
    assert "Title" in version.revision.get_comment()  # the admin's change message: its fields' names


def test_a_save_outside_the_admin_keeps_no_revision(own):
    page = PageFactory(network=own)
    page.title = "Anders"
    page.save()
    assert versions(page) == []


def test_the_versions_page_lists_who_and_when_and_links_from_the_change_form(client, own, editor):
    page = PageFactory(network=own, title="Over ons")
    client.force_login(editor)
    edit(client, "network", "page", page, title="Eerste")
    edit(client, "network", "page", page, title="Tweede")
    change_form = client.get(admin_url("network", "page", "change", page)).content.decode()
    assert f'href="{revisions_url(page)}"' in change_form
    response = client.get(revisions_url(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("redacteur") >= 2
    newest, oldest = versions(page)
    assert revisions_url(page, "revisions_restore", oldest.pk) in html
    # The newest is the current content: nothing to restore.
    assert revisions_url(page, "revisions_restore", newest.pk) not in html


def test_compare_shows_the_changed_fields_and_a_word_diff(client, own, editor):
    wonen = ThemeFactory(name="Wonen")
    page = PageFactory(network=own, title="Over ons", body="<p>Wij strijden tegen armoede.</p>")
    client.force_login(editor)
    edit(client, "network", "page", page)
    edit(client, "network", "page", page, body="<p>Wij strijden samen tegen armoede.</p>", themes=[str(wonen.pk)])
    newest, oldest = versions(page)
    response = client.get(revisions_url(page, "revisions_compare"), {"a": newest.pk, "b": oldest.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<tr class="changed">' in html
    assert "Tekst <strong>(gewijzigd)</strong>" in html
    assert "Titel <strong>" not in html  # unchanged fields are listed without the mark
    assert (
        '<ins><span class="visually-hidden">[toegevoegd: </span>samen<span class="visually-hidden">]</span></ins>'
        in html
    )
    assert html.count('<tr class="changed">') == 2


def test_compare_refuses_a_version_of_another_object(client, own, editor):
    page, other_page = PageFactory(network=own), PageFactory(network=own)
    client.force_login(editor)
    edit(client, "network", "page", page)
    edit(client, "network", "page", other_page)
    response = client.get(
        revisions_url(page, "revisions_compare"), {"a": versions(page)[0].pk, "b": versions(other_page)[0].pk}
    )
    assert response.status_code == 404


def test_word_diff_escapes_and_names_the_changes():
    diff = word_diff("<p>een &lt;b&gt; twee</p>", "<p>een <b>drie</b> twee</p>")
    assert "&lt;b&gt;" in diff and "<b>" not in diff
    assert '<ins><span class="visually-hidden">[toegevoegd: </span>drie' in diff
    assert '<del><span class="visually-hidden">[verwijderd: </span>&lt;b&gt;' in diff


def test_restore_asks_first_then_saves_the_old_content_as_a_new_revision(client, own, editor):
    wonen, werk = ThemeFactory(name="Wonen"), ThemeFactory(name="Werk")
    page = PageFactory(network=own, title="Eerste titel", body="<p>Eerste tekst.</p>")
    page.themes.set([wonen])
    client.force_login(editor)
    edit(client, "network", "page", page)
    edit(client, "network", "page", page, title="Tweede titel", body="<p>Tweede tekst.</p>", themes=[str(werk.pk)])
    _newest, first = versions(page)

    confirm = client.get(revisions_url(page, "revisions_restore", first.pk))
    assert confirm.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in confirm.content.decode()
    page.refresh_from_db()
    assert page.title == "Tweede titel"  # asking changes nothing

    response = client.post(revisions_url(page, "revisions_restore", first.pk))
    assert response.status_code == 302
    assert response["Location"] == admin_url("network", "page", "change", page)
    page.refresh_from_db()
    assert (page.title, page.body, list(page.themes.all())) == ("Eerste titel", "<p>Eerste tekst.</p>", [wonen])
    restored, *older = versions(page)
    assert len(older) == 2
    assert restored.revision.user == editor
    assert "Hersteld" in restored.revision.get_comment()
    assert restored.field_dict == first.field_dict


def test_restore_needs_a_post_with_the_csrf_token(own, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = PageFactory(network=own, title="Eerste")
    client.force_login(editor)
    html = client.get(admin_url("network", "page", "change", page)).content.decode()
    data = admin_form_data(html, "page_form")
    client.post(admin_url("network", "page", "change", page), {**data, "title": "Tweede"})
    first = versions(page)[0]
    client.post(admin_url("network", "page", "change", page), {**data, "title": "Derde"})
    response = client.post(revisions_url(page, "revisions_restore", first.pk))
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.title == "Derde"


def test_restore_brings_back_a_posts_links(client, own, editor):
    post = NewsPostFactory(network=own, title="Bericht", slug="bericht")
    NewsLink.objects.create(post=post, label="Rapport", url="https://example.org/rapport", position=0)
    client.force_login(editor)
    edit(client, "news", "newspost", post)
    first = versions(post)[0]
    link = post.links.get()
    edit(
        client,
        "news",
        "newspost",
        post,
        **{
            "links-0-id": str(link.pk),
            "links-0-DELETE": "on",
            "links-TOTAL_FORMS": "2",
            "links-1-label": "Nieuw",
            "links-1-position": "1",
            "links-1-url": "https://example.org/nieuw",
        },
    )
    assert list(post.links.values_list("label", flat=True)) == ["Nieuw"]
    client.post(revisions_url(post, "revisions_restore", first.pk))
    assert list(post.links.values_list("label", "url")) == [("Rapport", "https://example.org/rapport")]
    compare = client.get(
        revisions_url(post, "revisions_compare"), {"a": versions(post)[1].pk, "b": versions(post)[0].pk}
    ).content.decode()
    assert "Rapport" in compare and "Nieuw" in compare


def test_restore_cannot_move_an_object_to_a_network_the_editor_does_not_edit(client, own, editor):
    other = make_network("ander", 1)
    page = PageFactory(network=other, title="Verhuisd")
    superuser = SuperuserFactory()
    client.force_login(superuser)
    edit(client, "network", "page", page)
    edit(client, "network", "page", page, network=str(own.pk))
    in_other = versions(page)[1]
    client.force_login(editor)
    response = client.post(revisions_url(page, "revisions_restore", in_other.pk))
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.network == own
    assert len(versions(page)) == 2


def test_an_associations_contact_person_is_never_versioned_nor_restored(client, own, editor):
    association = AssociationFactory(network=own, contact_person="An Peeters", email="an@example.org")
    assert not {"contact_person", "phone", "email"} & set(_fields(Association))
    client.force_login(editor)
    edit(client, "associations", "association", association)
    first = versions(association)[0]
    assert "An Peeters" not in first.serialized_data and "an@example.org" not in first.serialized_data
    edit(client, "associations", "association", association, contact_person="", email="", intro="Nieuwe intro")
    client.post(revisions_url(association, "revisions_restore", first.pk))
    association.refresh_from_db()
    assert (association.contact_person, association.email) == ("", "")
    assert association.intro != "Nieuwe intro"


def _fields(model):
    return reversion.revisions._get_options(model).fields


def test_files_and_what_describes_them_are_not_versioned():
    assert not {"hero_image", "hero_width", "hero_height", "hero_alt"} & set(versioned_fields(NewsPost))
    assert not {"file", "size"} & set(versioned_fields(Document))


def test_stored_revisions_add_no_query_to_the_public_page(client, own):
    post = NewsPostFactory(network=own, status=NewsPost.Status.PUBLISHED, title="Bericht", slug="bericht")
    url = post.get_absolute_url()
    assert client.get(url).status_code == 200  # warm the site's caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    with reversion.create_revision():
        for title in ("Een", "Twee", "Drie"):
            post.title = title
            post.save()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
