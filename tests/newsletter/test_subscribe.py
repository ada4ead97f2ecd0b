"""Subscribing, confirming, leaving and changing preferences, and every way a visitor or a bot can get it wrong."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.tokens import make_token
from newsletter.models import CONSENT_VERSION, MailingList, Subscriber, Subscription
from newsletter.subscribing import CONFIRM, PREFERENCES, UNSUBSCRIBE
from tests.factories import make_list, make_network, make_subscriber
from tests.helpers import mail_body

pytestmark = pytest.mark.django_db

SIGN_UP = {"email": "Rita@Example.org", "name": "Rita Peeters"}


def subscribe(client, mailing_lists, **changes):
    return client.post("/nieuwsbrief/", {**SIGN_UP, "lists": [item.pk for item in mailing_lists], **changes})


def link(message, kind):
    return re.search(rf"https?://[^/\s]+(/nieuwsbrief/{kind}/\S+/)", mail_body(message)).group(1)


def confirmed_lists(email):
    return set(
        Subscription.objects.confirmed().filter(subscriber__email=email).values_list("mailing_list__slug", flat=True)
    )


# The form --------------------------------------------------------------------------------------


def test_subscribe_confirm_by_mail(client, mailing_list, smtp_sink):
    response = subscribe(client, [mailing_list])
    assert response.status_code == 302
    assert response["Location"] == "/nieuwsbrief/bedankt/"
    assert "Kijk in je mailbox" in client.get(response["Location"]).content.decode()
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "rita@example.org"
    assert message.get_body(preferencelist=("html",)) is not None
    assert mailing_list.name in mail_body(message)
    subscription = Subscription.objects.get()
    assert (subscription.subscriber.name, subscription.status) == ("Rita Peeters", Subscription.Status.PENDING)
    assert subscription.consent_version == CONSENT_VERSION
    assert "nieuwsbrief" in subscription.consent_text.lower()
    assert abs((subscription.consented_at - timezone.now()).total_seconds()) < 60

    # The link names the lists it confirms and shows one button; pressing it confirms.
    page = client.get(link(message, "bevestig"))
    assert page.status_code == 200 and "Bevestig je inschrijving" in page.content.decode()
    assert [item.pk for item in page.context["lists"]] == [mailing_list.pk]
    subscription.refresh_from_db()
    assert (subscription.status, subscription.subscriber.is_confirmed) == (Subscription.Status.PENDING, False)
    response = client.post(link(message, "bevestig"))
    assert response.status_code == 200
    assert [item.pk for item in response.context["newly_confirmed"]] == [mailing_list.pk]
    assert 'href="http://testserver/nieuwsbrief/voorkeuren/' in response.content.decode()  # on the host in use
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.subscriber.is_confirmed


def test_footer_form_is_a_get_form_that_fills_in_the_address(client, mailing_list):
    home = client.get("/")
    html = home.content.decode()
    footer = re.search(r'<section class="footer-newsletter".*?</section>', html, re.S).group(0)
    assert '<form method="get" action="/nieuwsbrief/">' in footer
    assert "csrfmiddlewaretoken" not in footer
    assert not home.cookies
    response = client.get("/nieuwsbrief/", {"email": "jan@example.org", "netwerk": mailing_list.network.slug})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="jan@example.org"' in html
    assert re.search(rf'value="{mailing_list.pk}" id="id_lists_0" checked', html)


def test_prefilled_address_is_escaped(client, mailing_list):
    html = client.get("/nieuwsbrief/", {"email": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "geen-adres"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "x" * 250 + "@example.org"}, "email"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"name": "Jan\x00"}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"lists": []}, "lists"),
        ({"lists": ["999999"]}, "lists"),
        ({"lists": ["niets"]}, "lists"),
    ],
)
def test_invalid_sign_up_gets_dutch_errors_and_stores_nothing(client, mailing_list, changes, field, smtp_sink):
    response = subscribe(client, [mailing_list], **changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "Je bent nog niet ingeschreven" in html
    assert f'href="#{"lists" if field == "lists" else "id_" + field}"' in html
    assert Subscriber.objects.count() == 0
    assert smtp_sink.messages == []


@pytest.mark.parametrize("value", [str(2**63), str(-(2**63) - 1), "9" * 30])
def test_list_id_larger_than_any_column_is_refused_like_an_unknown_one(client, mailing_list, value, smtp_sink):
    """SQLite cannot bind such a number: the sign-up answered 500 (hostile-input sweep)."""
    response = subscribe(client, [mailing_list], lists=[str(mailing_list.pk), value])
    assert response.status_code == 400
    assert "lists" in response.context["form"].errors
    assert Subscriber.objects.count() == 0
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    response = client.post(preferences_path(subscriber), {"action": "save", "lists": [value]})
    assert response.status_code == 400
    assert confirmed_lists("lezer@example.org") == {"nieuwsbrief"}


def test_a_closed_list_cannot_be_chosen(client, mailing_list, smtp_sink):
    closed = make_list(mailing_list.network, "gesloten", is_open=False)
    response = subscribe(client, [closed])
    assert response.status_code == 400
    assert "lists" in response.context["form"].errors
    assert Subscriber.objects.count() == 0


def test_honeypot_looks_like_success_but_stores_and_sends_nothing(client, mailing_list, smtp_sink):
    response = subscribe(client, [mailing_list], website="http://spam.example")
    assert (response.status_code, response["Location"]) == (302, "/nieuwsbrief/bedankt/")
    assert Subscriber.objects.count() == 0
    assert smtp_sink.messages == []


def test_rate_limit_per_address_answers_429(client, mailing_list, settings, smtp_sink):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscription": {"ip": (100, 3600), "address": (2, 3600)}}
    assert subscribe(client, [mailing_list]).status_code == 302
    assert subscribe(client, [mailing_list]).status_code == 302
    refused = subscribe(client, [mailing_list])
    assert refused.status_code == 429
    assert "Te veel inschrijvingen" in refused.content.decode()
    assert len(smtp_sink.wait_for(2)) == 2
    # Another address from the same place still gets through.
    assert subscribe(client, [mailing_list], email="ander@example.org").status_code == 302


def test_rate_limit_per_client_address_answers_429(client, mailing_list, settings, smtp_sink):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscription": {"ip": (3, 3600), "address": (10, 3600)}}
    statuses = [subscribe(client, [mailing_list], email=f"persoon{n}@example.org").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Subscriber.objects.count() == 3


def test_mail_failure_answers_503_and_the_form_can_be_sent_again(client, mailing_list, settings, smtp_sink):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there
    response = subscribe(client, [mailing_list])
    assert response.status_code == 503
    assert "bevestigingsmail nu niet sturen" in response.content.decode()
    settings.EMAIL_PORT = port
    assert subscribe(client, [mailing_list]).status_code == 302
    client.post(link(smtp_sink.wait_for(1)[0], "bevestig"))
    assert confirmed_lists("rita@example.org") == {"nieuwsbrief"}


# No enumeration --------------------------------------------------------------------------------


def test_answer_never_reveals_whether_the_address_is_known(client, mailing_list, smtp_sink):
    make_subscriber("bevestigd@example.org", mailing_list, name="Bekend")
    make_subscriber("wachtend@example.org", mailing_list, status=Subscription.Status.PENDING, name="Eerste Naam")
    make_subscriber("vertrokken@example.org", mailing_list, status=Subscription.Status.UNSUBSCRIBED)
    answers = []
    for email in ["nieuw@example.org", "bevestigd@example.org", "wachtend@example.org", "vertrokken@example.org"]:
        response = subscribe(client, [mailing_list], email=email, name="Iemand Anders")
        answers.append((response.status_code, response["Location"], response.content))
    assert len(set(answers)) == 1
    messages = {message["To"]: mail_body(message) for message in smtp_sink.wait_for(4)}
    assert "/nieuwsbrief/bevestig/" in messages["nieuw@example.org"]
    assert "/nieuwsbrief/bevestig/" in messages["wachtend@example.org"]
    assert "/nieuwsbrief/bevestig/" in messages["vertrokken@example.org"]
    # The known, confirmed address gets a note with its preferences link, no new link, and keeps its name.
    known = messages["bevestigd@example.org"]
    assert "/nieuwsbrief/voorkeuren/" in known and "/nieuwsbrief/bevestig/" not in known
    assert Subscriber.objects.get(email="bevestigd@example.org").name == "Bekend"
    # A pending address keeps the first name it was given: the real person confirms their own data.
    assert Subscriber.objects.get(email="wachtend@example.org").name == "Eerste Naam"
    assert (
        "Eerste Naam" in messages["wachtend@example.org"] and "Iemand Anders" not in messages["wachtend@example.org"]
    )


def test_a_known_address_can_add_a_list_but_only_through_its_mailbox(client, mailing_list, smtp_sink):
    second = make_list(mailing_list.network, "beleid", name="Beleidsnieuws")
    make_subscriber("bevestigd@example.org", mailing_list)
    subscribe(client, [mailing_list, second], email="bevestigd@example.org")
    assert confirmed_lists("bevestigd@example.org") == {"nieuwsbrief"}
    message = smtp_sink.wait_for(1)[0]
    assert "Beleidsnieuws" in mail_body(message)
    client.post(link(message, "bevestig"))
    assert confirmed_lists("bevestigd@example.org") == {"nieuwsbrief", "beleid"}


# Confirming ------------------------------------------------------------------------------------


def test_confirming_twice_is_harmless(client, mailing_list, smtp_sink):
    subscribe(client, [mailing_list])
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    first = client.post(path)
    confirmed_at = Subscription.objects.get().confirmed_at
    second = client.post(path)
    opened_again = client.get(path)
    assert (first.status_code, second.status_code, opened_again.status_code) == (200, 200, 200)
    assert second.context["newly_confirmed"] == []
    assert "was al bevestigd" in second.content.decode()
    # Once confirmed, the link shows the subscription, without a button.
    assert "was al bevestigd" in opened_again.content.decode()
    assert "confirm-form" not in opened_again.content.decode()
    assert Subscription.objects.get().confirmed_at == confirmed_at
    assert Subscription.objects.count() == 1


def test_expired_confirmation_link_gets_a_clear_message(client, mailing_list, smtp_sink, settings):
    settings.CONFIRMATION_MAX_AGE = 3600
    subscribe(client, [mailing_list])
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        response = client.get(path)
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-4] + "abcd",
        lambda token: "x" + token,
        lambda token: "niets",
        lambda token: make_token(PREFERENCES, [1, "nonce"]),  # a token made for another purpose
        lambda token: make_token(CONFIRM, "geen-lijst"),
        lambda token: make_token(CONFIRM, [True, "nonce"]),
        lambda token: make_token(CONFIRM, [1, 2]),
        lambda token: make_token(CONFIRM, [1, "nonce", []]),
        lambda token: make_token(CONFIRM, [1, "nonce", ["1"]]),
        lambda token: make_token(CONFIRM, [1, "nonce", 1]),
    ],
)
def test_tampered_confirmation_link_gets_a_clear_message(client, mailing_list, smtp_sink, mangle):
    subscribe(client, [mailing_list])
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = client.get(path.replace(token, mangle(token)))
    assert response.status_code == 400
    assert "niet geldig" in response.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_link_with_a_wrong_nonce_confirms_nothing(client, mailing_list):
    subscriber = make_subscriber("wachtend@example.org", mailing_list, status=Subscription.Status.PENDING)
    path = f"/nieuwsbrief/bevestig/{make_token(CONFIRM, [subscriber.pk, 'raden', [mailing_list.pk]])}/"
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_a_link_from_before_links_named_their_lists_has_expired(client, mailing_list):
    """Such a link confirmed every pending list of the address: it now asks to sign up again."""
    subscriber = make_subscriber("wachtend@example.org", mailing_list, status=Subscription.Status.PENDING)
    path = f"/nieuwsbrief/bevestig/{make_token(CONFIRM, [subscriber.pk, subscriber.nonce])}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "verlopen" in response.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_a_cookieless_get_or_head_of_the_link_confirms_nothing(mailing_list, smtp_sink):
    """A mail scanner fetches links without cookies, with GET or HEAD: nobody is subscribed by it."""
    subscribe(Client(), [mailing_list])
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    scanner = Client(enforce_csrf_checks=True)
    assert scanner.head(path).status_code == 200
    page = scanner.get(path)
    assert page.status_code == 200
    subscription = Subscription.objects.select_related("subscriber").get()
    assert (subscription.status, subscription.subscriber.confirmed_at) == (Subscription.Status.PENDING, None)
    # Nor does a POST without the page's CSRF token.
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    # The person presses the page's button: confirmed.
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f'<form class="confirm-form" method="post" action="{path}">' in html
    response = scanner.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Je bent ingeschreven" in response.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def test_a_link_confirms_only_the_lists_of_its_own_sign_up(client, mailing_list, smtp_sink):
    """Someone signs the address up for one list; its owner signs up for another and confirms
    that one: the first list stays unconfirmed (it sends nothing to the address)."""
    imposed = make_list(mailing_list.network, "beleid", name="Beleidsnieuws")
    subscribe(Client(REMOTE_ADDR="10.0.0.66"), [imposed])
    subscribe(client, [mailing_list])
    imposed_mail, own_mail = smtp_sink.wait_for(2)
    page = client.get(link(own_mail, "bevestig"))
    assert [item.pk for item in page.context["lists"]] == [mailing_list.pk]
    assert "Beleidsnieuws" not in page.content.decode()
    response = client.post(link(own_mail, "bevestig"))
    assert [item.pk for item in response.context["newly_confirmed"]] == [mailing_list.pk]
    assert confirmed_lists("rita@example.org") == {"nieuwsbrief"}
    assert Subscription.objects.get(mailing_list=imposed).status == Subscription.Status.PENDING
    # The other sign-up's link names its own list only.
    assert [item.pk for item in client.get(link(imposed_mail, "bevestig")).context["lists"]] == [imposed.pk]


# Leaving ---------------------------------------------------------------------------------------


def unsubscribe_path(subscriber, mailing_list):
    return f"/nieuwsbrief/afmelden/{make_token(UNSUBSCRIBE, [subscriber.pk, subscriber.nonce, mailing_list.pk])}/"


def preferences_path(subscriber):
    return f"/nieuwsbrief/voorkeuren/{make_token(PREFERENCES, [subscriber.pk, subscriber.nonce])}/"


def test_unsubscribe_get_shows_one_button_and_changes_nothing(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    response = client.get(unsubscribe_path(subscriber, mailing_list))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<form") == 2  # the footer's GET form and the one button
    assert html.count('type="submit"') == 2
    assert not response.cookies  # no CSRF token needed, so no cookie
    assert client.head(unsubscribe_path(subscriber, mailing_list)).status_code == 200  # a scanner's HEAD
    assert confirmed_lists("lezer@example.org") == {"nieuwsbrief"}


@pytest.mark.parametrize(
    "body",
    [
        {"data": "", "content_type": "application/x-www-form-urlencoded"},
        {"data": "List-Unsubscribe=One-Click", "content_type": "application/x-www-form-urlencoded"},
        {"data": {"List-Unsubscribe": "One-Click"}},  # multipart, as some providers send it
        {},  # the button on the page
    ],
)
def test_one_click_unsubscribe_post_works_without_csrf_token(mailing_list, body):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    other = make_list(mailing_list.network, "beleid")
    Subscription.objects.create(
        subscriber=subscriber, mailing_list=other, status=Subscription.Status.CONFIRMED, consented_at=timezone.now()
    )
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_path(subscriber, mailing_list), **body)
    assert response.status_code == 200
    assert "afgemeld" in response.content.decode()
    assert confirmed_lists("lezer@example.org") == {"beleid"}  # only the list of that mail
    mailing_list.refresh_from_db()
    assert mailing_list.unsubscribed_count == 1
    # Twice: harmless, counted once.
    assert client.post(unsubscribe_path(subscriber, mailing_list), **body).status_code == 200
    mailing_list.refresh_from_db()
    assert mailing_list.unsubscribed_count == 1


def test_other_posts_still_need_a_csrf_token(mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    client = Client(enforce_csrf_checks=True)
    assert client.post("/nieuwsbrief/", {**SIGN_UP, "lists": [mailing_list.pk]}).status_code == 403
    assert client.post(preferences_path(subscriber), {"action": "erase"}).status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize(
    "token",
    [
        "niets",
        make_token(UNSUBSCRIBE, [1, "nonce"]),
        make_token(UNSUBSCRIBE, [1, "nonce", "lijst"]),
        make_token(PREFERENCES, [1, "nonce", 1]),
    ],
)
def test_tampered_unsubscribe_link_gets_a_clear_message(client, mailing_list, token):
    make_subscriber("lezer@example.org", mailing_list)
    for response in (client.get(f"/nieuwsbrief/afmelden/{token}/"), client.post(f"/nieuwsbrief/afmelden/{token}/")):
        assert response.status_code == 400
        assert "niet geldig" in response.content.decode()
    assert confirmed_lists("lezer@example.org") == {"nieuwsbrief"}


def test_unsubscribe_link_never_expires(client, mailing_list, settings):
    settings.CONFIRMATION_MAX_AGE = 3600
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    path = unsubscribe_path(subscriber, mailing_list)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3 * 365)):
        assert client.post(path).status_code == 200
    assert confirmed_lists("lezer@example.org") == set()


def test_unsubscribe_link_of_an_erased_subscriber(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    path = unsubscribe_path(subscriber, mailing_list)
    subscriber.delete()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 200  # a provider's one-click POST: nothing left, all fine


# Preferences, erasure and coming back ----------------------------------------------------------


def test_preferences_change_lists_and_name(client, mailing_list):
    other_network = make_network("ander", 1)
    policy = make_list(mailing_list.network, "beleid", name="Beleidsnieuws")
    theirs = make_list(other_network, "hun-lijst", name="Hun nieuwsbrief")
    subscriber = make_subscriber("lezer@example.org", mailing_list, name="Lezer")
    path = preferences_path(subscriber)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "lezer@example.org" in html and "Hun nieuwsbrief" in html
    response = client.post(path, {"action": "save", "name": "Nieuwe Naam", "lists": [policy.pk, theirs.pk]})
    assert response.status_code == 200
    assert "bewaard" in response.content.decode()
    assert confirmed_lists("lezer@example.org") == {"beleid", "hun-lijst"}
    subscriber.refresh_from_db()
    assert subscriber.name == "Nieuwe Naam"
    new = Subscription.objects.get(subscriber=subscriber, mailing_list=theirs)
    assert new.consent_version == CONSENT_VERSION and new.consented_at is not None
    mailing_list.refresh_from_db()
    assert mailing_list.unsubscribed_count == 1


def test_preferences_refuse_bad_input(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list, name="Lezer")
    response = client.post(preferences_path(subscriber), {"action": "save", "name": "<b>x</b>", "lists": ["999"]})
    assert response.status_code == 400
    assert "nog niet bewaard" in response.content.decode()
    assert confirmed_lists("lezer@example.org") == {"nieuwsbrief"}


def test_preferences_leave_every_list(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    response = client.post(preferences_path(subscriber), {"action": "leave"})
    assert response.status_code == 200
    assert confirmed_lists("lezer@example.org") == set()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_erase_deletes_personal_data_keeps_anonymous_counts_and_kills_every_link(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list, name="Lezer")
    links = [preferences_path(subscriber), unsubscribe_path(subscriber, mailing_list)]
    response = client.post(links[0], {"action": "erase"})
    assert response.status_code == 200
    assert "gewist" in response.content.decode()
    assert not Subscriber.objects.filter(email="lezer@example.org").exists()
    assert Subscription.objects.count() == 0
    mailing_list.refresh_from_db()
    assert (mailing_list.erased_count, mailing_list.unsubscribed_count) == (1, 0)
    for path in links:
        assert client.get(path).status_code == 404


def test_subscribing_again_later_works(client, mailing_list, smtp_sink):
    subscribe(client, [mailing_list])
    client.post(link(smtp_sink.wait_for(1)[0], "bevestig"))
    subscriber = Subscriber.objects.get()
    client.post(unsubscribe_path(subscriber, mailing_list))
    assert confirmed_lists("rita@example.org") == set()
    subscribe(client, [mailing_list])
    client.post(link(smtp_sink.wait_for(2)[1], "bevestig"))
    assert confirmed_lists("rita@example.org") == {"nieuwsbrief"}
    # After erasure too.
    client.post(preferences_path(subscriber), {"action": "erase"})
    subscribe(client, [mailing_list])
    client.post(link(smtp_sink.wait_for(3)[2], "bevestig"))
    assert confirmed_lists("rita@example.org") == {"nieuwsbrief"}
    assert MailingList.objects.get().erased_count == 1


# Cookies and queries -----------------------------------------------------------------------------


def test_only_pages_with_a_csrf_form_set_a_cookie(client, mailing_list):
    subscriber = make_subscriber("lezer@example.org", mailing_list)
    assert client.get("/nieuwsbrief/").cookies  # the CSRF cookie of its POST form
    for path in ["/nieuwsbrief/bedankt/", "/nieuwsbrief/archief/", unsubscribe_path(subscriber, mailing_list)]:
        assert not client.get(path).cookies, path


def test_form_page_queries_do_not_grow_with_the_number_of_lists(client, network):
    """Each list names its network: fetched with the lists (select_related), not one query per list."""
    make_list(network, "een")
    client.get("/nieuwsbrief/")  # warms the site network cache
    with CaptureQueriesContext(connection) as few:
        client.get("/nieuwsbrief/")
    for number in range(8):
        make_list(make_network(f"netwerk-{number}", number + 1), f"lijst-{number}")
    client.get("/nieuwsbrief/")  # new networks dropped the cached site network
    with CaptureQueriesContext(connection) as many:
        response = client.get("/nieuwsbrief/")
    assert len(response.context["form"].list_groups()) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
