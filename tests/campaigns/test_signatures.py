"""Signing a campaign end to end: the form, the mail through a real SMTP server, the signed link,
confirmed-only counts, erasure, and every way a visitor or a bot can get it wrong."""

import datetime
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from campaigns.models import Signature
from campaigns.signing import CONFIRM, ERASE
from core.tokens import make_token, read_token
from tests.factories import make_campaign, make_signature
from tests.helpers import mail_body

pytestmark = pytest.mark.django_db

SIGNER = {"name": "Rita Peeters", "place": "sint-niklaas ", "email": "Rita@Example.org", "show_name": "on"}


def sign(client, campaign, **changes):
    return client.post(campaign.get_absolute_url(), {**SIGNER, **changes})


def link(message, kind):
    return re.search(rf"https?://[^/\s]+(/acties/\S+/{kind}/\S+/)", mail_body(message)).group(1)


def test_sign_confirm_by_mail_and_count(client, campaign, smtp_sink):
    response = sign(client, campaign)
    assert response.status_code == 302
    assert response["Location"] == f"/acties/{campaign.slug}/bedankt/"
    assert "Kijk in je mailbox" in client.get(response["Location"]).content.decode()
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "rita@example.org"
    assert message.get_body(preferencelist=("html",)) is not None
    signature = Signature.objects.get()
    assert (signature.place, signature.is_confirmed) == ("Sint-Niklaas", False)
    assert signature.consent_text == campaign.consent_text

    # Pending: not counted, name not shown.
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Rita Peeters" not in page
    assert client.get(campaign.get_absolute_url()).context["count"] == 0

    # The link shows what it confirms and one button; pressing it confirms.
    confirm_path = link(message, "bevestig")
    page = client.get(confirm_path).content.decode()
    assert "Bevestig je handtekening" in page and "Je tekende als: Rita Peeters (Sint-Niklaas)." in page
    signature.refresh_from_db()
    assert not signature.is_confirmed
    response = client.post(confirm_path)
    assert response.status_code == 200 and response.context["newly_confirmed"]
    signature.refresh_from_db()
    assert signature.is_confirmed
    page = client.get(campaign.get_absolute_url())
    assert page.context["count"] == 1
    assert "Rita Peeters" in page.content.decode()
    assert page.context["tally"] == [{"place": "Sint-Niklaas", "count": 1}]


def test_confirming_twice_is_harmless(client, campaign, smtp_sink):
    sign(client, campaign)
    confirm_path = link(smtp_sink.wait_for(1)[0], "bevestig")
    first = client.post(confirm_path)
    confirmed_at = Signature.objects.get().confirmed_at
    second = client.post(confirm_path)
    opened_again = client.get(confirm_path)
    assert (first.status_code, second.status_code, opened_again.status_code) == (200, 200, 200)
    assert second.context["newly_confirmed"] is False
    # Once confirmed, the link shows that it counts, without a button.
    assert "Je handtekening telt mee" in opened_again.content.decode()
    assert "confirm-form" not in opened_again.content.decode()
    assert Signature.objects.get().confirmed_at == confirmed_at
    assert Signature.objects.count() == 1


def test_a_cookieless_get_or_head_of_the_link_confirms_nothing(client, campaign, smtp_sink):
    """A mail scanner fetches links without cookies, with GET or HEAD: the signature must not count."""
    sign(client, campaign)
    confirm_path = link(smtp_sink.wait_for(1)[0], "bevestig")
    scanner = Client(enforce_csrf_checks=True)
    assert scanner.head(confirm_path).status_code == 200
    page = scanner.get(confirm_path)
    assert page.status_code == 200
    assert not Signature.objects.get().is_confirmed
    assert client.get(campaign.get_absolute_url()).context["count"] == 0
    # A POST without the CSRF token of the page confirms nothing either.
    assert Client(enforce_csrf_checks=True).post(confirm_path).status_code == 403
    assert not Signature.objects.get().is_confirmed
    # The person presses the button of the page: the form posts to the link with the page's token.
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f'<form class="confirm-form" method="post" action="{confirm_path}">' in html
    response = scanner.post(confirm_path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Je handtekening telt mee" in response.content.decode()
    assert Signature.objects.get().is_confirmed


def test_expired_confirmation_link_gets_a_clear_message(client, campaign, smtp_sink, settings):
    settings.CONFIRMATION_MAX_AGE = 3600
    sign(client, campaign)
    confirm_path = link(smtp_sink.wait_for(1)[0], "bevestig")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        response = client.get(confirm_path)
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()
    assert not Signature.objects.get().is_confirmed


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-4] + "abcd",
        lambda token: "x" + token,
        lambda token: "niets",
        lambda token: make_token(ERASE, [1, "nonce"]),  # a token made for another purpose
        lambda token: make_token(CONFIRM, "geen-lijst"),
    ],
)
def test_tampered_confirmation_link_gets_a_clear_message(client, campaign, smtp_sink, mangle):
    sign(client, campaign)
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = client.get(path.replace(token, mangle(token)))
    assert response.status_code == 400
    assert "niet geldig" in response.content.decode()
    assert not Signature.objects.get().is_confirmed


