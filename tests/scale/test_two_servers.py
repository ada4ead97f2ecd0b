"""Two app servers behind one load balancer: two gunicorns on two ports sharing one PostgreSQL,
one Redis and one S3 bucket (moto), each with production settings in its own processes.

Whatever a visitor or an editor does through one server holds on the other: a staff session,
a publication (the page cache), a rate limit, an upload. And with Redis stopped both servers
keep serving pages and taking sign-ups.
"""

import re
from io import BytesIO
from types import SimpleNamespace

import pytest
import requests
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from PIL import Image

from network.models import Document, Network, Partner
from news.models import NewsPost
from newsletter.models import MailingList, Subscriber
from tests.helpers import totp_code, wait_for, with_mfa
from tests.scale.conftest import app_server_env, make_bucket, shared_database_url, start_app_servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PASSWORD = "een-lang-wachtwoord-voor-twee-servers"
TIMEOUT = 15


@pytest.fixture(scope="module")
def data(committed_db):
    network = Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>Samen.</p>"
    )
    mailing_list = MailingList.objects.create(network=network, name="Nieuwsbrief", slug="nieuwsbrief")
    email = "redactie@example.org"
    # Hashed for the servers' settings (the tests' own hasher is one production does not accept);
    # few iterations, so signing in is quick (the server re-hashes it with its own count).
    staff = get_user_model().objects.create_superuser(email, email)
    staff.password = PBKDF2PasswordHasher().encode(PASSWORD, "zout-voor-de-test", iterations=1000)
    staff.save()
    EmailAddress.objects.create(user=staff, email=email, primary=True, verified=True)
    with_mfa(staff)
    draft = NewsPost.objects.create(
        network=network,
        title="Gemeenteraadsverkiezingen: onze vragen",
        slug="gemeenteraadsverkiezingen-onze-vragen",
        status=NewsPost.Status.DRAFT,
        lead="Kort.",
        body="<p>Tekst.</p>",
    )
    return SimpleNamespace(network=network, mailing_list=mailing_list, staff=staff, draft=draft)


@pytest.fixture(scope="module")
def bucket(s3_endpoint):
    return make_bucket(s3_endpoint)


