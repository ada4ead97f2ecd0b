"""The addresses visitors miss are counted: the path only (no query string, no IP address, no
browser), in a table that robots cannot grow without bound; a page that exists costs no query more."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponseNotFound
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import ResolverMatch
from django.utils import timezone

from core.pagecache import token_page
from redirects import models as redirect_models
from redirects.middleware import RedirectFallbackMiddleware
from redirects.models import MissingPath, Redirect
from tests.factories import SuperuserFactory, make_event, make_network

pytestmark = pytest.mark.django_db


def counted():
    return dict(MissingPath.objects.values_list("path", "count"))


def test_a_missing_address_is_counted_by_its_path_alone(client):
    client.get("/oude-folder/?utm_source=x&email=iemand", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Robot/1.0")
    client.get("/oude-folder/", REMOTE_ADDR="198.51.100.4")
    client.head("/oude-folder/")

    missing = MissingPath.objects.get()
    assert (missing.path, missing.count) == ("/oude-folder/", 3)
    assert [field.name for field in MissingPath._meta.fields] == ["id", "path", "count", "first_seen", "last_seen"]
    stored = " ".join(str(value) for value in MissingPath.objects.values_list().get())
    assert "203.0.113.9" not in stored and "Robot" not in stored and "utm" not in stored


def test_the_first_request_stays_and_the_last_one_moves_on():
    earlier = timezone.now() - datetime.timedelta(days=3)
    MissingPath.objects.record_request("/weg/", now=earlier)
    MissingPath.objects.record_request("/weg/")

    missing = MissingPath.objects.get()
    assert missing.count == 2
    assert missing.first_seen == earlier < missing.last_seen


def test_counting_a_request_is_one_query_whether_the_address_is_new_or_not(django_assert_num_queries):
    with django_assert_num_queries(1):
        MissingPath.objects.record_request("/nieuw/")
    with django_assert_num_queries(1):
        MissingPath.objects.record_request("/nieuw/")
    assert counted() == {"/nieuw/": 2}


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/bestaat-niet/",
        "/accounts/iets/",
        "/media/documents/geheime-map/ontwerp.pdf",
        "/static/weg.css",
        "/iemand@example.org/",
        "/%00nul/",
        "/tab%09teken/",
        "/" + "x" * 300,
    ],
)
def test_addresses_that_are_nobodys_link_are_not_counted(client, path):
    client.force_login(SuperuserFactory())  # the admin answers 404 to staff only
    assert client.get(path).status_code == 404
    assert counted() == {}


def test_repeated_slashes_count_as_one():
    MissingPath.objects.record_request("//oud//pad/")
    MissingPath.objects.record_request("/oud/pad/")
    assert counted() == {"/oud/pad/": 2}


def test_only_get_and_head_are_counted(client):
    assert client.post("/formulier-weg/").status_code == 404
    assert counted() == {}


def test_a_link_with_a_secret_is_not_written_down(rf):
    """A view marked token_page (confirm, unsubscribe, cancel) that answers 404 is not counted."""
    view = token_page(lambda request, token: HttpResponseNotFound())
    request = rf.get("/nieuwsbrief/afmelden/geheim-token/")
    request.resolver_match = ResolverMatch(view, (), {"token": "geheim-token"})

    response = RedirectFallbackMiddleware(lambda request: view(request, token="geheim-token"))(request)

    assert response.status_code == 404
    assert counted() == {}


def test_the_table_stops_growing_at_its_limit_but_known_addresses_go_on_counting(monkeypatch):
    monkeypatch.setattr(redirect_models, "MISSING_PATHS_LIMIT", 3)
    for number in range(10):
        MissingPath.objects.record_request(f"/robot-{number}/")
    MissingPath.objects.record_request("/robot-1/")

    assert counted() == {"/robot-0/": 1, "/robot-1/": 2, "/robot-2/": 1}


def test_the_daily_command_keeps_the_most_requested_addresses(monkeypatch):
    monkeypatch.setattr(redirect_models, "MISSING_PATHS_KEPT", 2)
    now = timezone.now()
    for path, count in (("/vaak/", 40), ("/soms/", 5), ("/zelden/", 1), ("/ooit/", 1)):
        MissingPath.objects.create(path=path, count=count, first_seen=now, last_seen=now)

    out = StringIO()
    call_command("purge_personal_data", stdout=out)

    assert counted() == {"/vaak/": 40, "/soms/": 5}
    assert "2 rarely requested missing addresses forgotten" in out.getvalue()


def test_a_redirect_from_a_missing_address_ends_its_count(client):
    network = make_network("eigen", 0)
    client.get("/oude-brochure/")
    Redirect.objects.create(network=network, old_path="/oude-brochure/", new_path="/documenten/")

    assert counted() == {}
    assert client.get("/oude-brochure/").status_code == 301
    assert counted() == {}


def queries(client, path, status):
    client.get(path)  # the cache's first filling (the networks, the site's settings) is not measured
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == status
    return len(captured)


def without_redirects(settings):
    """A client of a site without the redirects' middleware."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.startswith("redirects.")]
    return Client()


def test_a_page_that_exists_costs_no_query_more(client, settings):
    """The redirects are looked up on a 404 only: a page answered 200 runs the same queries with or without them."""
    make_event(make_network("eigen", 0), "opendeurdag")
    with_redirects = queries(client, "/agenda/opendeurdag/", 200)
    assert queries(without_redirects(settings), "/agenda/opendeurdag/", 200) == with_redirects


def test_a_missing_page_costs_two_queries_more_and_a_redirect_two(client, settings):
    network = make_network("eigen", 0)
    Redirect.objects.create(network=network, old_path="/oud/", new_path="/agenda/")
    with_redirects = queries(client, "/bestaat-niet/", 404)
    assert queries(client, "/oud/", 301) == 2  # the redirect, and its visit counted
    assert queries(without_redirects(settings), "/bestaat-niet/", 404) == with_redirects - 2