def test_right_link_of_a_signature_that_is_gone_says_so(client, campaign):
    """A link as the site signs it, of a signature that no longer exists (erased): not found, and why."""
    response = client.get(f"/acties/{campaign.slug}/bevestig/{make_token(CONFIRM, [10**12, 'nonce'])}/")
    assert response.status_code == 404
    assert "Geen handtekening gevonden" in response.content.decode()


def test_link_of_another_signature_nonce_does_not_confirm(client, campaign):
    signature = make_signature(campaign, 1, confirmed=False)
    token = make_token(CONFIRM, [signature.pk, "raden"])
    response = client.get(f"/acties/{campaign.slug}/bevestig/{token}/")
    assert response.status_code == 404
    signature.refresh_from_db()
    assert not signature.is_confirmed


def test_answer_never_reveals_whether_the_address_signed(client, campaign, smtp_sink):
    make_signature(campaign, 1, confirmed=True)
    first = client.post(campaign.get_absolute_url(), {**SIGNER, "email": "teken1@example.org"})
    second = client.post(campaign.get_absolute_url(), {**SIGNER, "email": "nieuw@example.org"})
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    messages = smtp_sink.wait_for(2)
    already = next(message for message in messages if message["To"] == "teken1@example.org")
    assert "/handtekening/" in mail_body(already) and "/bevestig/" not in mail_body(already)
    # The confirmed signature keeps its own data.
    assert Signature.objects.get(email="teken1@example.org").name == "Ondertekenaar 1"
    assert Signature.objects.count() == 2


def confirmed_by(path):
    """What a confirm link names: [signature id, nonce]."""
    return read_token(CONFIRM, path.rstrip("/").rsplit("/", 1)[1])


def test_a_second_post_for_a_pending_address_keeps_the_first_data(client, campaign, smtp_sink):
    """Whoever posts the address again cannot put words in the name of the person who confirms."""
    first = sign(client, campaign)
    other = Client(REMOTE_ADDR="10.0.0.66")
    second = other.post(
        campaign.get_absolute_url(), {**SIGNER, "name": "Iemand Anders", "place": "Brussel", "show_name": ""}
    )
    new_address = other.post(campaign.get_absolute_url(), {**SIGNER, "email": "nieuw@example.org"})
    # The same answer as for a new address, and one mail for each post, as for a new address.
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert (second.status_code, second["Location"]) == (new_address.status_code, new_address["Location"])
    assert other.get(second["Location"]).content == other.get(new_address["Location"]).content
    messages = smtp_sink.wait_for(3)
    assert [message["To"] for message in messages] == ["rita@example.org", "rita@example.org", "nieuw@example.org"]
    assert messages[0]["Subject"] == messages[1]["Subject"]
    signature = Signature.objects.get(email="rita@example.org")
    assert (signature.name, signature.place, signature.show_name) == ("Rita Peeters", "Sint-Niklaas", True)
    # The second mail repeats the stored data and the same link; nothing of the second post.
    assert "Iemand Anders" not in mail_body(messages[1]) and "Brussel" not in mail_body(messages[1])
    # The same signature and nonce (the links differ only when the posts fall in different seconds:
    # a signed value carries its time).
    assert confirmed_by(link(messages[1], "bevestig")) == confirmed_by(link(messages[0], "bevestig"))
    assert confirmed_by(link(messages[0], "bevestig")) == [signature.pk, signature.nonce]
    client.post(link(messages[0], "bevestig"))
    signature.refresh_from_db()
    assert signature.is_confirmed
    assert (signature.name, signature.place, signature.show_name) == ("Rita Peeters", "Sint-Niklaas", True)


def test_counts_and_tallies_include_confirmed_signatures_only(client, campaign):
    for number in range(5):
        make_signature(campaign, number, place="Gent")
    for number in range(5, 8):
        make_signature(campaign, number, place="Genk")
    for number in range(8, 20):
        make_signature(campaign, number, place="Hasselt", confirmed=False)
    make_signature(campaign, 30, place="Genk", show_name=False)
    response = client.get(campaign.get_absolute_url())
    assert response.context["count"] == 9
    assert response.context["tally"] == [{"place": "Gent", "count": 5}, {"place": "Genk", "count": 4}]
    page = response.content.decode()
    assert "9 mensen tekenden" in page
    assert "Hasselt" not in page
    assert "Ondertekenaar 8" not in page and "Ondertekenaar 30" not in page
    assert "Ondertekenaar 7" in page
    listing = client.get("/acties/")
    assert listing.context["running"][0].signature_count == 9


