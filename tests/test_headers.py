"""Security headers on every kind of response: pages, forms, feeds, calendars, data, errors, static files."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = [
    "/",
    "/netwerken/trefpunt-armoede/",
    "/nieuws/",
    "/nieuws/feed/",
    "/verenigingen/open-data.json",
    "/verenigingen/open-data.csv",
    "/verenigingen/open-data.schema.json",
    "/acties/zorg-voor-iedereen/",
    "/agenda/",
    "/agenda.ics",
    "/agenda.json",
    "/nieuwsbrief/",
    "/zoeken/?q=armoede",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/bestaat-niet/",
    "/accounts/login/",
    "/accounts/password/reset/",
]


def test_security_headers_on_every_kind_of_response(client):
    call_command("load_demo", verbosity=0)
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == (404 if path == "/bestaat-niet/" else 200), path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp, path
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, path
