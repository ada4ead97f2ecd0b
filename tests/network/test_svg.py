"""Uploaded SVG: an allow-list of static drawing, and a sandbox wherever media are served (issue 17, point 8).

The old filter was a blocklist: an XHTML <script> under another prefix, an entity-encoded
javascript: in <animate> and an XHTML <iframe> went through. Each of those and the classic
attacks is refused here with a Dutch message and a 400; a real logo passes, stored as the
drawing written out anew; every media SVG is served with `Content-Security-Policy: sandbox`,
by the app and by the nginx configuration of docs/deploy.md.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from core.media import MEDIA_SVG_POLICY
from core.svg import sanitize_svg
from network.models import Document, Network
from tests.helpers import PROJECT_DIR, with_mfa

pytestmark = pytest.mark.django_db

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'

# The three payloads the audit found accepted, then the classics.
HOSTILE = {
    "xhtml script under another prefix": (
        f'<svg {SVG_NS}><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(document.domain)</x:script></svg>'
    ),
    "entity-encoded javascript: in animate": (
        f'<svg {SVG_NS}><animate attributeName="href" values="&#106;avascript:alert(1)" begin="0s"/></svg>'
    ),
    "xhtml iframe": (
        f'<svg {SVG_NS}><x:iframe xmlns:x="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></svg>'
    ),
    "onload": f'<svg {SVG_NS} onload="alert(1)"><rect width="1" height="1"/></svg>',
    "script": f"<svg {SVG_NS}><script>alert(1)</script></svg>",
    "script without namespace": "<svg><script>alert(1)</script></svg>",
    "set": f'<svg {SVG_NS}><set attributeName="onmouseover" to="alert(1)"/></svg>',
    "foreignObject": f'<svg {SVG_NS}><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>',
    "link": f'<svg {SVG_NS} {XLINK_NS}><a xlink:href="#x"><text>x</text></a></svg>',
    "xlink:href javascript:": f'<svg {SVG_NS} {XLINK_NS}><use xlink:href="javascript:alert(1)"/></svg>',
    "xlink:href with a tab in javascript:": (
        f'<svg {SVG_NS} {XLINK_NS}><use xlink:href="java&#9;script:alert(1)"/></svg>'
    ),
    "use data:": f'<svg {SVG_NS}><use href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+#x"/></svg>',
    "use of another file": f'<svg {SVG_NS}><use href="https://evil.example/sprite.svg#icon"/></svg>',
    "image of another site": f'<svg {SVG_NS}><image href="https://evil.example/pixel.png"/></svg>',
    "feImage of another site": f'<svg {SVG_NS}><filter id="f"><feImage href="//evil.example/x"/></filter></svg>',
    "style @import": f"<svg {SVG_NS}><style>@import url(https://evil.example/x.css);</style></svg>",
    "style url() of another site": (
        f'<svg {SVG_NS}><style>rect {{ fill: url("https://evil.example/x") }}</style></svg>'
    ),
    "style attribute with an escape": f'<svg {SVG_NS}><rect style="fill:u\\72l(https://evil.example/x)"/></svg>',
    "presentation attribute url()": f'<svg {SVG_NS}><rect filter="url(https://evil.example/f.svg#f)"/></svg>',
    "XXE": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f"<svg {SVG_NS}><text>&xxe;</text></svg>"
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        f"<svg {SVG_NS}><text>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</text></svg>"
    ),
    "not an svg": '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
}

# A logo as Inkscape saves it: its own namespaces, metadata, a doctype-free prolog, a gradient.
INKSCAPE_LOGO = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg {SVG_NS} {XLINK_NS}
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
   width="120" height="40" viewBox="0 0 120 40" version="1.1" inkscape:version="1.2" sodipodi:docname="logo.svg">
  <sodipodi:namedview id="namedview1" inkscape:zoom="2"/>
  <metadata><rdf:RDF><dc:title>Logo</dc:title></rdf:RDF></metadata>
  <title>Netwerk tegen Armoede</title>
  <defs><linearGradient id="rood">
    <stop offset="0" stop-color="#b3261e"/><stop offset="1" stop-color="#7a1a14"/>
  </linearGradient></defs>
  <g inkscape:label="Laag 1" inkscape:groupmode="layer" id="layer1">
    <rect x="0" y="0" width="40" height="40" rx="6" fill="url(#rood)" style="stroke:none"/>
    <use xlink:href="#layer1-mark" x="2"/>
    <text x="48" y="26" font-family="sans-serif"
      font-size="14">Netwerk <tspan font-weight="bold">tegen</tspan> Armoede</text>
  </g>
</svg>
"""
# As Illustrator saves it: a doctype without entities, a style sheet, xml:space.
ILLUSTRATOR_LOGO = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 24.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" id="Laag_1" {SVG_NS} {XLINK_NS} x="0px" y="0px"
     viewBox="0 0 100 100" style="enable-background:new 0 0 100 100;" xml:space="preserve">
