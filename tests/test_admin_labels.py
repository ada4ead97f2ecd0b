"""The admin speaks Dutch for the apps of django-allauth and django-tasks-db too (config/apps.py)."""

import re

import pytest


@pytest.mark.django_db
def test_the_admin_index_names_every_app_and_model_in_dutch(admin_client):
    page = admin_client.get("/beheer/")
    assert page.status_code == 200
    html = page.content.decode()
    apps = re.findall(r'<a href="/beheer/([a-z_]+)/" class="section"[^>]*>([^<]+)</a>', html)
    models = dict(re.findall(r'<th scope="row" id="([a-z_]+-[a-z]+)">\s*<a href="[^"]+">([^<]+)</a>', html))
    assert ("mfa", "Aanmelden in twee stappen") in apps
    assert ("usersessions", "Aangemelde toestellen") in apps
    assert ("django_tasks_database", "Achtergrondtaken") in apps
    assert models["mfa-authenticator"] == "Tweede stappen bij het aanmelden"
    assert models["usersessions-usersession"] == "Aanmeldsessies"
    assert models["django_tasks_database-dbtaskresult"] == "Taken"
    for english in (
        "Authenticators",
        "User sessions",
        "User Sessions",
        "Task Results",
        "Tasks Database Backend",
        ">MFA<",
    ):
        assert english not in html


@pytest.mark.django_db
def test_the_renamed_models_keep_their_dutch_names_on_their_own_pages(admin_client):
    page = admin_client.get("/beheer/mfa/authenticator/")
    assert page.status_code == 200
    assert (
        "<title>Selecteer tweede stap bij het aanmelden om te wijzigen | Beheer van de site</title>"
        in page.content.decode()
    )
