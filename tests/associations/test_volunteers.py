""" "Mijn vereniging": volunteers sign in with a mailed code, propose changes that are held until an editor
of the network approves or returns them, and reach nothing else (the access matrix)."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations import checkup
from associations.models import HeldChange, HeldPhoto, OpeningHours
from associations.volunteers import approve_change, profile_data, return_change
from network.permissions import Role
from tests.factories import (
    EventFactory,
    NewsPostFactory,
    StaffFactory,
    VolunteerFactory,
    make_association,
    make_network,
)

pytestmark = pytest.mark.django_db

TUESDAY = 1


@pytest.fixture
def world():
    network = make_network("netwerk-tegen-armoede", 0)
    other_network = make_network("trefpunt-armoede", 1)
    association = make_association(network, "De Schakel", postcode="2870", municipality="Puurs")
    OpeningHours.objects.create(
        association=association, weekday=TUESDAY, opens=datetime.time(9), closes=datetime.time(12), what="Soep"
    )
    other = make_association(network, "Het Vlot", postcode="9000", municipality="Gent")
    editor = StaffFactory(email="redactie@example.org", role=Role.NETWORK_EDITOR, networks=[network])
    other_editor = StaffFactory(email="limburg@example.org", role=Role.NETWORK_EDITOR, networks=[other_network])
    volunteer = VolunteerFactory(email="vrijwilliger@example.org", associations=[association])
    return {
        "network": network,
        "association": association,
        "other": other,
        "editor": editor,
        "other_editor": other_editor,
        "volunteer": volunteer,
    }


def sign_in_by_code(client, email):
    """The real flow: ask a code on /accounts/login/code/, read it from the mail, type it in."""
    mail.outbox.clear()
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = mail.outbox
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)
    mail.outbox.clear()
    return client.post(reverse("account_confirm_login_code"), {"code": code})


@pytest.fixture
def volunteer_client(world):
    client = Client()
    response = sign_in_by_code(client, world["volunteer"].email)
    assert response.status_code == 302
    return client


def proposal_form(association, **changes):
    """The POST of the volunteer's page: the live profile as its form shows it, with `changes`."""
    data = profile_data(association)
    post = {
        "intro": data["fields"]["intro"],
        "description": re.sub(r"<[^>]+>", "", data["fields"]["description"]),
        "contact_person": data["fields"]["contact_person"],
        "phone": data["fields"]["phone"],
        "email": data["fields"]["email"],
        "website": data["fields"]["website"],
    }
    if data["fields"]["closed_on_public_holidays"]:
        post["closed_on_public_holidays"] = "on"
    for prefix, rows in (
        ("uren", data["opening_hours"]),
        ("sluitingen", data["closures"]),
        ("activiteiten", data["activities"]),
    ):
        post.update({f"{prefix}-TOTAL_FORMS": str(len(rows) + 2), f"{prefix}-INITIAL_FORMS": str(len(rows))})
        post.update({f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "30"})
        for index, row in enumerate(rows):
            post.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    post.update(changes)
    return post


def edit_url(association):
    return reverse("volunteers:edit", kwargs={"slug": association.slug})


# Signing in ---------------------------------------------------------------------------------------


