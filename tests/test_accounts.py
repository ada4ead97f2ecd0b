"""Staff accounts: sign-in by email through allauth, a second factor before any admin page,
verified addresses, password reset, failed sign-ins rate limited, sessions that end."""

import contextlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from config.checks import staff_mfa_required
from tests.helpers import PROJECT_DIR, mail_body, totp_code
from tests.makefile import shell_commands_mentioning
from tests.staff import PASSWORD, confirm_password, make_staff, set_up_authenticator, sign_in

pytestmark = pytest.mark.django_db


def admin_pages():
    """Every admin page without an object: the index, each app's index, each model's list and add form."""
    urls = {reverse("admin:index")}
    for model in admin.site._registry:
        opts = model._meta
        urls.add(reverse("admin:app_list", args=[opts.app_label]))
        for view in ("changelist", "add"):
            with contextlib.suppress(NoReverseMatch):
                urls.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
    return sorted(urls)


def test_admin_pages_are_closed_to_staff_without_a_second_factor(client):
    user = make_staff(mfa=False)
    client.force_login(user)
    pages = admin_pages()
    assert len(pages) > 30
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    # Also an object's page and a post: nothing in the admin answers.
    change = reverse("admin:auth_user_change", args=[user.pk])
    assert client.get(change)["Location"] == reverse("mfa_activate_totp")
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "delete_selected", "_selected_action": [user.pk]}
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_the_setup_page_says_why_the_admin_stays_closed(client):
    sign_in(client, make_staff(mfa=False).email)
    response = client.get(reverse("admin:index"), follow=True)
    assert "Stel eerst aanmelden met een authenticator-app in" in response.content.decode()
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert '<svg role="img" aria-label="QR-code' in page
    assert "data:image" not in page


def test_the_demo_waiver_opens_the_admin_and_check_deploy_warns(client, settings):
    client.force_login(make_staff(mfa=False))
    settings.STAFF_MFA_WAIVED = True
    assert client.get(reverse("admin:index")).status_code == 200
    assert [warning.id for warning in staff_mfa_required(None)] == ["config.W001"]
    settings.STAFF_MFA_WAIVED = False
    assert staff_mfa_required(None) == []
    assert client.get(reverse("admin:index")).status_code == 302


def test_only_make_run_waives_the_second_factor(tmp_path):
    """Read as make hands the commands to the shell, a comment inside a continued command included."""
    commands = shell_commands_mentioning("DJANGO_STAFF_MFA_WAIVED", tmp_path)
    assert len(commands) == 1
    lines = [line for line in commands[0].splitlines() if "DJANGO_STAFF_MFA_WAIVED" in line]
    assert len(lines) == 1 and "manage.py runserver" in lines[0] and not lines[0].lstrip().startswith("#")
    assert "DJANGO_STAFF_MFA_WAIVED" not in Path(PROJECT_DIR / ".ci" / "run").read_text()


