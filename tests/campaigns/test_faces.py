"""A face's photo reaches public storage only once the consent is recorded (issue 17, point 12).

Uploads are public files at stable addresses: a photo uploaded "while we wait for the form"
was online for anyone with its address. Now the photo is refused until the consent is recorded,
by the admin form, by save() and by a database constraint; withdrawing consent means clearing it.
"""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from campaigns.models import Face
from network.models import NetworkMembership
from network.permissions import Role
from tests.admin_forms import admin_form, admin_url
from tests.factories import make_campaign, make_network
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

REFUSED = "Een foto kan pas toegevoegd worden als de toestemming vastgelegd is"


def portrait():
    buffer = BytesIO()
    Image.new("RGB", (400, 400), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("rita.png", buffer.getvalue(), content_type="image/png")


def stored_files(settings):
    return sorted(
        str(path.relative_to(settings.MEDIA_ROOT)) for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()
    )


@pytest.fixture
def campaign():
    return make_campaign(make_network("eigen", 0))


@pytest.fixture
def editor(client, campaign):
    superuser = with_mfa(User.objects.create_superuser("super", "super@example.org", "x"))
    user = with_mfa(User.objects.create_user("redacteur", "r@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
    NetworkMembership.objects.create(user=user, network=campaign.network)
    return {"superuser": superuser, "editor": user}


def post_face(client, users, campaign, **fields):
    """The campaign's admin form with one new face row, posted by the network editor."""
    data = admin_form(client, users["superuser"], "campaigns", "campaign", campaign)
    row = {
        "name": "Rita",
        "role": "Gent",
        "quote": "Samen staan we sterker.",
        "photo": portrait(),
        "photo_alt": "Rita lacht",
        "position": "0",
        **fields,
    }
    data.update({f"faces-0-{name}": value for name, value in row.items()})
    data["faces-TOTAL_FORMS"] = "1"
    client.force_login(users["editor"])
    return client.post(admin_url("campaigns", "campaign", "change", campaign), data)


def test_a_photo_without_recorded_consent_is_refused_and_never_stored(client, editor, campaign, settings):
    response = post_face(client, editor, campaign)
    assert response.status_code == 200  # the admin shows the form again, with the message at the photo
    assert REFUSED in response.content.decode()
    assert not Face.objects.exists()
    assert stored_files(settings) == []


def test_a_photo_with_recorded_consent_is_stored_and_shown(client, editor, campaign, settings):
    today = timezone.localdate()
    response = post_face(client, editor, campaign, consent_recorded="on", consent_recorded_on=today.isoformat())
    assert response.status_code == 302
    face = Face.objects.get()
    assert face.photo.name == "campaigns/faces/rita.png"
    assert "campaigns/faces/rita.png" in stored_files(settings)
    client.logout()
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "/media/campaigns/faces/rita.w320.webp" in page and 'alt="Rita lacht"' in page


def test_withdrawing_consent_needs_the_photo_cleared_which_deletes_its_files(
    client, editor, campaign, settings, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    post_face(client, editor, campaign, consent_recorded="on", consent_recorded_on=today.isoformat())
    face = Face.objects.get()

    data = admin_form(client, editor["superuser"], "campaigns", "campaign", campaign)
    data.pop("faces-0-consent_recorded")
    client.force_login(editor["editor"])
    response = client.post(admin_url("campaigns", "campaign", "change", campaign), data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    face.refresh_from_db()
    assert face.consent_recorded is True

    data["faces-0-photo-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(admin_url("campaigns", "campaign", "change", campaign), data).status_code == 302
    face.refresh_from_db()
    assert (face.consent_recorded, face.photo.name) == (False, "")
    assert stored_files(settings) == []


def test_code_cannot_store_a_photo_without_consent_either(campaign, settings):
    face = Face(campaign=campaign, name="Rita", quote="q", photo=portrait(), photo_alt="Rita")
    with pytest.raises(ValidationError):
        face.save()
    assert stored_files(settings) == []

    face = Face.objects.create(
        campaign=campaign,
        name="Jan",
        quote="q",
        photo=portrait(),
        photo_alt="Jan",
        consent_recorded=True,
        consent_recorded_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Face.objects.filter(pk=face.pk).update(consent_recorded=False)