<style type="text/css">
    .st0{{fill:#B3261E;}}
</style>
<circle class="st0" cx="50" cy="50" r="40"/>
</svg>
"""


def dutch(msgid):
    with translation.override("nl"):
        return gettext(msgid)


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_anything_that_can_act_is_refused(payload):
    with pytest.raises(ValidationError) as refused:
        sanitize_svg(payload.encode())
    assert refused.value.code in ("svg_refused", "svg_damaged")


def test_the_refusal_names_what_to_change_in_dutch():
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        sanitize_svg(HOSTILE["xhtml script under another prefix"].encode())
    message = refused.value.messages[0]
    assert message.startswith("Dit SVG-bestand bevat het element <script> uit een andere taal dan SVG;")
    assert "Bewaar de tekening als gewone SVG" in message


@pytest.mark.parametrize("logo", [INKSCAPE_LOGO, ILLUSTRATOR_LOGO], ids=["inkscape", "illustrator"])
def test_a_logo_from_a_drawing_program_passes_without_its_bookkeeping(logo):
    clean = sanitize_svg(logo.encode()).decode()
    assert clean.startswith("<?xml version='1.0' encoding='utf-8'?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
    for gone in ("inkscape", "sodipodi", "rdf:", "<metadata", "DOCTYPE", "<!--"):
        assert gone not in clean
    assert sanitize_svg(clean.encode()).decode() == clean  # what is stored passes again unchanged


def test_the_drawing_itself_is_kept():
    clean = sanitize_svg(INKSCAPE_LOGO.encode()).decode()
    assert '<rect x="0" y="0" width="40" height="40" rx="6" fill="url(#rood)" style="stroke:none" />' in clean
    assert '<use xlink:href="#layer1-mark" x="2" />' in clean
    assert "<title>Netwerk tegen Armoede</title>" in clean
    assert 'font-size="14">Netwerk <tspan font-weight="bold">tegen</tspan> Armoede</text>' in clean
    assert '<stop offset="1" stop-color="#7a1a14" />' in clean


def test_an_embedded_raster_image_and_a_stylesheet_pointing_inside_pass():
    png = (
        "data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    clean = sanitize_svg(
        f'<svg {SVG_NS} {XLINK_NS}><style>.a{{fill:url(#g)}}</style><image xlink:href="{png}"/></svg>'.encode()
    ).decode()
    assert png in clean and ".a{fill:url(#g)}" in clean


def test_a_style_sheet_processing_instruction_and_xml_base_are_dropped():
    clean = sanitize_svg(
        b'<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.css"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xml:base="https://evil.example/"><use href="#a"/></svg>'
    ).decode()
    assert "evil" not in clean and '<use href="#a" />' in clean


@pytest.fixture
def network():
    return Network.objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>x</p>"
    )


@pytest.fixture
def superuser(client):
    user = with_mfa(User.objects.create_superuser("super", "super@example.org", "x"))
    client.force_login(user)
    return user


def upload(client, network, name, content):
    return client.post(
        "/beheer/network/document/add/",
        {
            "network": network.pk,
            "title": "Logo",
            "kind": "logo",
            "date": "2026-11-01",
            "published": "on",
            "file": SimpleUploadedFile(name, content, content_type="image/svg+xml"),
        },
    )


@pytest.mark.parametrize(
    "name", ["xhtml script under another prefix", "entity-encoded javascript: in animate", "xhtml iframe", "XXE"]
)
def test_the_admin_refuses_a_hostile_svg_with_400_and_stores_nothing(client, superuser, network, settings, name):
    response = upload(client, network, "logo.svg", HOSTILE[name].encode())
    assert response.status_code == 400
    assert "Dit SVG-bestand" in response.content.decode()
    assert not Document.objects.exists()
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))


def test_the_admin_stores_a_logo_written_out_anew_and_serves_it_sandboxed(client, superuser, network):
    response = upload(client, network, "logo.svg", INKSCAPE_LOGO.encode())
    assert response.status_code == 302
    document = Document.objects.get()
    with document.file.open("rb") as stored:
        content = stored.read()
    assert content == sanitize_svg(INKSCAPE_LOGO.encode())
    assert document.size == len(content)

    client.logout()
    served = client.get(document.file.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/svg+xml"
    assert served["Content-Security-Policy"] == MEDIA_SVG_POLICY
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content


def test_the_media_svg_policy_is_a_sandbox_that_lets_a_logo_draw():
    directives = dict(
        (part.split()[0], part.split()[1:]) if " " in part.strip() else (part.strip(), [])
        for part in MEDIA_SVG_POLICY.split(";")
    )
    assert directives["sandbox"] == []
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'unsafe-inline'"]  # the drawing's own <style> and style=""
    assert "script-src" not in directives


def test_other_media_keep_the_site_policy_and_nosniff(client, network):
    document = Document.objects.create(
        network=network,
        title="Verslag",
        date=datetime.date(2026, 1, 1),
        published=True,
        file=SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 x"),
    )
    served = client.get(document.file.url)
    assert served.status_code == 200
    assert "sandbox" not in served["Content-Security-Policy"]
    assert served["X-Content-Type-Options"] == "nosniff"


def nginx_media_block():
    config = (PROJECT_DIR / "deploy" / "nginx.conf").read_text()
    start = config.index("location /media/ {")
    depth, end = 0, start
    for end in range(start, len(config)):
        depth += {"{": 1, "}": -1}.get(config[end], 0)
        if depth == 0 and config[end] == "}":
            break
    return config[start : end + 1]


def test_nginx_sends_the_same_svg_sandbox_and_nosniff_for_media():
    block = nginx_media_block()
    assert 'add_header X-Content-Type-Options "nosniff" always;' in block
    svg = block[block.index("location ~* \\.svgz?$ {") :]
    assert "proxy_hide_header Content-Security-Policy;" in svg
    assert f'add_header Content-Security-Policy "{MEDIA_SVG_POLICY}" always;' in svg
    assert 'add_header X-Content-Type-Options "nosniff" always;' in svg


def test_the_deploy_guide_shows_the_same_header():
    guide = (PROJECT_DIR / "docs" / "deploy.md").read_text()
    assert f"Content-Security-Policy: {MEDIA_SVG_POLICY}" in re.sub(r"\s+", " ", guide)
