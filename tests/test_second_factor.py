"""The second factor per session, on every staff-only page wherever its URL is; what a change of
the second factor, the password or an address does to the other sessions and the mailbox."""

import datetime
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from network.models import NetworkMembership
from network.permissions import Role
from news.models import NewsPost
from tests.factories import make_issue, make_list, make_network
from tests.helpers import mail_body, totp_code, with_mfa
from tests.staff import PASSWORD, confirm_password, set_up_authenticator, sign_in

pytestmark = pytest.mark.django_db

SET_UP = reverse("mfa_activate_totp")


def code_prompt(url):
    return reverse("mfa_reauthenticate") + "?" + urlencode({"next": url})


def make_editor(network, email="redactie@example.org"):
    """A network editor of `network`, with a verified address and no second factor yet."""
    user = get_user_model().objects.create_user(email, email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR), Group.objects.get(name=Role.NEWSLETTER_MANAGER))
    NetworkMembership.objects.create(user=user, network=network)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@pytest.fixture
def world():
    network = make_network("eigen", 0)
    draft = NewsPost.objects.create(
        network=network, title="Ontwerp", slug="ontwerp", lead="Kort", body="<p>Tekst</p>", status="draft"
    )
    issue = make_issue(make_list(network))
    event = Event.objects.create(
        network=network,
        slug="concept",
        title="Concept",
        intro="Kort",
        description="<p>Beschrijving</p>",
        start_date=timezone.localdate() + datetime.timedelta(days=30),
        start_time=datetime.time(14),
        end_time=datetime.time(16),
        place_name="Zaal",
        street_address="Kerkstraat 1",
        postcode="3500",
        municipality="Hasselt",
        registration_mode=Event.RegistrationMode.FORM,
        published=False,
    )
    return {"network": network, "draft": draft, "issue": issue, "event": event, "editor": make_editor(network)}


# Every staff-only page outside the admin, and the admin itself: (name, url, status with the factor).
STAFF_PAGES = [
    ("admin", lambda w: reverse("admin:index"), 200),
    ("news preview", lambda w: reverse("news:preview", args=[w["draft"].pk]), 200),
    ("newsletter preview", lambda w: reverse("newsletter:preview", args=[w["issue"].pk]), 200),
    ("unpublished event", lambda w: w["event"].get_absolute_url(), 200),
    ("unpublished event's form", lambda w: reverse("events:register", args=[w["event"].slug]), 200),
    ("addresses", lambda w: reverse("account_email"), 200),
    ("signed-in devices", lambda w: reverse("usersessions_list"), 200),
    ("password change", lambda w: reverse("account_change_password"), 200),
    ("second factor overview", lambda w: reverse("mfa_index"), 200),
    ("recovery codes", lambda w: reverse("mfa_view_recovery_codes"), 200),
    ("remove the app", lambda w: reverse("mfa_deactivate_totp"), 200),
]


@pytest.mark.parametrize(("name", "url", "status"), STAFF_PAGES, ids=[page[0] for page in STAFF_PAGES])
def test_staff_pages_send_a_password_only_session_to_the_set_up(client, world, name, url, status):
    client.force_login(world["editor"])  # the password, no app set up
    response = client.get(url(world))
    assert response.status_code == 302
    assert response["Location"] == SET_UP


@pytest.mark.parametrize(("name", "url", "status"), STAFF_PAGES, ids=[page[0] for page in STAFF_PAGES])
def test_staff_pages_ask_a_session_that_did_not_pass_the_app_for_its_code(client, world, name, url, status):
    client.force_login(world["editor"])  # signed in with the password before the app was set up ...
    with_mfa(world["editor"])  # ... which then happened on another device
    target = url(world)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == code_prompt(target)


@pytest.mark.parametrize(("name", "url", "status"), STAFF_PAGES, ids=[page[0] for page in STAFF_PAGES])
def test_staff_pages_open_to_a_session_that_passed_the_app(client, world, name, url, status):
    editor = with_mfa(world["editor"])
    RecoveryCodes.activate(editor)
    client.force_login(editor)
    reauthenticate_with_password(client)  # what allauth asks before showing codes or removing the app
    assert client.get(url(world)).status_code == status


def test_a_password_only_session_changes_nothing_on_the_account_or_an_unpublished_event(client, world):
    client.force_login(world["editor"])
    response = client.post(reverse("account_email"), {"action_add": "", "email": "dief@example.org"})
    assert (response.status_code, response["Location"]) == (302, SET_UP)
    registration = {"name": "Iemand", "email": "iemand@example.org", "people": 1, "website": ""}
    response = client.post(reverse("events:register", args=[world["event"].slug]), registration)
    assert (response.status_code, response["Location"]) == (302, SET_UP)
    assert not EmailAddress.objects.filter(email="dief@example.org").exists()
    assert not Registration.objects.exists()


def test_the_set_up_and_the_way_out_stay_open_without_a_second_factor(client, world):
    client.force_login(world["editor"])
    response = client.get(SET_UP)
    assert response["Location"] == reverse("account_reauthenticate") + "?" + urlencode({"next": SET_UP})
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code in {200, 302}


