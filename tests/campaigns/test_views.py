"""The campaign pages: list, detail with its parts, home and theme sections, search, sitemap, demo."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign, CampaignDocument, Face, KeyDate, Signature
from network.models import Document, Theme
from news.models import NewsPost
from tests.factories import make_campaign, make_network, make_signature

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_list_shows_running_first_then_upcoming_then_past(client, network):
    make_campaign(network, "oud", days_ago=400, days_left=-300)
    make_campaign(network, "recent-voorbij", days_ago=100, days_left=-2)
    make_campaign(network, "loopt-lang", days_ago=5, days_left=90)
    make_campaign(network, "loopt-kort", days_ago=5, days_left=3)
    make_campaign(network, "straks", days_ago=-10, days_left=40)
    make_campaign(network, "verborgen", is_published=False)
    response = client.get("/acties/")
    assert response.status_code == 200
    slugs = lambda group: [campaign.slug for campaign in response.context[group]]  # noqa: E731
    assert slugs("running") == ["loopt-kort", "loopt-lang"]
    assert slugs("upcoming") == ["straks"]
    assert slugs("ended") == ["recent-voorbij", "oud"]
    page = response.content.decode()
    assert page.index("Nu bezig") < page.index("Binnenkort") < page.index("Afgelopen acties")
    assert "verborgen" not in page


def test_list_filters_by_network_and_refuses_bad_filters(client, network):
    other = make_network("ander", 1)
    make_campaign(network, "eigen-actie")
    make_campaign(other, "andere-actie")
    response = client.get("/acties/?netwerk=ander")
    assert [campaign.slug for campaign in response.context["running"]] == ["andere-actie"]
    bad = client.get("/acties/?netwerk=bestaat-niet&thema=%00")
    assert bad.status_code == 400
    assert "klopt niet" in bad.content.decode()


def test_detail_shows_every_part_of_a_running_campaign(client, network, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = make_campaign(network, call_to_action="Teken en vraag je gemeente om actie.")
    campaign.themes.add(Theme.objects.create(name="Wonen", slug="wonen"))
    today = timezone.localdate()
    KeyDate.objects.create(campaign=campaign, label="Verkiezingen", date=today + datetime.timedelta(days=12))
    KeyDate.objects.create(campaign=campaign, label="Werelddag", date=today)
    KeyDate.objects.create(campaign=campaign, label="Forum", date=today - datetime.timedelta(days=5))
    Face.objects.create(
        campaign=campaign,
        name="Rita",
        role="Gent",
        quote="Zichtbaar citaat",
        consent_recorded=True,
        consent_recorded_on=today,
    )
    Face.objects.create(campaign=campaign, name="Zonder Toestemming", quote="Verborgen citaat")
    document = Document.objects.create(
        network=network,
        title="Checklist lokaal beleid",
        date=datetime.date(2017, 12, 12),
        file=SimpleUploadedFile("checklist.pdf", PDF),
        published=True,
    )
    CampaignDocument.objects.create(campaign=campaign, document=document, version="1.0")
    post = NewsPost.objects.create(
        network=network,
        title="Nieuws bij de actie",
        slug="nieuws-actie",
        lead="Kort",
        body="<p>x</p>",
        status=NewsPost.Status.PUBLISHED,
        campaign=campaign,
    )
    NewsPost.objects.create(
        network=network, title="Concept bij de actie", slug="concept", lead="Kort", body="<p>x</p>", campaign=campaign
    )
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "#lokaalsociaal" in page
    assert "nog 12 dagen" in page and "vandaag" in page
    assert page.count("nog ") == 1  # a date in the past gets no countdown
    assert "Zichtbaar citaat" in page and "Verborgen citaat" not in page and "Zonder Toestemming" not in page
    assert "Checklist lokaal beleid" in page and "versie 1.0" in page and "12 december 2017" in page
    assert post.title in page and "Concept bij de actie" not in page
    assert 'href="#sign"' in page and "Teken en vraag je gemeente om actie." in page
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in page
    assert campaign.consent_text[:40] in page
    assert 'href="/themas/wonen/"' in page


def test_ended_campaign_stays_online_with_a_clear_notice(client, network):
    campaign = make_campaign(network, days_ago=300, days_left=-10)
    make_signature(campaign, 1)
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Deze actie is afgelopen op" in page
    assert "1 persoon tekende." in page
    assert 'method="post"' not in page


def test_unpublished_or_unknown_campaign_is_404(client, network):
    make_campaign(network, "concept", is_published=False)
    assert client.get("/acties/concept/").status_code == 404
    assert client.get("/acties/bestaat-niet/").status_code == 404
    assert client.get("/acties/concept/bedankt/").status_code == 404


def test_running_campaign_fills_its_own_networks_home_only(client, network):
    other = make_network("ander", 1)
    make_campaign(network, "eigen-actie", title="Eigen lopende actie")
    make_campaign(network, "voorbij", title="Afgelopen actie", days_ago=100, days_left=-1)
    make_campaign(other, "andere-actie", title="Actie van het andere netwerk")
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Eigen lopende actie" in page and "Teken mee" in page
    assert "Afgelopen actie" not in page and "Actie van het andere netwerk" not in page


def test_theme_page_lists_its_campaigns(client, network):
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    campaign = make_campaign(network, title="Actie over wonen")
    campaign.themes.add(theme)
    make_campaign(network, "zonder-thema", title="Actie zonder thema")
    page = client.get("/themas/wonen/").content.decode()
    assert "Actie over wonen" in page and "Actie zonder thema" not in page


def test_search_and_sitemap_include_published_campaigns(client, network):
    make_campaign(network, "lokaalsociaal", title="Lokaal sociaal beleid")
    make_campaign(network, "geheim", title="Geheime sociaal concept", is_published=False)
    page = client.get("/zoeken/?q=sociaal").content.decode()
    assert "/acties/lokaalsociaal/" in page and "/acties/geheim/" not in page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/acties/lokaalsociaal/</loc>" in sitemap and "/acties/geheim/" not in sitemap
    assert "/acties/</loc>" in sitemap


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_queries_do_not_grow_with_content(client, network):
    campaign = make_campaign(network)
    make_signature(campaign, 0)
    client.get(campaign.get_absolute_url())  # warm the per-host caches
    client.get("/acties/")  # and the filters' choices
    few_detail, few_list = queries(client, campaign.get_absolute_url()), queries(client, "/acties/")
    for number in range(1, 40):
        make_signature(campaign, number, place=f"Plaats{number}", confirmed=number % 3 != 0)
    for number in range(5):
        make_campaign(network, f"extra-{number}")
        KeyDate.objects.create(campaign=campaign, label=f"Datum {number}", date=timezone.localdate())
        Face.objects.create(
            campaign=campaign,
            name=f"Gezicht {number}",
            quote="q",
            consent_recorded=True,
            consent_recorded_on=timezone.localdate(),
        )
    assert queries(client, campaign.get_absolute_url()) == few_detail
    assert queries(client, "/acties/") == few_list
    assert few_detail <= 12 and few_list <= 2


def test_model_rules(network):
    other = make_network("ander", 1)
    campaign = make_campaign(network)
    campaign.ends_on = campaign.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "ends_on" in error.value.message_dict
    campaign = make_campaign(network, "tweede", hashtag="met spatie")
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "hashtag" in error.value.message_dict
    face = Face(campaign=campaign, name="Rita", quote="q", consent_recorded=True)
    with pytest.raises(ValidationError) as error:
        face.full_clean()
    assert "consent_recorded_on" in error.value.message_dict
    document = Document.objects.create(
        network=other, title="Vreemd", date=datetime.date(2020, 1, 1), file=SimpleUploadedFile("v.pdf", PDF)
    )
    with pytest.raises(ValidationError) as error:
        CampaignDocument(campaign=campaign, document=document).full_clean()
    assert "document" in error.value.message_dict


def test_signature_keeps_one_spelling_per_place(campaign):
    for number, place in enumerate(["sint-niklaas", "  SINT-NIKLAAS ", "Sint-Niklaas", "3500"]):
        make_signature(campaign, number, place=place)
    assert sorted(set(Signature.objects.values_list("place", flat=True))) == ["3500", "Sint-Niklaas"]


def test_demo_loads_lokaalsociaal_and_is_idempotent(client):
    call_command("load_demo", verbosity=0)
    counts = (Campaign.objects.count(), Signature.objects.count(), Face.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Campaign.objects.count(), Signature.objects.count(), Face.objects.count()) == counts
    campaign = Campaign.objects.get(slug="lokaalsociaal")
    assert campaign.hashtag == "lokaalsociaal" and campaign.network.slug == "netwerk-tegen-armoede"
    assert campaign.is_ended
    assert {key_date.date for key_date in campaign.key_dates.all()} >= {
        datetime.date(2017, 12, 12),
        datetime.date(2018, 10, 14),
        datetime.date(2018, 10, 17),
    }
    assert campaign.faces.filter(consent_recorded=True).count() == 5
    assert campaign.documents.filter(date=datetime.date(2017, 12, 12)).exists()
    assert campaign.news_posts.exists()
    running = Campaign.objects.running()
    assert running.exists() and all(campaign.is_example for campaign in running)
    page = client.get("/acties/lokaalsociaal/").content.decode()
    assert "afgelopen" in page and "De gezichten van de actie" in page
