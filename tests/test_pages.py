"""Page furniture, error pages and the fixed pages every visitor can reach."""

import pytest
from django.test import RequestFactory

from config.views import server_error


@pytest.mark.django_db
def test_home_has_language_skip_link_landmarks_and_current_navigation(client):
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert '<a class="skip-link" href="#main-content">Naar de inhoud</a>' in html
    assert '<main id="main-content"' in html
    assert '<nav class="main-nav" aria-label="Hoofdmenu">' in html
    assert '<a href="/" aria-current="page">Home</a>' in html
    assert '<a href="/privacy/">Privacy</a>' in html


@pytest.mark.django_db
def test_reading_a_page_sets_no_cookie(client):
    response = client.get("/")
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
def test_unknown_page_gets_a_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "We vinden deze pagina niet" in response.content.decode()


def test_server_error_page_is_dutch_and_needs_no_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.content.decode()


@pytest.mark.django_db
def test_privacy_statement_explains_rights(client):
    html = client.get("/privacy/").content.decode()
    assert "<h1>Privacyverklaring</h1>" in html
    assert "Gegevensbeschermingsautoriteit" in html


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /beheer/" in response.content.decode()


@pytest.mark.django_db
def test_post_to_a_page_is_refused_with_405(client):
    assert client.post("/").status_code == 405