def test_the_code_prompt_lets_the_session_in(client, world):
    """A session signed in with the password before the app was set up: after the code, it is in."""
    editor = world["editor"]
    client.force_login(editor)
    client.get("/")  # the session is in use (and in the list of signed-in devices)
    with_mfa(editor)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == code_prompt(reverse("admin:index"))
    assert "Vul de code van je authenticator-app in" in client.get(response["Location"]).content.decode()
    response = client.post(response["Location"], {"code": totp_code(editor.totp_secret)})
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_visitor_without_a_session_gets_public_pages_that_do_not_vary_by_cookie(client, world):
    """The rule reads no session of a visitor who has none (caches in front keep one copy)."""
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


def test_the_demo_waiver_opens_the_staff_pages_too(client, world, settings):
    settings.STAFF_MFA_WAIVED = True
    client.force_login(world["editor"])
    assert client.get(reverse("news:preview", args=[world["draft"].pk])).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200


# Changes of the second factor end the other sessions --------------------------------------------


def signed_in_elsewhere(user):
    """Another device's session, signed in and in use."""
    device = Client()
    device.force_login(user)
    assert device.get(reverse("account_email")).status_code in {200, 302}
    return device


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_app_ends_the_other_sessions_and_keeps_this_one(client):
    editor = make_editor(make_network("eigen", 0))
    before = signed_in_elsewhere(editor)  # signed in with the password before the set-up
    sign_in(client, editor.email)
    confirm_password(client)
    set_up_authenticator(client)
    assert client.get(reverse("admin:index")).status_code == 200, "this session proved the app with a code"
    response = before.get(reverse("admin:index"))
    assert (response.status_code, response["Location"]) == (302, "/beheer/login/?next=/beheer/")
    assert "_auth_user_id" not in before.session


@pytest.mark.django_db(transaction=True)
def test_removing_the_app_or_renewing_recovery_codes_ends_the_other_sessions(client):
    editor = with_mfa(make_editor(make_network("eigen", 0)))
    other = signed_in_elsewhere(editor)
    client.force_login(editor)
    reauthenticate_with_password(client)
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert "_auth_user_id" not in other.session

    other = signed_in_elsewhere(editor)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    assert "_auth_user_id" not in other.session
    # This session stays signed in, and the admin sends it to the set-up again.
    assert client.get(reverse("admin:index"))["Location"] == SET_UP


def reauthenticate_with_password(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


# Re-authentication and mails on account changes ------------------------------------------------


def test_address_changes_ask_for_the_password_again_and_mail_the_account(client, world, smtp_sink):
    editor = with_mfa(world["editor"])
    EmailAddress.objects.create(user=editor, email="tweede@example.org", verified=True)
    EmailAddress.objects.create(user=editor, email="derde@example.org", verified=True)
    client.force_login(editor)
    remove = {"action_remove": "", "email": "derde@example.org"}
    response = client.post(reverse("account_email"), remove)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reauthenticate") + "?" + urlencode({"next": "/accounts/email/"})
    assert EmailAddress.objects.filter(email="derde@example.org").exists()

    # The password again, and allauth carries out the change it held back.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert not EmailAddress.objects.filter(email="derde@example.org").exists()
    client.post(reverse("account_email"), {"action_primary": "", "email": "tweede@example.org"})
    removed, changed = smtp_sink.wait_for(2)
    assert (removed["To"], removed["Subject"]) == (editor.email, "E-mailadres verwijderd")
    assert "derde@example.org" in mail_body(removed)
    assert "IP adres: 127.0.0.1" in mail_body(removed)
    assert (changed["To"], changed["Subject"]) == (editor.email, "E-mailadres gewijzigd")


def test_an_account_with_a_second_factor_gets_no_extra_address(client, world):
    """allauth refuses it (a new, unverified address could take over the account by a password
    reset), and every session that reaches the page has the second factor."""
    client.force_login(with_mfa(world["editor"]))
    reauthenticate_with_password(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "tweede@example.org"})
    assert response.status_code == 400
    assert "Je kunt geen e-mailadres toevoegen" in response.content.decode()
    assert not EmailAddress.objects.filter(email="tweede@example.org").exists()


def test_a_password_change_mails_the_account(client, world, smtp_sink):
    client.force_login(with_mfa(world["editor"]))
    new = "een-nieuw-lang-wachtwoord-2026"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    (message,) = smtp_sink.wait_for(1)
    assert (message["To"], message["Subject"]) == (world["editor"].email, "Wachtwoord gewijzigd")
    assert "Je wachtwoord is gewijzigd." in mail_body(message)


@pytest.mark.django_db(transaction=True)
def test_second_factor_changes_mail_the_account(client, smtp_sink):
    editor = make_editor(make_network("eigen", 0))
    sign_in(client, editor.email)
    confirm_password(client)
    set_up_authenticator(client)
    client.post(reverse("mfa_generate_recovery_codes"))
    client.post(reverse("mfa_deactivate_totp"))
    subjects = [(message["To"], message["Subject"]) for message in smtp_sink.wait_for(3)]
    assert subjects == [
        (editor.email, "Authenticator-app geactiveerd"),
        (editor.email, "Nieuwe herstelcodes gegenereerd"),
        (editor.email, "Authenticator-app gedeactiveerd"),
    ]
