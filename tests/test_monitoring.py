"""Error reports leave personal data out (core/monitoring.py); ADMINS come from DJANGO_ADMINS.

The whole path over HTTP, to a Sentry endpoint and an SMTP server: tests/scale/test_error_reports.py.
"""

import logging

import pytest
from django.core import mail
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler404, handler429, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from core.monitoring import exception_line, mask, scrub_event
from core.tokens import make_token
from tests.helpers import manage, production_env


@csrf_exempt
def failing_view(request, token):
    email = request.POST["email"]
    logging.getLogger("tests.monitoring").info("about to fail for %s", email)
    raise KeyError(f"geen inschrijving voor {email}")


urlpatterns = [path("fout/<str:token>/", failing_view), *site_urlpatterns]


def test_mask_replaces_addresses_and_tokens_and_leaves_the_rest():
    token = make_token("confirm", [12, "a-nonce"])
    text = f"mail jan@example.org from 203.0.113.7 or 2001:db8::7 or ::1 via /bevestig/{token}/ at 12:30:45"
    assert mask(text) == "mail [email] from [ip] or [ip] or [ip] via /bevestig/[token]/ at 12:30:45"
    untouched = "2026-12-02T13:03:57.005864Z sentry-sdk 2.75.0 django.core.handlers.exception:inner Naam <"
    assert mask(untouched) == untouched


def test_an_exception_line_is_the_first_line_masked():
    message = "duplicate key value violates unique constraint\nDETAIL:  Key (name)=(Jan Peeters) already exists."
    assert exception_line(message) == "duplicate key value violates unique constraint"
    assert exception_line("x" * 400) == "x" * 300 + "…"


def test_scrub_event_keeps_method_and_url_pattern_and_drops_the_rest_of_the_request():
    event = {
        "transaction": "/nieuwsbrief/bevestig/{token}/",
        "transaction_info": {"source": "route"},
        "request": {
            "method": "POST",
            "url": "https://site.example/nieuwsbrief/bevestig/abc/",
            "query_string": "email=jan@example.org",
            "data": {"name": "Jan Peeters"},
            "cookies": {"sessionid": "s"},
            "headers": {"User-Agent": "u", "X-Forwarded-For": "203.0.113.7"},
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"ip_address": "203.0.113.7"},
        "logentry": {
            "message": "mail to %s failed",
            "params": ["Jan Peeters"],
            "formatted": "mail to Jan Peeters failed",
        },
        "extra": {
            "sys.argv": ["manage.py", "createsuperuser", "--email", "jan@example.org"],
            "request": "<WSGIRequest>",
        },
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1", "data": {"params": ["Jan"]}}]},
    }
    assert scrub_event(event) == {
        "transaction": "/nieuwsbrief/bevestig/{token}/",
        "transaction_info": {"source": "route"},
        "request": {"method": "POST", "url": "/nieuwsbrief/bevestig/{token}/"},
        "logentry": {"message": "mail to %s failed"},
        "extra": {"sys.argv": ["manage.py", "createsuperuser", "--email", "[email]"]},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1"}]},
    }


@pytest.mark.django_db
@pytest.mark.urls("tests.test_monitoring")
def test_a_500_is_mailed_to_the_admins_without_the_form_or_the_visitor(client, settings):
    settings.ADMINS = [("Beheer", "beheer@netwerk.example")]
    client.raise_request_exception = False
    token = make_token("confirm", [12, "a-nonce"])

    response = client.post(
        f"/fout/{token}/?email=jan@example.org",
        {"email": "jan@example.org", "name": "Jan Peeters"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_COOKIE="sessionid=geheim-sessie-koekje",
    )

    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["beheer@netwerk.example"]
    assert message.subject == "[Netwerk tegen Armoede] ERROR: Internal Server Error: /fout/<str:token>/"
    assert "Request: POST /fout/<str:token>/\n" in message.body
    assert "KeyError: 'geen inschrijving voor [email]'\n" in message.body
    for value in ("jan@example.org", "Jan Peeters", "203.0.113.7", "geheim-sessie-koekje", token):
        assert value not in message.subject + message.body


def test_admins_are_read_from_django_admins():
    command = ["shell", "-v", "0", "-c", "from django.conf import settings; print(settings.ADMINS)"]
    result = manage(
        *command, env=production_env(DJANGO_ADMINS='"Beheer, Netwerk" <beheer@netwerk.example>,it@x.example')
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('Beheer, Netwerk', 'beheer@netwerk.example'), ('', 'it@x.example')]"
    assert manage(*command, env=production_env()).stdout.strip() == "[]"
