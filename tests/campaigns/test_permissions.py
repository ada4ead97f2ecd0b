"""Campaign admin: every role x model x own and other network, for list, change, delete, add and
forged posts; the inlines, the news post's campaign, read-only signatures and the CSV exports.

An editor of one network must neither see nor reach another network's campaigns or signatures,
and a hand-made POST naming another network (or its objects) must change nothing.
"""

import csv
import datetime
import re
from html import escape

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.models import Campaign, CampaignDocument, Face, KeyDate, Signature
from network.models import Document
from network.permissions import Role
from news.models import NewsPost
from tests.admin_forms import admin_form, admin_url
from tests.factories import DocumentFactory, SignatureFactory, StaffFactory, SuperuserFactory, make_network

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ALL = {"view", "add", "change", "delete"}
NONE = set()
INLINES = ["keydate", "face", "campaigndocument"]
# What each role may do, per model, with objects of its own network. With another network's
# objects only the superuser may do anything. Signatures are the signers' own: nobody edits them.
ROLES = {
    "superuser": {"campaign": ALL, **dict.fromkeys(INLINES, ALL), "signature": {"view", "delete"}},
    "network_editor": {"campaign": ALL, **dict.fromkeys(INLINES, ALL), "signature": {"view", "delete"}},
    "newsletter_manager": {"campaign": NONE, **dict.fromkeys(INLINES, NONE), "signature": NONE},
    "association_editor": {"campaign": NONE, **dict.fromkeys(INLINES, NONE), "signature": NONE},
}
GROUPS = {
    "network_editor": Role.NETWORK_EDITOR,
    "newsletter_manager": Role.NEWSLETTER_MANAGER,
    "association_editor": Role.ASSOCIATION_EDITOR,
}
SIDES = ["own", "other"]
# Titles that appear nowhere else, so their absence from a page means the object did not leak.
TITLES = {"own": "Campagne Zonnebloem", "other": "Campagne Distelvink"}
HYPERLINK = '=HYPERLINK("http://x")'
# A new inline row per model: (formset prefix, fields); "document" is filled in per network.
NEW_ROWS = {
    "keydate": ("key_dates", {"label": "Nieuwe datum", "date": "2026-11-01"}),
    "face": ("faces", {"name": "Nieuw gezicht", "role": "Gent", "quote": "Samen sterk", "position": "1"}),
    "campaigndocument": ("campaigndocument_set", {"version": "2.0", "position": "1"}),
}


def can(role, model, action, side):
    return action in ROLES[role][model] and (side == "own" or role == "superuser")


@pytest.fixture
def world():
    today = timezone.localdate()
    networks = {"own": make_network("eigen", 0), "other": make_network("ander", 1)}
    objects = {}
    # The other network's campaign first: no campaign shares its pk with its own network.
    for side in ("other", "own"):
        network = networks[side]
        campaign = Campaign.objects.create(
            network=network,
            title=TITLES[side],
            slug=f"campagne-{side}",
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=30),
            is_published=True,
            intro="Een korte uitleg.",
        )
        linked = DocumentFactory(network=network, title=f"Dossier {side}")
        CampaignDocument.objects.create(campaign=campaign, document=linked)
        objects[side] = {
            "network": network,
            "campaign": campaign,
            "keydate": KeyDate.objects.create(campaign=campaign, label=f"Stemdag {side}", date=today),
            "face": Face.objects.create(campaign=campaign, name=f"Gezicht {side}", quote="Doe mee"),
            "document": DocumentFactory(network=network, title=f"Bijlage {side}"),
            "signature": SignatureFactory(
                campaign=campaign,
                name=HYPERLINK if side == "own" else "Vera Vreemd",
                email=f"bevestigd-{side}@example.org",
                confirmed=True,
            ),
            "pending": SignatureFactory(
                campaign=campaign, name=f"Wachtend {side}", email=f"wachtend-{side}@example.org", confirmed=False
            ),
        }
    objects["own"]["newspost"] = NewsPost.objects.create(
        network=objects["own"]["network"], title="Bericht eigen", slug="bericht-eigen", lead="Kort", body="<p>x</p>"
    )
    users = {"superuser": SuperuserFactory(username="super")}
    for role, group_name in GROUPS.items():
        users[role] = StaffFactory(username=role, role=group_name, networks=[objects["own"]["network"]])
    return {**objects, "users": users}


def url(model, action, obj=None):
    return admin_url("campaigns", model, action, obj)


