"""The site's URLs plus one view that fails, for tests/scale/test_error_reports.py (see
tests/scale/failing_settings.py); it never exists in config/urls.py."""

import logging

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler404, handler429, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

logger = logging.getLogger("tests.failing_site")


@csrf_exempt
def fail(request, token):
    """Fails the way a bug in a form's view would: with the visitor's data in its local variables,
    in a log line before, and in the exception's message (an address on the first line, a name on
    the next, as PostgreSQL's DETAIL puts it)."""
    email, name = request.POST["email"], request.POST["name"]
    visitor = request.headers["X-Forwarded-For"]
    logger.warning("Aanvraag van %s voor %s", email, name)
    raise ValueError(f"Kon {email} niet bereiken vanaf {visitor}\nDETAIL: Key (name)=({name}) already exists.")


urlpatterns = [path("test-fout/<str:token>/", fail), *site_urlpatterns]
