"""What the audit trail records: who did what to which object of which network, and which fields changed.

Content changed through the admin (forms, bulk actions, imports) and by services leaves one
entry per object with the staff member as actor; publishing reads as such; personal data of
the public is never copied into the trail, and demo loading leaves no entries.
"""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from associations.models import Activity, AssociationMembership, Photo, Story
from audit.models import AuditEntry
from campaigns.models import CampaignDocument, Face, KeyDate, Signature
from events.models import Registration
from network.models import Document, NetworkMembership, Page, Theme
from news.models import NewsLink, NewsPost
from newsletter.models import Delivery, Subscriber, Subscription
from tests.admin_forms import ASSOCIATION_CSV_HEADER as HEADER
from tests.admin_forms import admin_form, admin_form_data, admin_url
from tests.admin_forms import post_association_import as post_import
from tests.audit.conftest import entries_of
from tests.factories import (
    CampaignFactory,
    DocumentFactory,
    EventFactory,
    make_association,
    make_issue,
    make_list,
    make_page,
    make_post,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
Event_ = AuditEntry.Event


def unpublished_campaign(network, title="Lokaal sociaal"):
    """A campaign as an editor starts one: unpublished, this year."""
    return CampaignFactory(
        network=network,
        title=title,
        slug=title.lower().replace(" ", "-"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        is_published=False,
    )


def upcoming_event(network, slug="forum", published=True):
    start = timezone.localdate() + datetime.timedelta(days=10)
    return EventFactory(network=network, slug=slug, title=slug.capitalize(), published=published, start_date=start)


def tiny_png():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_creating_a_page_in_the_admin_records_actor_network_and_values(client, world):
    editor = world.users["network_editor"]
    data = admin_form(client, world.users["superuser"], "network", "page")
    data.update(
        network=str(world.own.pk),
        title="Onze werking",
        slug="onze-werking",
        body="<p>Wat we <strong>doen</strong></p>",
        last_reviewed="2026-01-01",
    )
    data.pop("published", None)  # a draft
    client.force_login(editor)
    response = client.post(admin_url("network", "page", "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    [entry] = entries_of(Page.objects.get(slug="onze-werking"))
    assert entry.action == AuditEntry.Action.CREATE and entry.event == Event_.CREATED
    assert entry.actor == editor and entry.actor_email == editor.email
    assert entry.network_id == world.own.pk
    assert entry.object_repr == "Onze werking"
    assert entry.changes["title"] == [None, "Onze werking"]
    assert entry.changes["published"] == [None, False]
    # Rich text is kept as plain text; the network by its name.
    assert entry.changes["body"] == [None, "Wat we doen"]
    assert entry.changes["network"] == [None, world.own.name]
    assert entry.remote_addr is None  # no staff IP address is kept


def test_changing_a_page_records_the_changed_fields_old_and_new(client, world):
    page = make_page(world.own, "Wettelijk kader")
    data = admin_form(client, world.users["superuser"], "network", "page", page)
    data["title"] = "Wettelijk kader 2020-2024"
    client.force_login(world.users["network_editor"])
    assert client.post(admin_url("network", "page", "change", page), data).status_code == 302

    entry = entries_of(page)[-1]
    assert entry.event == Event_.CHANGED
    assert entry.actor == world.users["network_editor"]
    assert entry.changes == {"title": ["Wettelijk kader", "Wettelijk kader 2020-2024"]}
    assert entry.changed_field_labels() == ["Titel"]


def test_publishing_and_unpublishing_a_post_in_its_form_read_as_such(client, world):
    post = make_post(world.own, "Vooruitblik verkiezingen")
    editor = world.users["network_editor"]
    data = admin_form(client, world.users["superuser"], "news", "newspost", post)
    client.force_login(editor)

    client.post(admin_url("news", "newspost", "change", post), {**data, "status": "published"})
    client.post(admin_url("news", "newspost", "change", post), {**data, "status": "draft"})

    published, unpublished = entries_of(post)[-2:]
    assert (published.event, unpublished.event) == (Event_.PUBLISHED, Event_.UNPUBLISHED)
    assert published.changes["status"] == ["draft", "published"]
    assert published.actor == unpublished.actor == editor
    assert str(published) == "Gepubliceerd: Vooruitblik verkiezingen"


def make_offline(model, network, title):
    if model == "page":
        return make_page(network, title, published=False)
    if model == "newspost":
        return make_post(network, title)
    if model == "event":
        return upcoming_event(network, slug=title.lower().replace(" ", "-"), published=False)
    if model == "document":  # a new document starts as a draft
        return DocumentFactory(network=network, title=title, published=False)
    return unpublished_campaign(network, title)  # a campaign starts unpublished


@pytest.mark.parametrize(
    ("app", "model"),
    [
        ("network", "page"),
        ("news", "newspost"),
        ("network", "document"),
        ("campaigns", "campaign"),
        ("events", "event"),
    ],
)
def test_bulk_publish_and_unpublish_record_one_entry_per_object_with_actor(client, world, app, model):
    mine = [make_offline(model, world.own, f"Eigen {n}") for n in (1, 2)]
    theirs = make_offline(model, world.other, "Ander 1")
    editor = world.users["network_editor"]
    client.force_login(editor)
    changelist = admin_url(app, model, "changelist")
    selected = [str(obj.pk) for obj in [*mine, theirs]]  # a forged id of another network among them

    response = client.post(changelist, {"action": "publish_selected", "_selected_action": selected})
    assert response.status_code == 302
    for obj in mine:
        entry = entries_of(obj)[-1]
        assert (entry.event, entry.actor, entry.network_id) == (Event_.PUBLISHED, editor, world.own.pk)
    assert [entry.event for entry in entries_of(theirs)] == [Event_.CREATED] * len(entries_of(theirs))

    client.post(changelist, {"action": "unpublish_selected", "_selected_action": selected})
    for obj in mine:
        entry = entries_of(obj)[-1]
        assert (entry.event, entry.actor) == (Event_.UNPUBLISHED, editor)
    theirs.refresh_from_db()
    assert not any(entry.event in (Event_.PUBLISHED, Event_.UNPUBLISHED) for entry in entries_of(theirs))


def test_bulk_publish_skips_what_is_already_published(client, world):
    page = make_page(world.own, "Al online", published=True)
    client.force_login(world.users["network_editor"])
    before = len(entries_of(page))
    client.post(
        admin_url("network", "page", "changelist"), {"action": "publish_selected", "_selected_action": [page.pk]}
    )
    assert len(entries_of(page)) == before


def test_deleting_in_the_admin_records_it_and_the_trail_stays(client, world):
    page = make_page(world.own, "Verouderd")
    page_id = page.pk
    client.force_login(world.users["network_editor"])
    response = client.post(admin_url("network", "page", "delete", page), {"post": "yes"})
    assert response.status_code == 302
    assert not Page.objects.filter(pk=page_id).exists()

    entries = entries_of(page)
    assert [entry.event for entry in entries] == [Event_.CREATED_PUBLISHED, Event_.DELETED]
    deleted = entries[-1]
    assert deleted.actor == world.users["network_editor"] and deleted.network_id == world.own.pk
    assert deleted.object_repr == "Verouderd"
    # The network's editors still read the whole story of the deleted page.
    listing = client.get(admin_url("audit", "auditentry", "changelist") + f"?object_id={page_id}")
    assert listing.content.decode().count("Verouderd") >= 2


def test_bulk_delete_records_each_object_with_actor(client, world):
    pages = [make_page(world.own, f"Weg {n}") for n in (1, 2)]
    editor = world.users["network_editor"]
    client.force_login(editor)
    selected = [page.pk for page in pages]
    response = client.post(
        admin_url("network", "page", "changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.filter(
        content_type__model="page", object_id__in=selected, action=AuditEntry.Action.DELETE
    )
    assert {(entry.object_repr, entry.actor, entry.network_id) for entry in deleted} == {
        ("Weg 1", editor, world.own.pk),
        ("Weg 2", editor, world.own.pk),
    }


def test_m2m_changes_are_recorded_on_the_object(client, world):
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    page = make_page(world.own, "Huisvesting")
    data = admin_form(client, world.users["superuser"], "network", "page", page)
    data["themes"] = [str(theme.pk)]
    client.force_login(world.users["network_editor"])
    client.post(admin_url("network", "page", "change", page), data)
    entry = entries_of(page)[-1]
    assert entry.changes == {"themes": {"type": "m2m", "operation": "add", "objects": ["Wonen"]}}
    assert entry.network_id == world.own.pk and entry.actor == world.users["network_editor"]


def test_child_objects_carry_the_network_of_their_parent(world, as_superuser):
    network = world.own
    campaign = unpublished_campaign(network)
    post = make_post(network, "Met links")
    document = Document.objects.create(
        network=network, title="Dossier", date=datetime.date(2026, 1, 1), file=SimpleUploadedFile("d.pdf", PDF)
    )
    mailing_list = make_list(network)
    children = [
        KeyDate.objects.create(campaign=campaign, label="Verkiezingen", date=datetime.date(2026, 10, 14)),
        Face.objects.create(campaign=campaign, name="Marie", quote="Samen"),
        CampaignDocument.objects.create(campaign=campaign, document=document),
        NewsLink.objects.create(post=post, label="Meer", url="https://example.org/"),
        Activity.objects.create(association=world.association, what="Ontmoeting", when="dinsdag"),
        Photo.objects.create(
            association=world.association, image=SimpleUploadedFile("foto.png", tiny_png()), alt_text="Een zaal"
        ),
        Story.objects.create(
            association=world.association,
            title="In beeld",
            slug="in-beeld-1",
            quote="Wij",
            body="<p>x</p>",
            date=datetime.date(2026, 1, 1),
        ),
        AssociationMembership.objects.create(user=world.users["other_editor"], association=world.association),
        NetworkMembership.objects.create(user=world.users["other_editor"], network=network),
        make_issue(mailing_list),
        mailing_list,
        upcoming_event(network),
    ]
    for child in children:
        [entry] = entries_of(child)
        assert entry.network_id == network.pk, type(child).__name__
        assert entry.actor == as_superuser


def test_deleting_a_campaign_keeps_the_trail_of_its_key_dates_with_the_network(world, as_superuser):
    campaign = unpublished_campaign(world.own)
    KeyDate.objects.create(campaign=campaign, label="Werelddag", date=datetime.date(2026, 10, 17))
    campaign.delete()  # deletes its key dates with it
    deleted = AuditEntry.objects.filter(object_repr="Werelddag").order_by("pk").last()
    assert (deleted.event, deleted.network_id, deleted.actor) == (Event_.DELETED, world.own.pk, as_superuser)
    assert AuditEntry.objects.filter(object_repr="Lokaal sociaal").order_by("pk").last().event == Event_.DELETED


def test_a_face_is_recorded_without_the_persons_data(world, as_superuser):
    campaign = unpublished_campaign(world.own)
    face = Face.objects.create(campaign=campaign, name="Marie Peeters", role="Puurs", quote="Ik wil meetellen")
    face.quote = "Ik tel mee"
    face.consent_recorded, face.consent_recorded_on = True, datetime.date(2026, 1, 5)
    face.save()
    entries_before_delete = entries_of(face)
    face.delete()
    entries = [*entries_before_delete, AuditEntry.objects.order_by("pk").last()]
    assert [entry.event for entry in entries] == [Event_.CREATED, Event_.CHANGED, Event_.DELETED]
    stored = repr([(entry.object_repr, entry.changes) for entry in entries])
    assert "Marie" not in stored and "Peeters" not in stored and "meetel" not in stored and "tel mee" not in stored
    assert entries[1].changes["quote"] == ["***", "***"]  # that it changed is kept, not what it said
    assert entries[1].changes["consent_recorded"] == [False, True]


def test_an_associations_contact_person_is_not_copied_into_the_trail(world, as_superuser):
    association = make_association(world.own, "Recht-Op", contact_person="Jan Janssens", phone="03 123 45 67")
    association.email = "jan@example.org"
    association.save()
    stored = repr([entry.changes for entry in entries_of(association)])
    assert "Janssens" not in stored and "123 45" not in stored and "jan@example.org" not in stored
    assert entries_of(association)[-1].changes == {"email": ["", "***"]}


def test_long_text_is_kept_as_a_short_excerpt_around_the_change(world, as_superuser):
    page = make_page(world.own, "Lang")
    page.body = "<p>" + "Armoede is geen keuze. " * 60 + "Slot.</p>"
    page.save()
    page.body = page.body.replace("Slot.", "Einde.")
    page.save()
    old, new = entries_of(page)[-1].changes["body"]
    assert len(old) < 260 and len(new) < 260
    assert old.startswith("…") and old.endswith("Slot.") and new.endswith("Einde.")
    assert "<p>" not in old


@pytest.mark.parametrize("model", [Signature, Registration, Subscriber, Subscription, Delivery])
def test_models_with_personal_data_of_the_public_are_not_followed(model):
    assert not auditlog.contains(model)


def test_personal_data_of_the_public_leaves_no_entries(world, as_superuser):
    campaign = unpublished_campaign(world.own)
    event = upcoming_event(world.own)
    mailing_list = make_list(world.own)
    issue = make_issue(mailing_list)
    signature = Signature.objects.create(
        campaign=campaign, name="Els", place="Gent", email="els@example.org", consent_text="Ja"
    )
    registration = Registration.objects.create(event=event, name="Els", email="els@example.org")
    subscriber = make_subscriber("els@example.org", mailing_list)
    delivery = Delivery.objects.create(issue=issue, subscriber=subscriber)
    for obj in (signature, registration, delivery, subscriber):
        obj.delete()
    personal = ContentType.objects.get_for_models(Signature, Registration, Subscriber, Subscription, Delivery)
    assert not AuditEntry.objects.filter(content_type__in=personal.values()).exists()
    assert "els@example.org" not in repr(list(AuditEntry.objects.values_list("object_repr", "changes")))


def test_user_roles_and_flags_are_recorded_for_superusers_only(world, as_superuser):
    from django.contrib.auth.models import Group

    user = world.users["association_editor"]
    user.is_superuser = True
    user.last_login = timezone.now()
    user.save()
    user.groups.add(Group.objects.get(name="Netwerkredacteur"))
    changed, role = entries_of(user)[-2:]
    assert changed.changes == {"is_superuser": [False, True]}  # nothing else of the account
    assert role.changes["groups"]["objects"] == ["Netwerkredacteur"]
    assert changed.network_id is None and role.network_id is None


def test_an_import_in_the_admin_records_each_association_with_the_importer(client, world):
    editor = world.users["network_editor"]
    client.force_login(editor)
    csv = HEADER + "Nieuw Huis,nieuw-huis,eigen,Genk,3600,Intro\n"
    preview = post_import(client, csv).content.decode()
    assert not AuditEntry.objects.filter(object_repr="Nieuw Huis").exists()  # the preview stores nothing
    confirm = admin_form_data(preview, action="/beheer/associations/association/process_import/")
    client.post("/beheer/associations/association/process_import/", confirm)

    [entry] = AuditEntry.objects.filter(object_repr="Nieuw Huis")
    assert (entry.event, entry.actor, entry.network_id) == (Event_.CREATED_PUBLISHED, editor, world.own.pk)
    assert entry.changes["municipality"] == [None, "Genk"]


def test_the_import_command_records_the_given_user_as_actor(world, tmp_path):
    path = tmp_path / "verenigingen.csv"
    path.write_text(HEADER + "Open Huis,open-huis,eigen,Hasselt,3500,Intro\n", encoding="utf-8")
    editor = world.users["network_editor"]
    call_command("import_associations", str(path), "--user", editor.email, verbosity=0)
    [entry] = AuditEntry.objects.filter(object_repr="Open Huis")
    assert (entry.actor, entry.network_id) == (editor, world.own.pk)


def test_sending_an_issue_is_recorded_as_sent_by_the_manager(client, world):
    manager = world.users["newsletter_manager"]
    issue = make_issue(make_list(world.own))
    client.force_login(manager)
    response = client.post(f"/beheer/newsletter/issue/{issue.pk}/versturen/")
    assert response.status_code == 302
    entry = entries_of(issue)[-1]
    assert (entry.event, entry.actor, entry.network_id) == (Event_.SENT, manager, world.own.pk)
    assert entry.changes == {"status": ["draft", "sending"]}


def test_loading_the_demo_leaves_no_entries(db):
    call_command("load_demo", verbosity=0)
    assert Page.objects.exists() and NewsPost.objects.exists()
    assert not AuditEntry.objects.exists()


def test_nothing_is_recorded_without_a_change(world, as_superuser):
    page = make_page(world.own, "Stil")
    page.save()
    assert len(entries_of(page)) == 1


def test_entries_know_no_actor_outside_a_request(world):
    page = make_page(world.own, "Zonder mens")
    [entry] = entries_of(page)
    assert entry.actor is None and entry.network_id == world.own.pk


def test_an_entry_stays_when_its_actor_is_deleted(world):
    editor = world.users["network_editor"]
    with set_actor(editor):
        page = make_page(world.own, "Blijft")
    editor.delete()
    [entry] = entries_of(page)
    assert entry.actor is None and entry.actor_email == "redacteur@example.org"