def form_data(client, world, model, obj=None, app_label="campaigns"):
    """The admin form as the superuser sees it; the caller logs in as the role under test afterwards."""
    return admin_form(client, world["users"]["superuser"], app_label, model, obj)


def choices(html, name):
    """The non-empty option values of the select `name`."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return {value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value}


def refused_status(role, model, actions):
    """403 for a role without any of `actions` on the model; another network's object is outside the
    role's list, and the admin redirects as for an object that does not exist."""
    return 302 if ROLES[role][model] & set(actions) else 403


def assert_refused(response, obj, status):
    """Not shown: `status`; a redirect goes to the admin index (Django's "does not exist")."""
    assert response.status_code == status
    if status == 302:
        assert response.url == "/beheer/"
    assert escape(str(obj)) not in response.content.decode()


def csv_rows(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    header, *rows = csv.reader(response.content.decode("utf-8-sig").splitlines())
    assert header[:2] == ["actie", "naam"]
    return rows


# List, change, delete -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["campaign", "signature"])
def test_list_shows_own_network_only(client, world, role, model):
    client.force_login(world["users"][role])
    response = client.get(url(model, "changelist"))
    if not ROLES[role][model]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert url(model, "change", world["own"][model]) in html
    assert TITLES["own"] in html
    seen_other = role == "superuser"
    assert (url(model, "change", world["other"][model]) in html) == seen_other
    # Not in a row, a filter, a date link or anywhere else.
    assert (TITLES["other"] in html) == seen_other


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["campaign", "signature"])
@pytest.mark.parametrize("side", SIDES)
def test_change_and_delete_only_own_network(client, world, role, model, side):
    obj = world[side][model]
    client.force_login(world["users"][role])
    response = client.get(url(model, "change", obj))
    if can(role, model, "view", side):
        assert response.status_code == 200
        assert escape(str(obj)) in response.content.decode()
    else:
        assert_refused(response, obj, refused_status(role, model, {"view", "change"}))

    may_delete = can(role, model, "delete", side)
    page = client.get(url(model, "delete", obj))
    if may_delete:
        assert page.status_code == 200
    else:
        assert_refused(page, obj, refused_status(role, model, {"delete"}))
    response = client.post(url(model, "delete", obj), {"post": "yes"})
    assert response.status_code == (302 if may_delete else refused_status(role, model, {"delete"}))
    assert type(obj).objects.filter(pk=obj.pk).exists() != may_delete


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_forged_campaign_change_changes_nothing(client, world, role, side):
    campaign = world[side]["campaign"]
    data = form_data(client, world, "campaign", campaign)
    data["title"] = "Gewijzigd"
    client.force_login(world["users"][role])
    response = client.post(url("campaign", "change", campaign), data)
    campaign.refresh_from_db()
    may_change = can(role, "campaign", "change", side)
    assert (campaign.title == "Gewijzigd") == may_change, response.content.decode()[:3000]
    if not may_change:
        assert response.status_code == refused_status(role, "campaign", {"change"})


def test_editor_cannot_move_a_campaign_to_another_network(client, world):
    campaign = world["own"]["campaign"]
    data = form_data(client, world, "campaign", campaign)
    data.update({"network": str(world["other"]["network"].pk), "title": "Verhuisd"})
    client.force_login(world["users"]["network_editor"])
    response = client.post(url("campaign", "change", campaign), data)
    campaign.refresh_from_db()
    assert (campaign.network, campaign.title) == (world["own"]["network"], TITLES["own"])
    assert "Selecteer een geldige keuze" in response.content.decode()


# Add ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_add_campaign_naming_a_network(client, world, role, side):
    data = form_data(client, world, "campaign")
    data.update(
        {
            "network": str(world[side]["network"].pk),
            "title": "Toegevoegd",
            "slug": "toegevoegd",
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-01",
            "intro": "Kort",
        }
    )
    client.force_login(world["users"][role])
    response = client.post(url("campaign", "add"), data)
    created = Campaign.objects.filter(slug="toegevoegd").first()
    if can(role, "campaign", "add", side):
        assert created is not None, response.content.decode()[:3000]
        assert created.network == world[side]["network"]
    elif "add" in ROLES[role]["campaign"]:
        assert created is None
        assert response.status_code == 200, "the form again: another network is no valid choice"
        assert "Selecteer een geldige keuze" in response.content.decode()
    else:
        assert created is None
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_add_form_offers_only_own_networks(client, world, role):
    client.force_login(world["users"][role])
    html = client.get(url("campaign", "add")).content.decode()
    expected = {str(world["own"]["network"].pk)}
    if role == "superuser":
        expected.add(str(world["other"]["network"].pk))
    assert choices(html, "network") == expected