def test_sign_in_with_password_and_authenticator_code(client):
    user = make_staff()
    response = client.get("/beheer/news/newspost/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == reverse("account_login") + "?next=%2Fbeheer%2Fnews%2Fnewspost%2F"

    response = sign_in(client, user.email, next="/beheer/news/newspost/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/beheer/").status_code == 302, "the password alone signs nobody in"

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 400
    assert "Ongeldige code" in response.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert response["Location"] == "/beheer/news/newspost/"
    assert client.get("/beheer/news/newspost/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_recovery_code_replaces_the_lost_phone(client):
    user = make_staff(mfa=False)
    sign_in(client, user.email)
    confirm_password(client)
    set_up_authenticator(client)
    assert client.get(reverse("admin:index")).status_code == 200
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    recovery = re.findall(r"\b\d{8}\b", codes)
    assert len(set(recovery)) == 10

    client.post(reverse("account_logout"))
    sign_in(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": recovery[0]})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_sign_in_is_by_email_address_not_username(client):
    user = make_staff(email="redactie@example.org")
    user.username = "redactie"
    user.save()
    response = sign_in(client, "redactie")
    assert response.status_code == 400
    response = sign_in(client, "REDACTIE@example.org")
    assert response["Location"] == reverse("mfa_authenticate")


def test_repeated_wrong_passwords_are_refused_for_a_while(client):
    user = make_staff()
    for attempt in range(5):
        response = sign_in(client, user.email, password=f"fout-{attempt}")
        assert response.status_code == 400
        assert "e-mailadres en/of wachtwoord is niet correct" in response.content.decode()
    # Now even the right password is refused...
    response = sign_in(client, user.email)
    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # ... also from another connection, for this address ...
    assert sign_in(Client(REMOTE_ADDR="192.0.2.7"), user.email).status_code == 429
    # ... until a quarter of an hour has passed.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, user.email)["Location"] == reverse("mfa_authenticate")


def test_an_unverified_address_gets_a_link_first(client, smtp_sink):
    user = make_staff(verified=False)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    message = smtp_sink.wait_for(1)[0]
    assert message["To"] == user.email
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail_body(message)).group(1)
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    response = sign_in(Client(), user.email)
    assert response["Location"] == reverse("mfa_authenticate")


def test_password_reset_by_mail(client, smtp_sink):
    user = make_staff()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    body = mail_body(smtp_sink.wait_for(1)[0])
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body).group(1)
    response = client.get(link)
    form_url = response["Location"]
    new_password = "een-ander-lang-wachtwoord-2026"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert sign_in(Client(), user.email, password=PASSWORD).status_code == 400
    assert sign_in(Client(), user.email, password=new_password)["Location"] == reverse("mfa_authenticate")


def test_an_unknown_address_gets_the_same_answer_for_a_reset(client, smtp_sink):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_nobody_signs_up(client):
    response = client.post(
        reverse("account_signup"), {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    # allauth's page that says sign-up is closed (staff accounts are made in the admin).
    assert response.status_code == 200
    with translation.override("nl"):
        assert gettext("Sign Up Closed") in response.content.decode()
    assert not get_user_model().objects.filter(email="nieuw@example.org").exists()


def test_sign_out_of_every_other_session(settings):
    user = make_staff()
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        sign_in(device, user.email)
        # A new code per device: allauth accepts each code once.
        with time_machine.travel(timezone.now() + timedelta(seconds=31 * (device is phone))):
            assert device.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)}).status_code == 302
    assert phone.get(reverse("admin:index")).status_code == 200
    sessions = laptop.get(reverse("usersessions_list"))
    assert sessions.status_code == 200
    laptop.post(reverse("usersessions_list"))
    assert phone.get(reverse("admin:index")).status_code == 302
    assert laptop.get(reverse("admin:index")).status_code == 200


def test_the_session_ends_with_the_browser_and_after_the_working_day(client, settings):
    user = make_staff()
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"], "a session cookie, gone when the browser closes"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_login_leads_to_allauth_and_keeps_only_local_targets(client):
    response = client.get("/beheer/login/?next=/beheer/events/event/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fbeheer%2Fevents%2Fevent%2F"
    response = client.get("/beheer/login/?next=https://evil.example/")
    assert response["Location"] == reverse("account_login")


def test_no_totp_authenticator_means_no_admin_even_with_recovery_codes(client):
    user = make_staff()
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    client.force_login(user)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_the_admin_links_to_the_second_factor_and_the_signed_in_devices(client):
    client.force_login(make_staff())
    page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in page
    assert f'href="{reverse("usersessions_list")}"' in page
    assert f'action="{reverse("account_logout")}"' in page


def test_a_form_without_its_security_token_gets_a_dutch_403_and_stores_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Het formulier is niet verstuurd" in response.content.decode()
    response = client.post("/nieuwsbrief/", {"email": "iemand@example.org"})
    assert response.status_code == 403


def test_an_unreadable_request_gets_a_dutch_400(client):
    response = client.post("/nieuwsbrief/", data=b"--broken", content_type='multipart/form-data; boundary=""')
    assert response.status_code == 400
    assert "Dit verzoek kon niet gelezen worden" in response.content.decode()