@pytest.fixture(scope="module")
def servers(data, redis_server, bucket, static_root, tmp_path_factory):
    """Server A and server B."""
    env = app_server_env(
        static_root, DATABASE_URL=shared_database_url(), REDIS_URL=redis_server.url, WEB_CONCURRENCY=1, **bucket.env
    )
    servers = start_app_servers(env, env, log_dir=tmp_path_factory.mktemp("gunicorn"))
    yield servers
    for server in servers:
        server.stop()


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(server, staff):
    """Password, then the authenticator app's code, through HTTP as a browser does; the session."""
    http = requests.Session()
    login_url = server.url + reverse("account_login")
    token = csrf_token(http.get(login_url, timeout=TIMEOUT).text)
    response = http.post(
        login_url,
        {"login": staff.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == reverse("mfa_authenticate")
    code_url = server.url + reverse("mfa_authenticate")
    token = csrf_token(http.get(code_url, timeout=TIMEOUT).text)
    response = http.post(
        code_url,
        {"code": totp_code(staff.totp_secret), "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text
    return http


@pytest.fixture(scope="module")
def staff_on_a(servers, data):
    return sign_in(servers[0], data.staff)


def same_session_on(staff_session):
    """Another browser tab's worth of state: only the session cookie."""
    other = requests.Session()
    other.cookies.set("sessionid", staff_session.cookies["sessionid"])
    return other


def sign_up(server, email, mailing_list):
    http = requests.Session()
    token = csrf_token(http.get(server.url + "/nieuwsbrief/", timeout=TIMEOUT).text)
    return http.post(
        server.url + "/nieuwsbrief/",
        {"email": email, "name": "", "lists": [mailing_list.pk], "website": "", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def test_a_staff_sign_in_on_one_server_is_valid_on_the_other(servers, staff_on_a):
    server_a, server_b = servers
    assert staff_on_a.get(server_a.url + "/beheer/", allow_redirects=False, timeout=TIMEOUT).status_code == 200
    on_b = same_session_on(staff_on_a)
    response = on_b.get(server_b.url + "/beheer/", allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 200
    assert "<strong>redactie@example.org</strong>" in response.text, "the admin greets the staff member"
    assert requests.get(server_b.url + "/beheer/", allow_redirects=False, timeout=TIMEOUT).status_code == 302


def test_a_publication_on_one_server_refreshes_the_page_the_other_serves(servers, staff_on_a, data):
    server_a, server_b = servers
    assert requests.get(server_b.url + "/nieuws/", timeout=TIMEOUT).headers["X-Page-Cache"] == "miss"
    cached = requests.get(server_b.url + "/nieuws/", timeout=TIMEOUT)
    assert cached.headers["X-Page-Cache"] == "hit"
    assert data.draft.title not in cached.text

    changelist = server_a.url + "/beheer/news/newspost/"
    staff_on_a.get(changelist, timeout=TIMEOUT)
    response = staff_on_a.post(
        changelist,
        {
            "action": "publish_selected",
            "_selected_action": [data.draft.pk],
            "index": 0,
            "select_across": 0,
            "csrfmiddlewaretoken": staff_on_a.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text
    assert NewsPost.objects.published().filter(pk=data.draft.pk).exists()

    fresh = requests.get(server_b.url + "/nieuws/", timeout=TIMEOUT)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert data.draft.title in fresh.text


def test_a_rate_limit_counts_the_attempts_on_both_servers(servers, data):
    # Three sign-ups per address per hour (settings.RATE_LIMITS), here alternating between the servers.
    statuses = [sign_up(server, "teller@example.org", data.mailing_list).status_code for server in servers * 2]
    assert statuses == [302, 302, 302, 429]


def png(size=(800, 400)):
    buffer = BytesIO()
    Image.new("RGB", size, "darkgreen").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_upload_through_one_server_is_served_by_the_other(servers, staff_on_a, data, bucket):
    server_a, server_b = servers
    pdf = b"%PDF-1.4\n% een jaarverslag\n"
    add_document = server_a.url + "/beheer/network/document/add/"
    staff_on_a.get(add_document, timeout=TIMEOUT)
    response = staff_on_a.post(
        add_document,
        {
            "network": data.network.pk,
            "title": "Jaarverslag 2025",
            "kind": Document.Kind.REPORT,
            "date": "2025-05-01",
            "description": "",
            "published": "on",
            "csrfmiddlewaretoken": staff_on_a.cookies["csrftoken"],
            "_save": "1",
        },
        files={"file": ("jaarverslag.pdf", pdf, "application/pdf")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text
    add_partner = server_a.url + "/beheer/network/partner/add/"
    staff_on_a.get(add_partner, timeout=TIMEOUT)
    response = staff_on_a.post(
        add_partner,
        {
            "network": data.network.pk,
            "name": "Koning Boudewijnstichting",
            "kind": Partner.Kind.FUNDER,
            "url": "",
            "attribution": "",
            "logo_alt": "Koning Boudewijnstichting",
            "position": 0,
            "csrfmiddlewaretoken": staff_on_a.cookies["csrftoken"],
            "_save": "1",
        },
        files={"logo": ("kbs.png", png(), "image/png")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text

    media = f"{bucket.endpoint}/{bucket.name}"
    documents = requests.get(server_b.url + "/documenten/", timeout=TIMEOUT).text
    [document_url] = re.findall(rf'href="({re.escape(media)}/documents/[^"]+)"', documents)
    assert requests.get(document_url, timeout=TIMEOUT).content == pdf

    partners = requests.get(server_b.url + reverse("network:partners", args=[data.network.slug]), timeout=TIMEOUT)
    img_src = next(part for part in partners.headers["Content-Security-Policy"].split(";") if "img-src" in part)
    assert bucket.endpoint in img_src.split()
    srcset = re.search(rf'srcset="({re.escape(media)}/partners/[^"]+)"', partners.text).group(1)
    renditions = [entry.split()[0] for entry in srcset.split(", ")]
    assert len(renditions) == 3  # 320, 640 and the logo's own 800 pixels
    for url in renditions:
        response = requests.get(url, timeout=TIMEOUT)
        assert response.status_code == 200 and response.content[8:12] == b"WEBP", url


def test_with_redis_stopped_both_servers_serve_pages_and_take_sign_ups(servers, redis_server, staff_on_a, data):
    redis_server.stop()
    try:
        for server in servers:
            for path in ("/", "/nieuws/", "/nieuwsbrief/"):
                response = requests.get(server.url + path, timeout=TIMEOUT)
                assert response.status_code == 200, (path, server.log_tail())
        response = sign_up(servers[1], "zonder-redis@example.org", data.mailing_list)
        assert response.status_code == 302 and response.headers["Location"] == "/nieuwsbrief/bedankt/"
        assert Subscriber.objects.filter(email="zonder-redis@example.org").exists()
        # Sessions live in the database: staff stay signed in.
        assert staff_on_a.get(servers[0].url + "/beheer/", allow_redirects=False, timeout=TIMEOUT).status_code == 200
    finally:
        redis_server.start()

    # Back with an empty Redis: each worker tries it again after a few seconds, and caches again.
    def cached_again():
        return requests.get(servers[1].url + "/nieuws/", timeout=TIMEOUT).headers.get("X-Page-Cache") == "hit"

    wait_for(cached_again, timeout=20, interval=0.5, message="pages to be cached again once Redis is back")
    logs = "\n".join(server.log_tail(400) for server in servers)
    assert "Cache unreachable, serving without it" in logs
    assert "Traceback" not in logs, logs