# Inlines: key dates, faces, documents ---------------------------------------------------------


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
@pytest.mark.parametrize("side", SIDES)
def test_inline_rows_added_through_the_campaign_form(client, world, role, side):
    """One POST adds a key date, a face and a document row; each is stored only where the role may add it."""
    campaign = world[side]["campaign"]
    data = form_data(client, world, "campaign", campaign)
    for model in INLINES:
        prefix, fields = NEW_ROWS[model]
        fields = {**fields, "document": str(world[side]["document"].pk)} if model == "campaigndocument" else fields
        row = int(data[f"{prefix}-TOTAL_FORMS"])
        assert row == 1, model  # the fixture's own row is in the form
        data.update({f"{prefix}-{row}-{field}": value for field, value in fields.items()})
        data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    client.force_login(world["users"][role])
    response = client.post(url("campaign", "change", campaign), data)
    for model, model_class in zip(INLINES, (KeyDate, Face, CampaignDocument), strict=True):
        added = model_class.objects.filter(campaign=campaign).count() == 2
        assert added == can(role, model, "add", side), (model, response.content.decode()[:3000])


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_inline_document_choices_are_own_network_documents(client, world, role):
    client.force_login(world["users"][role])
    html = client.get(url("campaign", "change", world["own"]["campaign"])).content.decode()
    own = {str(doc.pk) for doc in Document.objects.filter(network=world["own"]["network"])}
    offered = choices(html, "campaigndocument_set-0-document")
    assert offered == (set(map(str, Document.objects.values_list("pk", flat=True))) if role == "superuser" else own)
    assert choices(html, "campaigndocument_set-__prefix__-document") == offered
    assert ("Bijlage other" in html) == (role == "superuser")


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_forged_inline_document_of_another_network_is_refused(client, world, role):
    campaign = world["own"]["campaign"]
    data = form_data(client, world, "campaign", campaign)
    data.update(
        {
            "campaigndocument_set-1-document": str(world["other"]["document"].pk),
            "campaigndocument_set-1-position": "1",
            "campaigndocument_set-TOTAL_FORMS": "2",
        }
    )
    client.force_login(world["users"][role])
    response = client.post(url("campaign", "change", campaign), data)
    assert response.status_code == 200
    assert CampaignDocument.objects.filter(campaign=campaign).count() == 1
    html = response.content.decode()
    # The editor is never offered the document; the superuser is, but the model refuses it.
    expected = "Selecteer een geldige keuze" if role == "network_editor" else "van het netwerk van de actie zelf"
    assert expected in html


# The news post's campaign ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_news_post_campaign_choices_are_own_network_campaigns(client, world, role):
    client.force_login(world["users"][role])
    for page in (
        admin_url("news", "newspost", "add"),
        admin_url("news", "newspost", "change", world["own"]["newspost"]),
    ):
        html = client.get(page).content.decode()
        expected = {str(world["own"]["campaign"].pk)}
        if role == "superuser":
            expected.add(str(world["other"]["campaign"].pk))
        assert choices(html, "campaign") == expected
        assert (TITLES["other"] in html) == (role == "superuser")


@pytest.mark.parametrize("role", ["superuser", "network_editor"])
def test_forged_news_post_campaign_of_another_network_is_refused(client, world, role):
    post = world["own"]["newspost"]
    data = form_data(client, world, "newspost", post, app_label="news")
    data["campaign"] = str(world["other"]["campaign"].pk)
    client.force_login(world["users"][role])
    response = client.post(admin_url("news", "newspost", "change", post), data)
    post.refresh_from_db()
    assert post.campaign is None
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("side", SIDES)
def test_news_post_clean_refuses_a_campaign_of_another_network(world, side):
    post = NewsPost(network=world["own"]["network"], campaign=world[side]["campaign"], title="x", lead="x")
    if side == "own":
        post.clean()
        return
    with pytest.raises(ValidationError) as refused:
        post.clean()
    assert refused.value.message_dict["campaign"]


