"""The whole-page cache: anonymous pages come from the cache without a query, change the moment
their network's content changes, and never leak a personal page (staff, forms, flash messages)."""

import pytest
from django.test import Client
from django.test.utils import isolate_apps
from django.utils import timezone

from network.models import Theme
from news.models import NewsPost
from newsletter.models import MailingList
from tests.factories import make_network
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """The main network with two regional ones, a theme and a mailing list (faster than the demo)."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CDN_SECONDS = 60
    main = make_network("netwerk-tegen-armoede", 0)
    networks = {main.slug: main}
    for position, slug in enumerate(("trefpunt-armoede", "brussels-platform-armoede"), start=1):
        network = make_network(slug, position)
        network.parent = main
        network.save()
        networks[slug] = network
    Theme.objects.create(name="Wonen", slug="wonen", description="Over wonen.", position=1)
    MailingList.objects.create(network=main, name="Nieuwsbrief", slug="nieuwsbrief")
    return networks


def publish_news(network, title):
    return NewsPost.objects.create(
        network=network,
        title=title,
        slug=title.lower().replace(" ", "-"),
        lead="Korte inleiding.",
        body="<p>Tekst.</p>",
        publish_at=timezone.now(),
        status=NewsPost.Status.PUBLISHED,
    )


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, demo, django_assert_num_queries):
    first = client.get("/nieuws/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/nieuws/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    cache_control = second["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control and "s-maxage=60" in cache_control
    # Another query string is another page.
    assert client.get("/nieuws/?thema=wonen")["X-Page-Cache"] == "miss"


def test_publishing_shows_at_once_on_the_lists(client, demo):
    client.get("/nieuws/")
    client.get("/")
    publish_news(demo["trefpunt-armoede"], "Nieuw bericht uit Limburg")
    for path in ("/nieuws/", "/"):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Nieuw bericht uit Limburg" in response.content.decode(), path


def test_a_change_in_one_network_leaves_another_networks_pages_cached(client, demo):
    tpa, bpa, nta = demo["trefpunt-armoede"], demo["brussels-platform-armoede"], demo["netwerk-tegen-armoede"]
    paths = {slug: f"/netwerken/{slug}/" for slug in (tpa.slug, bpa.slug, nta.slug)}
    for path in paths.values():
        assert client.get(path)["X-Page-Cache"] == "miss"
    post = publish_news(tpa, "Trefdag in Hasselt")
    assert client.get(paths[bpa.slug])["X-Page-Cache"] == "hit"
    assert client.get(paths[tpa.slug])["X-Page-Cache"] == "miss"
    # The main network's home shows its regional networks' news too.
    assert client.get(paths[nta.slug])["X-Page-Cache"] == "miss"
    post.delete()
    assert client.get(paths[tpa.slug])["X-Page-Cache"] == "miss"
    assert client.get(paths[bpa.slug])["X-Page-Cache"] == "hit"


def test_unpublishing_and_theme_changes_drop_the_pages(client, demo):
    post = publish_news(demo["brussels-platform-armoede"], "Tijdelijk bericht")
    assert "Tijdelijk bericht" in client.get("/nieuws/").content.decode()
    post.status = NewsPost.Status.DRAFT
    post.save()
    assert "Tijdelijk bericht" not in client.get("/nieuws/").content.decode()
    client.get("/netwerken/brussels-platform-armoede/")
    theme = Theme.objects.first()
    theme.name = "Een nieuwe themanaam"
    theme.save()  # a theme belongs to no network: every page is rebuilt
    assert client.get("/netwerken/brussels-platform-armoede/")["X-Page-Cache"] == "miss"


def test_conditional_get_answers_304_until_the_page_changes(client, demo):
    etag = client.get("/nieuws/")["ETag"]
    response = client.get("/nieuws/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    publish_news(demo["netwerk-tegen-armoede"], "Iets nieuws")
    response = client.get("/nieuws/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    # A page rebuilt with the same content keeps its ETag: still 304.
    assert client.get("/agenda/", HTTP_IF_NONE_MATCH=client.get("/agenda/")["ETag"]).status_code == 304


def test_staff_never_get_a_cached_page_and_never_fill_the_cache(demo):
    from django.contrib.auth.models import User

    anonymous = Client()
    anonymous.get("/")
    staff = Client()
    staff.force_login(with_mfa(User.objects.create_superuser("s@example.org", "s@example.org", "x")))
    response = staff.get("/")
    assert "X-Page-Cache" not in response and "private" in response["Cache-Control"]
    response = staff.get("/nieuws/")
    assert "X-Page-Cache" not in response
    assert anonymous.get("/nieuws/")["X-Page-Cache"] == "miss"


def test_a_page_with_a_form_is_never_stored_and_its_token_stays_the_visitors(demo):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for visitor in (first, second, first):
        response = visitor.get("/nieuwsbrief/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
    token = first.cookies["csrftoken"].value
    html = first.get("/nieuwsbrief/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert second.cookies["csrftoken"].value != token


def test_a_flash_message_is_seen_by_its_visitor_only(demo, client):
    client.cookies["messages"] = "x"
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert Client().get("/")["X-Page-Cache"] == "miss"


def test_each_host_has_its_own_pages(demo, settings):
    settings.ALLOWED_HOSTS = ["*"]
    tpa = demo["trefpunt-armoede"]
    tpa.domain = "trefpuntarmoede.be"
    tpa.save()
    main = Client().get("/")
    own = Client(HTTP_HOST="trefpuntarmoede.be").get("/")
    assert main["X-Page-Cache"] == own["X-Page-Cache"] == "miss"
    assert tpa.name in own.content.decode().split("<main")[0]
    assert Client(HTTP_HOST="trefpuntarmoede.be").get("/").content == own.content
    assert Client().get("/").content == main.content != own.content


def test_a_hit_is_one_round_trip_to_the_cache_and_keeps_every_header(client, demo, monkeypatch):
    from django.core.cache import cache

    first = client.get("/nieuws/")
    calls, depth = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not depth:  # the backend's get_many may call its own get: one call for the page cache
                calls.append(name)
            depth.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for name in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))

    second = client.get("/nieuws/")

    assert second["X-Page-Cache"] == "hit" and calls == ["get_many"]
    # Stored with the headers of every middleware, though none of them ran for the hit.
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Vary",
    ):
        assert second[header] == first[header], header


def test_plain_http_is_redirected_even_when_the_https_page_is_stored(demo, settings):
    settings.SECURE_SSL_REDIRECT = True
    secure = Client()
    assert secure.get("/nieuws/", secure=True)["X-Page-Cache"] == "miss"
    assert secure.get("/nieuws/", secure=True)["X-Page-Cache"] == "hit"

    plain = Client().get("/nieuws/")

    assert plain.status_code == 301 and plain["Location"] == "https://testserver/nieuws/"


def test_static_files_pass_by_the_page_cache_untouched(demo, monkeypatch):
    from django.contrib.auth.models import User
    from django.core.cache import cache

    from core import pagecache

    staff = Client()
    staff.force_login(with_mfa(User.objects.create_superuser("s@example.org", "s@example.org", "x")))
    get_many = cache.get_many

    def page_cache_reads_fail(keys, *args, **kwargs):
        # The not-found page WhiteNoise lets through reads the site's network; no stored page is read.
        if any(key.startswith(pagecache.BODY_PREFIX) for key in keys):
            pytest.fail("the page cache was asked for a static file")
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", page_cache_reads_fail)

    response = staff.get("/static/css/site.css")

    # WhiteNoise's answer (here a 404: the suite runs without collectstatic) as it gave it.
    assert "private" not in response.get("Cache-Control", "")


# What invalidates what: anonymous posts, narrow keys, token pages ---------------------------------


def test_every_model_of_the_project_declares_its_owner():
    """A model without an owner declaration would be invisible to the page cache (or, before the
    declarations, could be forgotten in a list of apps): every model of every project app has one,
    and the exceptions in RULES are about models with one."""
    from django.apps import apps

    from core import pagecache
    from core.owners import owner_of, undeclared_models
    from tests.helpers import project_apps

    assert undeclared_models(project_apps()) == []
    for label in pagecache.RULES:
        assert owner_of(apps.get_model(label)), label


def test_a_model_without_an_owner_declaration_fails_the_check():
    from django.db import models

    from core.owners import Owner, undeclared_models

    with isolate_apps("network") as isolated:

        class Forgotten(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "network"

        class Declared(models.Model):  # noqa: DJ008
            owner = Owner("network", public=True)

            class Meta:
                app_label = "network"

        assert undeclared_models([isolated.get_app_config("network")]) == ["network.forgotten"]


def test_the_rule_of_a_model_follows_from_its_owner_declaration():
    from campaigns.models import KeyDate, Signature
    from core.pagecache import EveryPage, Narrow, NoPublicPage, OfNetwork, SiteWide, rule_for
    from network.models import Network, Theme
    from newsletter.models import Delivery, Subscriber

    assert rule_for(KeyDate) == OfNetwork("campaign.network_id")
    assert rule_for(Theme) == SiteWide()
    assert rule_for(Delivery) == rule_for(Subscriber) == NoPublicPage()
    assert rule_for(Network) == EveryPage() and isinstance(rule_for(Signature), Narrow)


@pytest.fixture
def campaigns(demo):
    from tests.factories import make_campaign

    tpa = demo["trefpunt-armoede"]
    return {
        "running": make_campaign(tpa, "lokaalsociaal"),
        "ended": make_campaign(tpa, "voorbij", days_ago=100, days_left=-1),
    }


PUBLIC_PAGES = ["/", "/nieuws/", "/netwerken/trefpunt-armoede/", "/netwerken/netwerk-tegen-armoede/"]


def warm(client, paths):
    for path in paths:
        assert client.get(path)["X-Page-Cache"] == "miss", path


def hits(client, paths):
    """Which of `paths` come from the cache."""
    return [path for path in paths if client.get(path)["X-Page-Cache"] == "hit"]


def test_a_pending_signature_leaves_every_stored_page_cached(client, campaigns, django_assert_num_queries):
    """One signature post a second emptied the lists and homes; a pending signature shows nowhere."""
    running, ended = campaigns["running"], campaigns["ended"]
    paths = [*PUBLIC_PAGES, "/acties/", ended.get_absolute_url()]
    warm(client, paths)
    signer = {"name": "Rita Peeters", "place": "Gent", "email": "rita@example.org", "show_name": "on"}
    for post in range(2):  # a new address, then the same address again
        assert Client().post(running.get_absolute_url(), signer).status_code == 302, post

    with django_assert_num_queries(0):
        assert hits(client, paths) == paths


def test_confirming_a_signature_rebuilds_only_the_pages_showing_its_tally(client, campaigns, smtp_sink):
    import re

    from campaigns.models import Signature
    from tests.helpers import mail_body

    running, ended = campaigns["running"], campaigns["ended"]
    Client().post(running.get_absolute_url(), {"name": "Rita Peeters", "place": "Gent", "email": "rita@example.org"})
    confirm_path = re.search(r"https?://[^/\s]+(/acties/\S+/bevestig/\S+/)", mail_body(smtp_sink.wait_for(1)[0]))
    others = [*PUBLIC_PAGES, ended.get_absolute_url()]
    warm(client, [*others, "/acties/"])

    assert Client().post(confirm_path.group(1)).status_code == 200

    assert Signature.objects.get().is_confirmed
    listing = client.get("/acties/")
    assert listing["X-Page-Cache"] == "miss" and "1 handtekening" in listing.content.decode()
    assert hits(client, others) == others


def test_erasing_a_confirmed_signature_rebuilds_its_campaign_page_and_a_pending_one_nothing(client, campaigns):
    from tests.factories import make_signature

    running, ended = campaigns["running"], campaigns["ended"]
    confirmed, pending = make_signature(ended, 1), make_signature(ended, 2, confirmed=False)
    paths = [*PUBLIC_PAGES, "/acties/", ended.get_absolute_url()]
    warm(client, paths)
    pending.delete()
    assert hits(client, paths) == paths
    confirmed.delete()
    assert hits(client, paths) == PUBLIC_PAGES
    assert "1 handtekening" not in client.get("/acties/").content.decode()
    assert running.get_absolute_url() not in paths  # its page has the form: never stored anyway


def test_a_registration_rebuilds_only_its_events_page(client, demo, django_capture_on_commit_callbacks):
    import datetime

    from django.test import RequestFactory

    from events.models import Event, Registration
    from events.registrations import confirm
    from tests.factories import make_event

    tpa = demo["trefpunt-armoede"]
    days = (timezone.localdate() - datetime.date(2026, 10, 1)).days + 30
    event = make_event(tpa, "trefdag", days=days, registration_mode=Event.RegistrationMode.FORM, capacity=30)
    other = make_event(tpa, "vorming", days=days, registration_mode=Event.RegistrationMode.FORM, capacity=30)
    others = [*PUBLIC_PAGES, "/agenda/", other.get_absolute_url()]
    warm(client, [*others, event.get_absolute_url()])

    # A pending registration takes no seat: no page changes.
    registration = Registration.objects.create(event=event, name="Rita Peeters", email="rita@example.org", people=2)
    assert hits(client, [*others, event.get_absolute_url()]) == [*others, event.get_absolute_url()]

    with django_capture_on_commit_callbacks(execute=True):
        confirm(registration=registration, request=RequestFactory().get("/"))

    page = client.get(event.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "28 plaatsen" in page.content.decode()
    assert hits(client, others) == others


def test_a_page_with_narrow_keys_is_one_round_trip_when_hit(client, campaigns, monkeypatch):
    from django.core.cache import cache

    client.get("/acties/")
    calls = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda *args, **kwargs: calls.append(1) or get_many(*args, **kwargs))
    assert client.get("/acties/")["X-Page-Cache"] == "hit"
    assert calls == [1]


def token_paths(mailing_list, campaign):
    """A path of every view reached by a link with a token, as a person opens it from the mail."""
    from campaigns import signing
    from core.tokens import make_token
    from events.models import Event, Registration
    from events.registrations import cancel_token
    from newsletter import subscribing
    from tests.factories import make_event, make_signature, make_subscriber

    pending = make_signature(campaign, 1, confirmed=False)
    confirmed = make_signature(campaign, 2)
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    newcomer = make_subscriber("nieuw@example.org", mailing_list, status="pending")
    event = make_event(campaign.network, "trefdag", days=400, registration_mode=Event.RegistrationMode.FORM)
    registration = Registration.objects.create(event=event, name="Rita", email="rita@example.org")
    unsubscribe = make_token(subscribing.UNSUBSCRIBE, [subscriber.pk, subscriber.nonce, mailing_list.pk])

    def signature_path(kind, purpose, signature):
        return f"/acties/{campaign.slug}/{kind}/{make_token(purpose, [signature.pk, signature.nonce])}/"

    return {
        "signature confirm": signature_path("bevestig", signing.CONFIRM, pending),
        "signature confirmed": signature_path("bevestig", signing.CONFIRM, confirmed),
        "signature erase": signature_path("handtekening", signing.ERASE, pending),
        "newsletter confirm": subscribing.confirm_url(newcomer, [mailing_list]).removeprefix("http://testserver"),
        "newsletter confirmed": subscribing.confirm_url(subscriber, [mailing_list]).removeprefix("http://testserver"),
        "unsubscribe": f"/nieuwsbrief/afmelden/{unsubscribe}/",
        "preferences": subscribing.preferences_url(subscriber).removeprefix("http://testserver"),
        "registration cancel": f"/agenda/inschrijving/annuleren/{cancel_token(registration)}/",
    }


def test_pages_behind_a_token_link_are_never_stored(demo, campaigns, settings):
    """The newsletter's confirmation page was stored with the subscriber's preferences link in it."""
    settings.SITE_URL = "http://testserver"
    paths = token_paths(MailingList.objects.get(), campaigns["running"])
    for name, path in paths.items():
        for _visit in range(2):
            response = Client().get(path)
            assert response.status_code == 200, (name, response.status_code)
            assert "X-Page-Cache" not in response, name
            cache_control = response["Cache-Control"]
            assert "no-store" in cache_control and "private" in cache_control, (name, cache_control)
    # The confirmed subscription's page has no form (no CSRF cookie) and shows the preferences link.
    confirmed = Client().get(paths["newsletter confirmed"])
    assert "/nieuwsbrief/voorkeuren/" in confirmed.content.decode() and not confirmed.cookies


def test_every_view_with_a_token_in_its_address_is_a_token_page():
    """By rule, not by remembering: a new link from a mail cannot end up in the page cache."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from patterns(pattern)
            elif isinstance(pattern, URLPattern):
                yield pattern

    token_views = [pattern for pattern in patterns(get_resolver()) if "token" in pattern.pattern.converters]
    names = sorted(pattern.name for pattern in token_views if pattern.name)
    assert {"confirm", "erase", "unsubscribe", "preferences", "cancel"} <= set(names)
    for pattern in token_views:
        # allauth's own token views (password reset by key) sit under /accounts/, which is never cached.
        if pattern.callback.__module__.startswith("allauth"):
            continue
        assert getattr(pattern.callback, "token_page", False), pattern
