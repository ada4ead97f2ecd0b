"""What visitors see of the networks: homes, own domains, pages, themes, documents and partners."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import Document, Network, Page, Partner, Theme
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    return {network.slug: network for network in Network.objects.all()}


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_main_network_mission_regional_networks_and_donate_call(client, demo):
    page = html(client.get("/"))
    assert "<h1>Netwerk tegen Armoede</h1>" in page
    assert "58 verenigingen waar armen het woord nemen" in page
    assert 'href="/netwerken/brussels-platform-armoede/"' in page
    assert 'href="/netwerken/trefpunt-armoede/"' in page
    assert 'href="/netwerken/netwerk-tegen-armoede/steun-ons/"' in page
    # Footer: contact and funders of the main network.
    assert 'href="mailto:info@netwerktegenarmoede.be"' in page
    for funder in ["Vlaanderen", "Koning Boudewijnstichting", "CERA", "ESF"]:
        assert f'alt="{funder}"' in page


def test_empty_slots_vanish_without_a_trace(client, demo):
    bpa = demo["brussels-platform-armoede"]
    bpa.iban = ""
    bpa.save()
    page = html(client.get("/netwerken/brussels-platform-armoede/"))
    assert "<h1>Brussels Platform Armoede</h1>" in page
    assert 'id="regional-networks"' not in page  # BPA has no networks under it
    assert 'id="donate-call"' not in page
    assert 'id="footer-funders"' not in page  # and no funders of its own
    assert "<h2></h2>" not in page and "<section" in page


def test_network_list_shows_three_networks_with_their_regions(client, demo):
    page = html(client.get("/netwerken/"))
    assert page.count('<li class="card">') == 3
    assert "Brussel · deel van NTA" in page
    assert "Limburg · deel van NTA" in page


def test_own_domain_serves_that_networks_home_and_branding(client, demo, settings):
    settings.ALLOWED_HOSTS = ["www.trefpuntarmoede.be", "trefpuntarmoede.be", "testserver"]
    tpa = demo["trefpunt-armoede"]
    tpa.domain = "trefpuntarmoede.be"
    tpa.full_clean()
    tpa.save()
    for host in ["trefpuntarmoede.be", "www.trefpuntarmoede.be", "trefpuntarmoede.be:8000"]:
        page = html(client.get("/", headers={"host": host}))
        assert "<h1>Trefpunt Armoede</h1>" in page, host
        assert tpa.stylesheet_url() in page
        assert 'href="mailto:info@trefpuntarmoede.be"' in page
    assert "<h1>Netwerk tegen Armoede</h1>" in html(client.get("/"))


def test_network_stylesheet_carries_the_brand_colour(client, demo):
    response = client.get(demo["trefpunt-armoede"].stylesheet_url())
    assert response["Content-Type"].startswith("text/css")
    assert "--brand:#2f6b2f" in response.content.decode()


def test_content_page_with_ordered_menu_and_review_date(client, demo):
    page = html(client.get("/netwerken/netwerk-tegen-armoede/juridische-actie/"))
    assert "<h1>Juridische actie</h1>" in page
    assert "class actions" in page
    assert "Laatst nagekeken op 1 september 2026." in page
    menu = page[page.index('<nav class="sub-nav"') : page.index("</nav>", page.index('<nav class="sub-nav"'))]
    titles = ["Onze werking", "Wettelijk kader", "Juridische actie", "Werkgevers"]
    assert [menu.index(f">{title}</a>") for title in titles] == sorted(menu.index(f">{t}</a>") for t in titles)
    assert '<a href="/netwerken/netwerk-tegen-armoede/juridische-actie/" aria-current="page">' in menu


def test_menu_follows_position_and_hides_unpublished_pages(client, demo):
    nta = demo["netwerk-tegen-armoede"]
    Page.objects.filter(network=nta, slug="werkgevers").update(position=0)
    Page.objects.filter(network=nta, slug="onze-werking").update(position=9)
    Page.objects.filter(network=nta, slug="wettelijk-kader").update(published=False)
    page = html(client.get("/netwerken/netwerk-tegen-armoede/"))
    assert page.index(">Werkgevers</a>") < page.index(">Onze werking</a>")
    assert ">Wettelijk kader</a>" not in page
    assert client.get("/netwerken/netwerk-tegen-armoede/wettelijk-kader/").status_code == 404


def test_pages_of_one_network_are_not_found_under_another(client, demo):
    assert client.get("/netwerken/trefpunt-armoede/juridische-actie/").status_code == 404
    assert client.get("/netwerken/bestaat-niet/").status_code == 404


def test_reserved_page_slugs_are_refused(demo):
    page = Page(network=demo["trefpunt-armoede"], title="Steun", slug="steun-ons", last_reviewed=datetime.date.today())
    with pytest.raises(Exception, match="ander deel van de site"):
        page.full_clean()


def test_theme_page_shows_tagged_pages_and_documents_of_every_network(client, demo):
    page = html(client.get("/themas/gezondheidszorg/"))
    assert "<h1>Gezondheidszorg</h1>" in page
    assert 'href="/netwerken/trefpunt-armoede/wat-doen-we/"' in page
    assert 'href="/netwerken/netwerk-tegen-armoede/onze-werking/"' in page
    assert "Beleidsdossier toegang tot de gezondheidszorg" in page
    assert 'href="/netwerken/netwerk-tegen-armoede/werkgevers/"' not in page


def test_theme_list_has_the_six_shared_themes(client, demo):
    page = html(client.get("/themas/"))
    for name in ["Onderwijs", "Inkomen", "Vrijetijdsparticipatie", "Werk", "Gezondheidszorg", "Wonen"]:
        assert f">{name}</a>" in page


def test_theme_without_content_says_so(client, demo):
    Theme.objects.create(name="Mobiliteit", slug="mobiliteit")
    assert "Over dit thema is nog niets gepubliceerd." in html(client.get("/themas/mobiliteit/"))


def test_documents_show_format_and_size_and_logos_as_a_kit(client, demo):
    page = html(client.get("/documenten/")).replace("\xa0", " ")
    evaluation = Document.objects.get(title__startswith="Evaluatie")
    assert f'href="{evaluation.file.url}"' in page
    assert "(PDF, " in page and " bytes)" in page
    kit = page[page.index('id="logo-kit"') :]
    for network in ["Netwerk tegen Armoede", "Brussels Platform Armoede", "Trefpunt Armoede"]:
        assert f"<h3>{network}</h3>" in kit
    for fmt in ["PNG", "SVG", "EPS"]:
        assert f"Logo Netwerk tegen Armoede ({fmt})" in kit
    listing = page[: page.index('id="logo-kit"')]
    assert "Logo Netwerk" not in listing


def test_document_filters_combine_and_bad_filters_answer_400(client, demo):
    page = html(client.get("/documenten/?netwerk=trefpunt-armoede&thema=gezondheidszorg"))
    assert "1 document</h2>" in page
    assert "Beleidsdossier toegang tot de gezondheidszorg" in page
    assert "Evaluatie" not in page
    response = client.get("/documenten/?netwerk=bestaat-niet&soort=<script>")
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_partners_page_lists_funders_with_attribution(client, demo):
    page = html(client.get("/netwerken/netwerk-tegen-armoede/partners/"))
    assert "<h1>Partners en financiers</h1>" in page
    assert "Met de steun van het Europees Sociaal Fonds." in page
    assert 'href="https://kbs-frb.be/"' in page
    tpa = html(client.get("/netwerken/trefpunt-armoede/partners/"))
    assert "CAW Limburg" in tpa and "Partner in Budget In Zicht." in tpa
    assert "Koning Boudewijnstichting" not in tpa


def test_document_upload_refuses_wrong_type_fake_content_and_size(client, demo, settings):
    from django.contrib.auth.models import User

    client.force_login(with_mfa(User.objects.create_superuser("super", "s@example.org", "x")))
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    before = Document.objects.count()
    cases = {
        "virus.exe": (b"MZ\x90\x00", "kunnen niet opgeladen worden"),
        "dossier.pdf": (b"Dit is geen PDF", "lijkt geen PDF-bestand"),
        "groot.pdf": (b"%PDF-1.4\n" + b"0" * 2000, "de limiet is"),
        "logo.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "scripts"),
    }
    for name, (content, message) in cases.items():
        response = client.post(
            "/beheer/network/document/add/",
            {
                "network": demo["trefpunt-armoede"].pk,
                "title": name,
                "kind": "dossier",
                "date": "2026-11-01",
                "file": SimpleUploadedFile(name, content),
            },
        )
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
    assert Document.objects.count() == before


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/netwerken/",
        "/netwerken/netwerk-tegen-armoede/",
        "/netwerken/netwerk-tegen-armoede/onze-werking/",
        "/themas/",
        "/themas/inkomen/",
        "/documenten/",
        "/netwerken/netwerk-tegen-armoede/partners/",
    ],
)
def test_queries_per_page_do_not_grow_with_content(client, demo, path):
    def count():
        client.get(path)  # the first request after a change fills the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    before = count()
    nta = demo["netwerk-tegen-armoede"]
    theme = Theme.objects.get(slug="inkomen")
    for number in range(15):
        page = Page.objects.create(
            network=nta,
            title=f"Extra {number}",
            slug=f"extra-{number}",
            body="<p>x</p>",
            last_reviewed=datetime.date(2026, 1, 1),
            position=50 + number,
        )
        page.themes.add(theme)
        Partner.objects.create(network=nta, name=f"Partner {number}")
        document = Document.objects.create(
            network=nta,
            title=f"Extra {number}",
            date=datetime.date(2026, 1, 1),
            file=SimpleUploadedFile(f"extra-{number}.pdf", b"%PDF-1.4\n%%EOF\n"),
            published=True,
        )
        document.themes.add(theme)
    assert count() == before
    assert before <= 8
