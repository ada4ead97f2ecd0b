"""The admin's personal-data page and the changelist actions leading to it: superusers only, POST and CSRF."""

import io
import json
import logging
import zipfile

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.models import Signature
from events.models import Registration
from network.models import NetworkMembership
from network.permissions import Role
from newsletter.models import Subscriber
from privacy.personal_data import StaffAccounts
from tests.helpers import with_mfa
from tests.privacy.conftest import EMAIL, OTHER, PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/beheer/privacy/persoonsgegevens/"


def nl(text):
    with translation.override("nl"):
        return str(text)


@pytest.fixture
def superuser_client(world, client):
    client.force_login(world["superuser"])
    return client


def staff(world, username, role):
    user = with_mfa(User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True))
    user.groups.add(Group.objects.get(name=role))
    NetworkMembership.objects.create(user=user, network=world["tpa"])
    return user


def test_the_page_is_at_its_dutch_address_and_in_the_admin_index(superuser_client):
    assert reverse("admin:privacy_personal_data") == PAGE
    response = superuser_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html and 'name="csrfmiddlewaretoken"' in html and "<h1>" in html
    assert f'href="{PAGE}"' in superuser_client.get("/beheer/").content.decode()


def test_a_lookup_shows_counts_per_kind_not_the_records(superuser_client):
    response = superuser_client.post(PAGE, {"step": "lookup", "email": " RITA@example.org "})
    assert response.status_code == 200
    html = response.content.decode()
    assert EMAIL in html and nl(StaffAccounts.label) in html
    assert "Rita Peeters" not in html and "192.0.2.7" not in html  # counts, not records
    rows = {finding.kind.key: finding.count for finding in response.context["results"][0]["findings"]}
    assert rows["campaigns.signature"] == 2 and rows["newsletter.subscription"] == 2
    assert html.count('name="addresses"') == 2  # carried to the export and to the confirmation, as POST


def test_a_lookup_of_no_address_is_a_400_with_the_form_again(superuser_client):
    response = superuser_client.post(PAGE, {"step": "lookup", "email": "geen adres"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]


def test_export_is_a_json_download(superuser_client):
    response = superuser_client.post(PAGE, {"step": "export", "addresses": ["Rita@Example.org"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="persoonsgegevens.json"'
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content.decode("utf-8"))
    assert document["email_address"] == EMAIL and OTHER not in response.content.decode()


def test_export_of_several_addresses_is_one_document_per_address_in_a_zip(superuser_client):
    response = superuser_client.post(PAGE, {"step": "export", "addresses": [EMAIL, OTHER]})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [f"{OTHER}.json", f"{EMAIL}.json"]
        assert json.loads(archive.read(f"{OTHER}.json"))["email_address"] == OTHER
        assert EMAIL not in archive.read(f"{OTHER}.json").decode()


def test_erasing_asks_for_confirmation_first(superuser_client):
    response = superuser_client.post(PAGE, {"step": "confirm", "addresses": [EMAIL]})
    assert response.status_code == 200
    assert response.templates[0].name == "privacy/admin/confirm_erase.html"
    assert 'name="step" value="erase"' in response.content.decode()
    assert Signature.objects.filter(email=EMAIL).count() == 2


def test_erasing_erases_says_so_in_dutch_and_logs_without_the_address(world, superuser_client, caplog):
    with caplog.at_level(logging.INFO, logger="privacy"):
        response = superuser_client.post(PAGE, {"step": "erase", "addresses": [EMAIL]})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Signature.objects.filter(email=EMAIL).exists() and not Registration.objects.filter(email=EMAIL).exists()
    assert Signature.objects.filter(email=OTHER).exists()
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "success" and EMAIL not in message.message

    entry = LogEntry.objects.get(action_flag=DELETION, content_type=None)
    assert entry.user == world["superuser"]
    assert EMAIL not in entry.object_repr + entry.change_message and "rita" not in entry.change_message.lower()
    assert f"Personal data erased by user {world['superuser'].pk}" in caplog.text and EMAIL not in caplog.text


def test_erasing_the_last_superuser_is_refused_on_the_page(world, superuser_client):
    email = world["superuser"].email
    confirm = superuser_client.post(PAGE, {"step": "confirm", "addresses": [email]})
    assert 'value="erase"' not in confirm.content.decode()
    response = superuser_client.post(PAGE, {"step": "erase", "addresses": [email]})
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert User.objects.get(pk=world["superuser"].pk).is_superuser


def test_the_post_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["superuser"])
    assert client.post(PAGE, {"step": "erase", "addresses": [EMAIL]}).status_code == 403
    assert Signature.objects.filter(email=EMAIL).count() == 2


@pytest.mark.parametrize("role", [Role.NETWORK_EDITOR, Role.NEWSLETTER_MANAGER, Role.ASSOCIATION_EDITOR])
def test_other_staff_get_403_and_no_link(world, client, role):
    client.force_login(staff(world, "medewerker", role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"step": "erase", "addresses": [EMAIL]}).status_code == 403
    assert client.post(PAGE, {"step": "export", "addresses": [EMAIL]}).status_code == 403
    assert Signature.objects.filter(email=EMAIL).count() == 2
    assert PAGE not in client.get("/beheer/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    response = client.post(PAGE, {"step": "erase", "addresses": [EMAIL]})
    assert response.status_code == 302 and Signature.objects.filter(email=EMAIL).count() == 2


@pytest.mark.parametrize(
    ("changelist", "selected"),
    [
        ("admin:campaigns_signature_changelist", lambda world: [world["signatures"][0], world["other_signature"]]),
        ("admin:events_registration_changelist", lambda world: [world["registration"], world["waiting"]]),
        ("admin:newsletter_subscriber_changelist", lambda world: [world["subscriber"], world["other_subscriber"]]),
    ],
)
def test_the_changelist_action_leads_superusers_to_the_summary(world, superuser_client, changelist, selected):
    response = superuser_client.post(
        reverse(changelist),
        {"action": "personal_data", "_selected_action": [record.pk for record in selected(world)]},
    )
    assert response.status_code == 200
    assert [result["email"] for result in response.context["results"]] == [OTHER, EMAIL]
    html = response.content.decode()
    assert f'action="{PAGE}"' in html and 'value="confirm"' in html and 'value="export"' in html
    assert Signature.objects.filter(email=EMAIL).count() == 2  # nothing erased yet


def test_the_action_is_offered_to_superusers_only(world, client):
    editor = staff(world, "redacteur", Role.NETWORK_EDITOR)
    client.force_login(editor)
    for changelist in ["admin:campaigns_signature_changelist", "admin:events_registration_changelist"]:
        response = client.get(reverse(changelist))
        assert response.status_code == 200
        assert 'value="personal_data"' not in response.content.decode()
        response = client.post(
            reverse(changelist), {"action": "personal_data", "_selected_action": [world["signatures"][0].pk]}
        )
        assert Signature.objects.filter(email=EMAIL).count() == 2
    client.force_login(world["superuser"])
    assert 'value="personal_data"' in client.get(reverse("admin:campaigns_signature_changelist")).content.decode()
    assert Subscriber.objects.filter(email=EMAIL).exists()
