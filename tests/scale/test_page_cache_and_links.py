"""Issue 17, points 5 and 9, over HTTP in the documented deployment shape (3 gunicorn workers
behind one proxy, Redis, PostgreSQL, mail over SMTP).

Anonymous signature posts leave the stored public pages stored (the site's `X-Page-Cache`
header says hit or miss, as the proxy and the tester see it); a confirmation link fetched by a
mail scanner (a cookieless GET or HEAD) changes nothing, and the page's button confirms.
"""

import re
from types import SimpleNamespace

import pytest
import requests
from django.utils import timezone

from campaigns.models import Signature
from news.models import NewsPost
from newsletter.models import MailingList, Subscription
from tests.factories import make_campaign, make_network
from tests.helpers import mail_body, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TIMEOUT = 15
SIGNER = {"name": "Rita Peeters", "place": "Gent", "show_name": "on", "website": ""}


@pytest.fixture(scope="module")
def data(committed_db):
    main = make_network("nta", 0)
    regional = make_network("tpa", 1)
    regional.parent = main
    regional.save()
    campaign = make_campaign(regional, "lokaalsociaal")
    mailing_list = MailingList.objects.create(network=main, name="Nieuwsbrief", slug="nieuwsbrief")
    NewsPost.objects.create(
        network=regional,
        title="Trefdag in Hasselt",
        slug="trefdag-in-hasselt",
        lead="Kort.",
        body="<p>Tekst.</p>",
        publish_at=timezone.now(),
        status=NewsPost.Status.PUBLISHED,
    )
    return SimpleNamespace(main=main, regional=regional, campaign=campaign, mailing_list=mailing_list)


def public_pages(data):
    return ["/", "/acties/", "/nieuws/", f"/netwerken/{data.regional.slug}/", f"/netwerken/{data.main.slug}/"]


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def post_form(session, url, fields):
    """As a browser does: the page (for its CSRF cookie and token), then the POST."""
    token = csrf_token(session.get(url, timeout=TIMEOUT).text)
    return session.post(url, {**fields, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=TIMEOUT)


def cache_state(site, path):
    return site.client("198.51.100.1").get(site.url + path, timeout=TIMEOUT).headers.get("X-Page-Cache")


def link_in(site, address, kind):
    wait_for(lambda: site.mail.to(address), message=f"the mail to {address}")
    body = mail_body(site.mail.to(address)[-1])
    return re.search(rf"https?://[^/\s]+(/\S+/{kind}/\S+/)", body).group(1)


def stored_page_keys(site):
    import redis

    return set(redis.Redis.from_url(site.redis.url).scan_iter(match="*page:body*", count=1000))


def test_signature_posts_leave_the_public_pages_cached(deployed_site, data):
    """Before: every pending signature bumped its network and the parent network, and the
    lists and homes were rebuilt (70% misses at one post a second)."""
    pages = public_pages(data)
    for path in pages:
        cache_state(deployed_site, path)  # stored now, by whichever worker answered
    reads = []
    for number in range(12):
        visitor = deployed_site.client(f"203.0.113.{number + 10}")
        fields = {**SIGNER, "email": f"teken{number}@example.org"}
        response = post_form(visitor, deployed_site.url + data.campaign.get_absolute_url(), fields)
        assert response.status_code == 302, response.text
        reads += [(number, path, cache_state(deployed_site, path)) for path in pages]
    deployed_site.mail.wait_for(12)
    assert Signature.objects.filter(campaign=data.campaign).pending().count() == 12
    misses = [read for read in reads if read[2] != "hit"]
    assert misses == [], f"{len(misses)} of {len(reads)} reads missed: {misses[:10]}"


def test_a_scanner_fetching_the_signature_link_confirms_nothing_and_the_button_does(deployed_site, data):
    visitor = deployed_site.client("203.0.113.80")
    page_url = deployed_site.url + data.campaign.get_absolute_url()
    assert post_form(visitor, page_url, {**SIGNER, "email": "greet@example.org"}).status_code == 302
    confirm_url = deployed_site.url + link_in(deployed_site, "greet@example.org", "bevestig")
    signature = Signature.objects.get(email="greet@example.org")
    for path in public_pages(data):
        cache_state(deployed_site, path)
    stored_before = stored_page_keys(deployed_site)

    # A mail scanner: no cookie, HEAD and GET, from its own address.
    for method in ("HEAD", "GET"):
        response = requests.request(method, confirm_url, timeout=TIMEOUT, headers={"X-Forwarded-For": "192.0.2.9"})
        assert response.status_code == 200, method
        assert "X-Page-Cache" not in response.headers
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    signature.refresh_from_db()
    assert not signature.is_confirmed
    assert stored_page_keys(deployed_site) == stored_before  # the confirmation page was not stored
    assert "1 handtekening" not in visitor.get(deployed_site.url + "/acties/", timeout=TIMEOUT).text

    # A POST without the page's token confirms nothing either.
    assert requests.post(confirm_url, timeout=TIMEOUT).status_code == 403
    signature.refresh_from_db()
    assert not signature.is_confirmed

    # The person: the page from the link, then its button (the CSRF cookie and token of that GET).
    person = deployed_site.client("203.0.113.80")
    response = post_form(person, confirm_url, {})
    assert response.status_code == 200 and "Je handtekening telt mee" in response.text
    signature.refresh_from_db()
    assert signature.is_confirmed
    # Only the pages showing the tally are rebuilt.
    assert cache_state(deployed_site, "/acties/") == "miss"
    for path in ["/", "/nieuws/", f"/netwerken/{data.regional.slug}/", f"/netwerken/{data.main.slug}/"]:
        assert cache_state(deployed_site, path) == "hit", path


def test_a_scanner_fetching_the_newsletter_link_subscribes_nobody_and_the_button_does(deployed_site, data):
    visitor = deployed_site.client("203.0.113.90")
    fields = {"email": "lezer@example.org", "name": "", "lists": [data.mailing_list.pk], "website": ""}
    assert post_form(visitor, deployed_site.url + "/nieuwsbrief/", fields).status_code == 302
    confirm_url = deployed_site.url + link_in(deployed_site, "lezer@example.org", "bevestig")
    stored_before = stored_page_keys(deployed_site)

    for method in ("HEAD", "GET"):
        response = requests.request(method, confirm_url, timeout=TIMEOUT, headers={"X-Forwarded-For": "192.0.2.9"})
        assert response.status_code == 200, method
        assert "X-Page-Cache" not in response.headers
    subscription = Subscription.objects.select_related("subscriber").get(subscriber__email="lezer@example.org")
    assert (subscription.status, subscription.subscriber.confirmed_at) == (Subscription.Status.PENDING, None)

    response = post_form(deployed_site.client("203.0.113.90"), confirm_url, {})
    assert response.status_code == 200 and "Je bent ingeschreven" in response.text
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED

    # Opened again, the link shows the preferences link, without a form: still never stored.
    for _visit in range(2):
        again = requests.get(confirm_url, timeout=TIMEOUT)
        assert "/nieuwsbrief/voorkeuren/" in again.text and "X-Page-Cache" not in again.headers
    assert stored_page_keys(deployed_site) == stored_before