def test_volunteer_signs_in_with_a_mailed_code_and_lands_on_their_page(world):
    client = Client()
    response = sign_in_by_code(client, "vrijwilliger@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/mijn-vereniging/"
    response = client.get("/mijn-vereniging/")
    assert response.status_code == 302
    assert response["Location"] == edit_url(world["association"])
    page = client.get(edit_url(world["association"]))
    assert page.status_code == 200
    assert "<h1>De Schakel</h1>" in page.content.decode()


def test_signed_out_visitor_is_sent_to_the_code_request():
    response = Client().get("/mijn-vereniging/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/?next=%2Fmijn-vereniging%2F"


def test_asking_codes_is_rate_limited_per_address(world, settings):
    """Beside allauth's 3 a minute, the site's own limit: 6 codes an hour per address, whatever the client."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "request_login_code": False}
    for _attempt in range(6):
        response = Client().post(reverse("account_request_login_code"), {"email": "vrijwilliger@example.org"})
        assert response.status_code == 302
    response = Client().post(reverse("account_request_login_code"), {"email": "vrijwilliger@example.org"})
    assert response.status_code == 400
    assert "Te veel codes gevraagd voor dit adres" in response.content.decode()
    assert len(mail.outbox) == 6


# The access matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/",
        "/beheer/associations/association/",
        "/beheer/associations/heldchange/",
        "/beheer/login/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/email/",
        "/accounts/sessions/",
        "/accounts/reauthenticate/",
    ],
)
def test_volunteer_cannot_open_the_admin_or_account_pages(volunteer_client, path):
    assert volunteer_client.get(path).status_code == 403


def test_volunteer_cannot_open_staff_views(world, volunteer_client):
    """A preview sends to the admin's sign-in, closed to a volunteer; an event's staff pages refuse one
    who is no coordinator of their association (tests/events/test_coordinators.py)."""
    draft = NewsPostFactory(network=world["network"])
    event = EventFactory(network=world["network"])
    response = volunteer_client.get(reverse("news:preview", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")
    assert volunteer_client.get(response["Location"]).status_code == 403
    assert volunteer_client.get(reverse("events:attendance", kwargs={"slug": event.slug})).status_code == 403
    assert volunteer_client.get(reverse("events:register_others", kwargs={"slug": event.slug})).status_code == 403


def test_volunteer_cannot_open_another_associations_page(world, volunteer_client):
    assert volunteer_client.get(edit_url(world["other"])).status_code == 404
    post = proposal_form(world["other"], intro="Overgenomen")
    assert volunteer_client.post(edit_url(world["other"]), post).status_code == 404
    assert not HeldChange.objects.exists()


@pytest.mark.parametrize("path", ["/", "/verenigingen/", "/verenigingen/de-schakel/", "/agenda/", "/accounts/logout/"])
def test_volunteer_reaches_public_pages_and_sign_out(volunteer_client, path):
    assert volunteer_client.get(path).status_code == 200


def test_staff_signing_in_by_code_still_needs_the_second_factor(world):
    client = Client()
    staff = StaffFactory(email="nieuw@example.org", role=Role.NETWORK_EDITOR, networks=[world["network"]], mfa=False)
    assert sign_in_by_code(client, staff.email).status_code == 302
    for path in ("/beheer/", "/mijn-vereniging/", "/verenigingen/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_a_second_factor_signing_in_by_code_is_asked_for_it(world):
    client = Client()
    response = sign_in_by_code(client, world["editor"].email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the authenticator's code: the admin sends to its sign-in.
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"] == "/beheer/login/?next=/beheer/"


# Held changes -------------------------------------------------------------------------------------


def test_volunteers_change_is_held_and_the_editor_mailed(world, volunteer_client, django_capture_on_commit_callbacks):
    association = world["association"]
    post = proposal_form(association, **{"uren-0-opens": "13:00", "uren-0-closes": "16:30"})
    with django_capture_on_commit_callbacks(execute=True):
        response = volunteer_client.post(edit_url(association), post)
    assert response.status_code == 302
    change = HeldChange.objects.get()
    assert change.status == HeldChange.Status.PENDING
    assert change.submitted_by == world["volunteer"]
    assert change.proposed["opening_hours"] == [
        {"weekday": TUESDAY, "opens": "13:00", "closes": "16:30", "what": "Soep", "place": ""}
    ]
    # Nothing applied: the public page shows the approved hours.
    assert association.opening_hours.get().opens == datetime.time(9)
    public = Client().get(association.get_absolute_url()).content.decode()
    assert "9\u201312 u" in public and "13\u201316.30 u" not in public
    (message,) = mail.outbox
    assert message.to == ["redactie@example.org"]
    assert message.subject == "Een wijziging na te kijken voor De Schakel"
    assert "openingsuren" in message.body
    assert f"/beheer/associations/heldchange/{change.pk}/change/" in message.body
    page = volunteer_client.get(edit_url(association)).content.decode()
    assert "Wacht op goedkeuring" in page and "openingsuren" in page


def test_a_second_proposal_replaces_the_waiting_one(world, volunteer_client):
    association = world["association"]
    volunteer_client.post(edit_url(association), proposal_form(association, intro="Eerste"))
    volunteer_client.post(edit_url(association), proposal_form(association, intro="Tweede"))
    change = HeldChange.objects.get()
    assert change.proposed["fields"]["intro"] == "Tweede"


def test_unchanged_form_holds_nothing(world, volunteer_client):
    response = volunteer_client.post(edit_url(world["association"]), proposal_form(world["association"]))
    assert response.status_code == 302
    assert not HeldChange.objects.exists()
    assert mail.outbox == []


def test_bad_input_answers_400_in_dutch_and_holds_nothing(world, volunteer_client):
    association = world["association"]
    post = proposal_form(association, **{"uren-0-opens": "14:00", "uren-0-closes": "10:00", "email": "geen-adres"})
    response = volunteer_client.post(edit_url(association), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Het sluitingsuur moet na het openingsuur komen." in page
    assert "Voer een geldig e-mailadres in." in page
    assert not HeldChange.objects.exists()


def test_overlapping_hours_are_refused(world, volunteer_client):
    association = world["association"]
    post = proposal_form(
        association,
        **{"uren-1-weekday": str(TUESDAY), "uren-1-opens": "11:00", "uren-1-closes": "13:00"},
    )
    response = volunteer_client.post(edit_url(association), post)
    assert response.status_code == 400
    assert "overlappen" in response.content.decode()


def test_editor_approves_and_the_public_page_shows_it(world, volunteer_client, django_capture_on_commit_callbacks):
    association = world["association"]
    volunteer_client.post(
        edit_url(association), proposal_form(association, **{"uren-0-opens": "13:00", "uren-0-closes": "16:30"})
    )
    change = HeldChange.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_change(change=change, reviewer=world["editor"])
    assert Client().get(association.get_absolute_url()).content.decode().count("13\u201316.30 u") == 1
    change.refresh_from_db()
    assert change.status == HeldChange.Status.APPROVED and change.reviewed_by == world["editor"]
    (message,) = mail.outbox
    assert message.to == ["vrijwilliger@example.org"]
    assert message.subject == "Je wijziging aan De Schakel staat online"
    assert association.changes.get().fields == ["openingsuren"]


def test_returned_change_stays_invisible_and_the_volunteer_reads_why(
    world, volunteer_client, django_capture_on_commit_callbacks
):
    association = world["association"]
    volunteer_client.post(edit_url(association), proposal_form(association, intro="Iets anders"))
    change = HeldChange.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return_change(change=change, reviewer=world["editor"], reason="Dit klopt niet met onze gegevens.")
    association.refresh_from_db()
    assert association.intro != "Iets anders"
    assert "Iets anders" not in Client().get(association.get_absolute_url()).content.decode()
    (message,) = mail.outbox
    assert message.subject == "Je wijziging aan De Schakel werd teruggestuurd"
    assert "Dit klopt niet met onze gegevens." in message.body
    page = volunteer_client.get(edit_url(association)).content.decode()
    assert "Dit klopt niet met onze gegevens." in page


def signed_in_client(user):
    client = Client()
    client.force_login(user)  # as allauth signs in, second factor included (tests/conftest.py)
    return client


def test_admin_review_is_scoped_by_network(world):
    association = world["association"]
    change = HeldChange.objects.create(
        association=association, proposed=profile_data(association), submitted_at=timezone.now()
    )
    url = reverse("admin:associations_heldchange_change", args=[change.pk])
    other = signed_in_client(world["other_editor"])
    assert other.get(reverse("admin:associations_heldchange_changelist")).context["cl"].result_count == 0
    assert other.get(url).status_code == 302  # the admin's answer to an object outside one's scope
    own = signed_in_client(world["editor"])
    assert own.get(reverse("admin:associations_heldchange_changelist")).context["cl"].result_count == 1
    response = own.post(url, {"decision": "terugsturen", "reason": ""})
    assert response.status_code == 200
    assert "Zeg de vrijwilliger waarom" in response.content.decode()
    response = own.post(url, {"decision": "terugsturen", "reason": "Onvolledig."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == HeldChange.Status.RETURNED and change.reason == "Onvolledig."


def test_volunteer_page_query_count_is_constant(world, volunteer_client, django_assert_num_queries):
    """The page reads the hours, closures and activities in one query each, however many rows."""
    association = world["association"]
    url = edit_url(association)
    volunteer_client.post(url, proposal_form(association, intro="Eerst"))
    volunteer_client.get(url)
    with django_assert_num_queries(14):
        volunteer_client.get(url)
    for weekday in range(2, 7):
        OpeningHours.objects.create(
            association=association, weekday=weekday, opens=datetime.time(9), closes=datetime.time(12)
        )
        association.activities.create(what=f"Activiteit {weekday}", when="Elke week")
    volunteer_client.post(url, proposal_form(association, intro="Meer"))
    with django_assert_num_queries(14):
        volunteer_client.get(url)


# "Klopt dit nog?" ---------------------------------------------------------------------------------


def test_yearly_check_mails_once_a_year_and_the_link_confirms(world):
    association = world["association"]
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC), tick=False):
        call_command("ask_association_checks", "--base-url", "https://example.org", stdout=io.StringIO())
        (message,) = [m for m in mail.outbox if "De Schakel" in m.subject]
        assert message.subject == "Klopt de pagina van De Schakel nog?"
        assert message.to == ["vrijwilliger@example.org"]
        mail.outbox.clear()
        call_command("ask_association_checks", stdout=io.StringIO())
        assert mail.outbox == []
    link = re.search(r"https://example.org(/mijn-vereniging/klopt-dit/\S+/)", message.body).group(1)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC), tick=False):
        client = Client()
        page = client.get(link)
        assert page.status_code == 200
        association.refresh_from_db()
        assert association.checked_on is None  # a mail scanner's GET changes nothing
        assert client.post(link).status_code == 302
        association.refresh_from_db()
        assert association.checked_on == datetime.date(2026, 3, 2)
        assert "2 maart 2026" in Client().get(association.get_absolute_url()).content.decode()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.UTC), tick=False):
        call_command("ask_association_checks", stdout=io.StringIO())
        assert not [m for m in mail.outbox if "De Schakel" in m.subject]
    with time_machine.travel(datetime.datetime(2027, 3, 3, 8, tzinfo=datetime.UTC), tick=False):
        call_command("ask_association_checks", stdout=io.StringIO())
        assert [m for m in mail.outbox if "De Schakel" in m.subject]
        # Last year's link no longer counts.
        assert Client().get(link).status_code == 400


def test_a_tampered_check_link_answers_400():
    response = Client().get(reverse("volunteers:check", kwargs={"token": "niet-echt"}))
    assert response.status_code == 400
    assert "Deze link is niet geldig" in response.content.decode()


def test_check_token_bound_to_the_moment_asked(world):
    association = world["association"]
    association.check_asked_at = timezone.now()
    token = checkup.check_url(association, "").rsplit("/", 2)[-2]
    association.save()
    assert checkup.association_for_token(token) == association


# Photos -------------------------------------------------------------------------------------------


def jpeg_with_gps():
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefoon"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 3.0, 30.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("soep.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_proposed_photo_needs_alt_text_waits_hidden_and_goes_live_without_gps(
    world, volunteer_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    association = world["association"]
    url = edit_url(association)
    response = volunteer_client.post(url, proposal_form(association, **{"foto-image": jpeg_with_gps()}))
    assert response.status_code == 400
    assert "Beschrijf deze afbeelding voor wie ze niet kan zien." in response.content.decode()
    assert not HeldPhoto.objects.exists()

    post = proposal_form(association, **{"foto-image": jpeg_with_gps(), "foto-alt_text": "Een kom soep op tafel"})
    assert volunteer_client.post(url, post).status_code == 302
    held = HeldPhoto.objects.get()
    assert HeldChange.objects.get().proposed["photos_added"] == [held.pk]
    file_url = held.image.url
    # Waiting: the volunteer sees it, nobody else, and the profile does not show it.
    assert volunteer_client.get(file_url).status_code == 200
    assert Client().get(file_url).status_code == 404
    assert "Een kom soep op tafel" not in Client().get(association.get_absolute_url()).content.decode()
    assert "Een kom soep op tafel" in volunteer_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approve_change(change=HeldChange.objects.get(), reviewer=world["editor"])
    photo = association.photos.get()
    assert photo.alt_text == "Een kom soep op tafel"
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    assert not HeldPhoto.objects.exists()
    assert Client().get(file_url).status_code == 404
    assert "Een kom soep op tafel" in Client().get(association.get_absolute_url()).content.decode()

    # Removing it is a proposal too.
    post = proposal_form(association, **{"fotos-remove": [str(photo.pk)]})
    assert volunteer_client.post(url, post).status_code == 302
    assert association.photos.exists()
    approve_change(change=HeldChange.objects.get(status=HeldChange.Status.PENDING), reviewer=world["editor"])
    assert not association.photos.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"uren-TOTAL_FORMS": "", "uren-INITIAL_FORMS": "x"},
        {"uren-0-weekday": "9", "uren-0-opens": "25:99"},
        {"sluitingen-0-starts_on": "2026-02-30", "sluitingen-0-ends_on": "morgen", "sluitingen-TOTAL_FORMS": "1"},
        {"activiteiten-TOTAL_FORMS": "5000"},
        {"intro": "x" * 301, "website": "javascript:alert(1)"},
        {"intro": "Soep\u202eeps"},
        {
            "foto-image": SimpleUploadedFile("soep.jpg", b"geen foto", content_type="image/jpeg"),
            "foto-alt_text": "Soep",
        },
        {"fotos-remove": ["999999", "x"]},
    ],
)
def test_hostile_input_gets_a_400_and_holds_nothing(world, volunteer_client, changes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    association = world["association"]
    response = volunteer_client.post(edit_url(association), proposal_form(association, **changes))
    assert response.status_code == 400
    assert not HeldChange.objects.exists() and not HeldPhoto.objects.exists()
    assert mail.outbox == []


def test_the_reason_shows_until_the_next_proposal_is_decided(world, volunteer_client):
    association = world["association"]
    url = edit_url(association)
    volunteer_client.post(url, proposal_form(association, intro="Eerste"))
    return_change(change=HeldChange.objects.get(), reviewer=world["editor"], reason="Te kort.")
    assert "Te kort." in volunteer_client.get(url).content.decode()
    volunteer_client.post(url, proposal_form(association, intro="Tweede, langer voorstel"))
    assert "Te kort." not in volunteer_client.get(url).content.decode()
    approve_change(change=HeldChange.objects.get(status=HeldChange.Status.PENDING), reviewer=world["editor"])
    assert "Te kort." not in volunteer_client.get(url).content.decode()