def test_erase_signature_with_the_link_from_the_mail(client, campaign, smtp_sink):
    sign(client, campaign)
    message = smtp_sink.wait_for(1)[0]
    client.post(link(message, "bevestig"))
    erase_path = link(message, "handtekening")
    page = client.get(erase_path)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert Signature.objects.count() == 1  # GET erases nothing
    assert client.post(erase_path).status_code == 200
    assert Signature.objects.count() == 0
    assert client.post(erase_path).status_code == 200  # twice: harmless
    assert client.get(erase_path).status_code == 404
    assert client.get(campaign.get_absolute_url()).context["count"] == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"name": "Jan\x00"}, "name"),
        ({"name": "Jan\u202eevil"}, "name"),
        ({"place": ""}, "place"),
        ({"place": "12"}, "place"),
        ({"place": "0999"}, "place"),
        ({"place": "Gent'; DROP TABLE campaigns_signature;--"}, "place"),
        ({"email": "geen-adres"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "x" * 250 + "@example.org"}, "email"),
    ],
)
def test_invalid_signature_gets_dutch_errors_and_stores_nothing(client, campaign, changes, field, smtp_sink):
    response = sign(client, campaign, **changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Je handtekening is nog niet verstuurd" in response.content.decode()
    assert Signature.objects.count() == 0
    assert smtp_sink.messages == []


def test_honeypot_looks_like_success_but_stores_and_sends_nothing(client, campaign, smtp_sink):
    response = sign(client, campaign, website="http://spam.example")
    assert response.status_code == 302
    assert Signature.objects.count() == 0
    assert smtp_sink.messages == []


def test_burst_from_one_address_is_refused_with_a_clear_message(client, campaign, smtp_sink, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signature": {"ip": (100, 3600), "address": (3, 3600)}}
    statuses = [sign(client, campaign).status_code for _ in range(3)]
    refused = sign(client, campaign)
    assert statuses == [302, 302, 302]
    assert refused.status_code == 429
    assert "Te veel handtekeningen" in refused.content.decode()
    # Another address from elsewhere still gets through.
    other = Client(REMOTE_ADDR="10.0.0.9").post(campaign.get_absolute_url(), {**SIGNER, "email": "ander@example.org"})
    assert other.status_code == 302


def test_burst_from_one_client_address_is_refused(client, campaign, smtp_sink, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signature": {"ip": (4, 3600), "address": (3, 3600)}}
    statuses = [sign(client, campaign, email=f"p{number}@example.org").status_code for number in range(5)]
    assert statuses == [302, 302, 302, 302, 429]
    assert Signature.objects.count() == 4


def test_ended_and_upcoming_campaigns_take_no_signatures(client, network, smtp_sink):
    ended = make_campaign(network, "voorbij", days_ago=100, days_left=-1)
    upcoming = make_campaign(network, "straks", days_ago=-5, days_left=30)
    for campaign in (ended, upcoming):
        page = client.get(campaign.get_absolute_url()).content.decode()
        assert 'method="post"' not in page
        assert sign(client, campaign).status_code == 400
    assert "afgelopen" in client.get(ended.get_absolute_url()).content.decode()
    assert Signature.objects.count() == 0


def test_signature_posted_after_the_campaign_ended_says_why(client, network, smtp_sink):
    """The form is gone from an ended campaign's page, and its refusal went with it: a 400 without a word."""
    ended = make_campaign(network, "voorbij", days_ago=100, days_left=-1)
    response = sign(client, ended)
    assert response.status_code == 400
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert str(response.context["form"].non_field_errors()[0]) in response.content.decode()
    assert Signature.objects.count() == 0


def test_confirming_after_the_campaign_ended_does_not_count(client, campaign, smtp_sink):
    sign(client, campaign)
    path = link(smtp_sink.wait_for(1)[0], "bevestig")
    campaign.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
    assert not Signature.objects.get().is_confirmed


def test_mail_server_down_gives_a_clear_message(client, campaign, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = sign(client, campaign)
    assert response.status_code == 503
    assert "bevestigingsmail" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_posts_for_100_addresses_leave_100_pending_signatures(network, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signature": {"ip": (10_000, 3600), "address": (10, 3600)}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    campaign = make_campaign(network)
    url = campaign.get_absolute_url()

    def post(number):
        try:
            data = {**SIGNER, "email": f"persoon{number % 100}@example.org", "name": f"Persoon {number}"}
            return Client().post(url, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(post, range(200)))
    assert statuses == [302] * 200
    assert Signature.objects.filter(campaign=campaign).count() == 100
    assert Signature.objects.pending().count() == 100


def test_unconfirmed_signatures_are_erased_after_the_retention_period(campaign):
    old_pending, old_confirmed = make_signature(campaign, 1, confirmed=False), make_signature(campaign, 2)
    Signature.objects.filter(pk__in=[old_pending.pk, old_confirmed.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    fresh_pending = make_signature(campaign, 3, confirmed=False)
    call_command("purge_signatures", stdout=io.StringIO())
    assert set(Signature.objects.values_list("pk", flat=True)) == {old_confirmed.pk, fresh_pending.pk}