# Signatures: read-only, filtered --------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_signatures_are_read_only(client, world, role):
    client.force_login(world["users"][role])
    assert client.get(url("signature", "add")).status_code == 403
    for side in SIDES:
        signature = world[side]["signature"]
        page = client.get(url("signature", "change", signature))
        if can(role, "signature", "view", side):
            assert page.status_code == 200
            html = page.content.decode()
            assert escape(signature.name) in html
            assert 'name="_save"' not in html and 'name="_continue"' not in html
            assert 'name="name"' not in html  # shown, not editable
        else:
            assert_refused(page, signature, refused_status(role, "signature", {"view", "change"}))
        data = {"campaign": str(signature.campaign_id), "name": "Vervalst", "place": "Genk", "email": "x@example.org"}
        response = client.post(url("signature", "change", signature), data)
        # Nobody may change a signature: 403, also for the superuser.
        assert response.status_code == 403
        client.post(url("signature", "add"), {**data, "email": f"nieuw-{side}@example.org"})
        signature.refresh_from_db()
        assert signature.name != "Vervalst"
    assert not Signature.objects.filter(name="Vervalst").exists()


def test_signature_campaign_filter_lists_own_network_campaigns_only(client, world):
    client.force_login(world["users"]["network_editor"])
    html = client.get(url("signature", "changelist")).content.decode()
    assert f"?campaign__id__exact={world['own']['campaign'].pk}" in html
    assert f"campaign__id__exact={world['other']['campaign'].pk}" not in html
    # A hand-made filter on the other network's campaign shows none of its signatures.
    forged = client.get(url("signature", "changelist"), {"campaign__id__exact": world["other"]["campaign"].pk})
    html = forged.content.decode()
    assert "Vera Vreemd" not in html and TITLES["other"] not in html


@pytest.mark.parametrize("value", ["abc", "²"])  # "²".isdigit() is true, yet int("²") fails
def test_forged_campaign_filter_value_is_refused_without_an_error(client, world, value):
    client.force_login(world["users"]["network_editor"])
    response = client.get(url("signature", "changelist"), {"campaign__id__exact": value})
    # Django's answer to a bad lookup: back to the list with ?e=1, never a server error.
    assert response.status_code == 302
    assert response.url == url("signature", "changelist") + "?e=1"


# CSV exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["export_csv", "export_signatures"])
def test_csv_export_holds_own_network_rows_only(client, world, role, action):
    model = "signature" if action == "export_csv" else "campaign"
    selected = [
        world[side][key].pk for side in SIDES for key in ([model, "pending"] if model == "signature" else [model])
    ]
    client.force_login(world["users"][role])
    response = client.post(
        url(model, "changelist"), {"action": action, "_selected_action": selected, "index": "0", "select_across": "0"}
    )
    if not ROLES[role][model]:
        assert response.status_code == 403
        return
    names = {row[1] for row in csv_rows(response)}
    expected = {"'" + HYPERLINK}
    if action == "export_csv":  # the selected signatures, confirmed or not
        expected.add("Wachtend own")
    if role == "superuser":
        expected |= {"Vera Vreemd", "Wachtend other"} if action == "export_csv" else {"Vera Vreemd"}
    assert names == expected
    assert HYPERLINK not in names


def test_bulk_delete_with_forged_ids_deletes_own_network_objects_only(client, world):
    client.force_login(world["users"]["network_editor"])
    for model in ("signature", "campaign"):
        selected = [world[side][model].pk for side in SIDES]
        data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
        client.post(url(model, "changelist"), data)
        model_class = type(world["own"][model])
        assert not model_class.objects.filter(pk=world["own"][model].pk).exists()
        assert model_class.objects.filter(pk=world["other"][model].pk).exists()


def test_object_permissions_and_save_guard_without_the_changelist_filter(rf, world):
    """The object-level checks hold on their own, not only because the queryset hides other networks."""
    request = rf.post("/")
    request.user = world["users"]["network_editor"]
    for model_class, actions in ((Campaign, ["view", "change", "delete"]), (Signature, ["view", "delete"])):
        model_admin = admin.site._registry[model_class]
        model = model_class._meta.model_name
        for side in SIDES:
            for action in actions:
                allowed = getattr(model_admin, f"has_{action}_permission")(request, world[side][model])
                assert allowed == (side == "own"), (model, side, action)
    campaign = world["other"]["campaign"]
    campaign.title = "Gekaapt"
    with pytest.raises(PermissionDenied):
        admin.site._registry[Campaign].save_model(request, campaign, None, True)
    campaign.refresh_from_db()
    assert campaign.title == TITLES["other"]
