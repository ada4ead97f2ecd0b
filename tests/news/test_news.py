"""The news: publishing rules, the list and its filters, a post with its neighbours, and staff previews."""

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from associations.models import Association
from network.models import NetworkMembership, Theme
from network.permissions import Role
from news.models import NewsPost
from tests.factories import DocumentFactory, make_network
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 28, 12, 0))


@pytest.fixture
def world():
    nta = make_network("nta", 0)
    tpa = make_network("tpa", 1)
    tpa.parent = nta
    tpa.save()
    theme = Theme.objects.create(name="Wonen", slug="wonen")
    association = Association.objects.create(
        network=nta, name="De Schakel", slug="de-schakel", municipality="Puurs", postcode="2870", intro="x"
    )
    return {"nta": nta, "tpa": tpa, "theme": theme, "association": association}


def post(network, slug, *, status="published", when=NOW - datetime.timedelta(days=1), themes=(), associations=()):
    item = NewsPost.objects.create(
        network=network,
        title=f"Bericht {slug}",
        slug=slug,
        status=status,
        publish_at=when,
        lead=f"Inleiding {slug}",
        body="<p>Tekst</p>",
    )
    item.themes.set(themes)
    item.associations.set(associations)
    return item


def public_outputs(client, world):
    """Everything a visitor can read where a post may appear, as one text."""
    paths = ["/", "/netwerken/nta/", "/nieuws/", "/themas/wonen/", "/verenigingen/de-schakel/", "/nieuws/feed/"]
    return "".join(client.get(path).content.decode() for path in paths)


@pytest.mark.parametrize("status, delta", [("draft", -1), ("published", +1)])
def test_draft_and_scheduled_posts_appear_nowhere_until_their_time(client, world, status, delta):
    when = NOW + datetime.timedelta(hours=delta)
    hidden = post(
        world["nta"],
        "verborgen",
        status=status,
        when=when,
        themes=[world["theme"]],
        associations=[world["association"]],
    )
    with time_machine.travel(NOW, tick=False):
        assert "Bericht verborgen" not in public_outputs(client, world)
        assert client.get(hidden.get_absolute_url()).status_code == 404
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        visible = "Bericht verborgen" in public_outputs(client, world)
        assert visible == (status == "published")
        assert client.get(hidden.get_absolute_url()).status_code == (200 if status == "published" else 404)


def test_scheduled_post_appears_everywhere_once_its_time_has_come(client, world):
    scheduled = post(
        world["nta"],
        "gepland",
        when=NOW + datetime.timedelta(minutes=30),
        themes=[world["theme"]],
        associations=[world["association"]],
    )
    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        for path in ["/", "/nieuws/", "/themas/wonen/", "/verenigingen/de-schakel/", "/nieuws/feed/"]:
            assert "Bericht gepland" in client.get(path).content.decode(), path
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_main_home_shows_news_of_regional_networks_and_regional_home_only_its_own(client, world):
    post(world["nta"], "van-nta")
    post(world["tpa"], "van-tpa")
    home = client.get("/").content.decode()
    assert "Bericht van-nta" in home and "Bericht van-tpa" in home
    regional = client.get("/netwerken/tpa/").content.decode()
    assert "Bericht van-tpa" in regional and "Bericht van-nta" not in regional
    assert 'href="/nieuws/?netwerk=tpa"' in regional


def test_list_filters_combine_and_bad_filters_answer_400(client, world):
    post(world["nta"], "wonen-nta", themes=[world["theme"]])
    post(world["tpa"], "wonen-tpa", themes=[world["theme"]])
    post(world["nta"], "oud", when=timezone.make_aware(datetime.datetime(2019, 5, 1, 9, 0)))
    # The main network's filter includes its regional networks' news (issue 21); a regional one only its own.
    page = client.get("/nieuws/?netwerk=nta&thema=wonen").content.decode()
    assert "Bericht wonen-nta" in page and "Bericht wonen-tpa" in page and "Bericht oud" not in page
    page = client.get("/nieuws/?netwerk=tpa&thema=wonen").content.decode()
    assert "Bericht wonen-tpa" in page and "Bericht wonen-nta" not in page
    page = client.get("/nieuws/?jaar=2019").content.decode()
    assert "Bericht oud" in page and "Bericht wonen-nta" not in page
    for query in ["netwerk=bestaat-niet", "jaar=1999", "jaar=abc", "thema=<script>"]:
        response = client.get(f"/nieuws/?{query}")
        assert response.status_code == 400, query
        assert 'aria-invalid="true"' in response.content.decode()


def test_list_paginates_ten_per_page_keeping_filters(client, world):
    for number in range(12):
        post(world["nta"], f"p{number}", when=NOW - datetime.timedelta(days=number + 1), themes=[world["theme"]])
    first = client.get("/nieuws/?thema=wonen").content.decode()
    assert first.count('class="card news-card"') == 10
    assert 'href="/nieuws/?thema=wonen&amp;pagina=2"' in first
    second = client.get("/nieuws/?thema=wonen&pagina=2").content.decode()
    assert second.count('class="card news-card"') == 2
    assert client.get("/nieuws/?pagina=9").status_code == 404


def test_a_time_with_microseconds_is_given_to_the_second(client, world):
    """HTML's datetime attribute takes at most three digits of a fraction of a second."""
    exact = post(world["nta"], "exact", when=NOW - datetime.timedelta(days=2, microseconds=-655572))
    with time_machine.travel(NOW, tick=False):
        detail = client.get(exact.get_absolute_url()).content.decode()
        listing = client.get("/nieuws/").content.decode()
    for html in (detail, listing):
        assert '<time datetime="2026-03-26T12:00:00+01:00">26 maart 2026</time>' in html


def test_post_page_has_date_neighbours_related_open_graph_and_json_ld(client, world):
    older = post(world["nta"], "ouder", when=NOW - datetime.timedelta(days=3), themes=[world["theme"]])
    middle = post(world["nta"], "midden", when=NOW - datetime.timedelta(days=2), themes=[world["theme"]])
    newer = post(world["nta"], "nieuwer", when=NOW - datetime.timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        html = client.get(middle.get_absolute_url()).content.decode()
    assert middle.get_absolute_url() == "/nieuws/2026/midden/"
    assert '<time datetime="2026-03-26T12:00:00+01:00">26 maart 2026</time>' in html
    assert f'href="{older.get_absolute_url()}" rel="prev"' in html
    assert f'href="{newer.get_absolute_url()}" rel="next"' in html
    assert 'id="related-news"' in html and "Bericht ouder" in html
    assert '<link rel="canonical" href="http://testserver/nieuws/2026/midden/">' in html
    assert '<meta property="og:title" content="Bericht midden">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == "Bericht midden"
    assert data["datePublished"] == "2026-03-26T12:00:00+01:00"


def test_related_news_shares_a_theme_shows_each_post_once_newest_first(client, world, django_assert_num_queries):
    """Related posts come from a semi-join on the themes (no DISTINCT over whole rows): each once, at most three."""
    school = Theme.objects.create(name="School", slug="school")
    themes = [world["theme"], school]
    middle = post(world["nta"], "midden", when=NOW - datetime.timedelta(days=5), themes=themes)
    for number, days in enumerate([9, 1, 7, 3]):
        post(world["nta"], f"verwant-{number}", when=NOW - datetime.timedelta(days=days), themes=themes)
    post(world["nta"], "zonder-thema", when=NOW - datetime.timedelta(days=2))
    post(world["tpa"], "ander-netwerk", when=NOW - datetime.timedelta(days=2), themes=themes)
    with time_machine.travel(NOW, tick=False):
        client.get(middle.get_absolute_url())  # the site network is cached after the first request
        # The post (which of its relations have rows in the same query), its themes, the related posts
        # and both neighbours; no query for links, attachments and associations it has none of, nor for
        # the funders of the post's network (kept with the page cache's generations).
        with django_assert_num_queries(5):
            html = client.get(middle.get_absolute_url()).content.decode()
    related = html[html.index('id="related-news"') :]
    assert re.findall(r"<h3><a [^>]*>(Bericht [^<]*)</a></h3>", related) == [
        "Bericht verwant-1",
        "Bericht verwant-3",
        "Bericht verwant-2",
    ]


def test_a_posts_links_attachments_and_associations_are_fetched_only_when_it_has_them(
    client, world, django_assert_num_queries
):
    """The post's query says which relations have rows: a post with a link, a public and a draft
    attachment and an association shows the link, the public attachment and the association, with a
    query for each of them on top of the five of a post without any."""
    item = post(world["nta"], "met-alles", themes=[world["theme"]], associations=[world["association"]])
    item.links.create(label="Het rapport bij de minister", url="https://example.org/rapport", position=0)
    public = DocumentFactory(network=world["nta"], title="Ons standpunt over wonen")
    draft = DocumentFactory(network=world["nta"], title="Nog niet klaar", published=False)
    item.attachments.set([public, draft])
    with time_machine.travel(NOW, tick=False):
        client.get(item.get_absolute_url())  # the site network is cached after the first request
        with django_assert_num_queries(5 + 3):
            html = client.get(item.get_absolute_url()).content.decode()
    assert 'href="https://example.org/rapport" rel="noopener">Het rapport bij de minister</a>' in html
    assert ">Ons standpunt over wonen</a>" in html and "Nog niet klaar" not in html
    assert '<a href="/verenigingen/de-schakel/">De Schakel</a> (Puurs)' in html


def test_wrong_year_in_the_address_is_not_found(client, world):
    item = post(world["nta"], "jaar")
    assert client.get(item.get_absolute_url().replace("/2026/", "/2025/")).status_code == 404


@pytest.fixture
def editor(world):
    def make(network):
        user = with_mfa(
            User.objects.create_user(f"redacteur-{network.slug}", f"{network.slug}@example.org", "x", is_staff=True)
        )
        user.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
        NetworkMembership.objects.create(user=user, network=network)
        return user

    return make


def test_staff_preview_a_draft_of_their_own_network_only(client, world, editor):
    draft = post(world["nta"], "ontwerp", status="draft")
    preview = f"/nieuws/voorbeeld/{draft.pk}/"
    assert client.get(preview).status_code == 302  # to the login
    client.force_login(editor(world["tpa"]))
    assert client.get(preview).status_code == 403
    client.force_login(editor(world["nta"]))
    response = client.get(preview)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bericht ontwerp" in html and '<meta name="robots" content="noindex">' in html
    assert "het publiek kan dit bericht niet zien" in html
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/nieuws/", "/nieuws/?netwerk=nta&thema=wonen", "DETAIL", "/"])
def test_queries_do_not_grow_with_the_number_of_posts(client, world, path):
    def count():
        url = NewsPost.objects.published().order_by("pk").first().get_absolute_url() if path == "DETAIL" else path
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    post(world["nta"], "eerste", themes=[world["theme"]], associations=[world["association"]])
    before = count()
    for number in range(25):
        post(world["nta"], f"extra-{number}", themes=[world["theme"]], associations=[world["association"]])
    assert count() == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/beheer/network/newspost/", "/beheer/news/newspost/"),
        (
            "/beheer/network/newspost/12/change/?_changelist_filters=status",
            "/beheer/news/newspost/12/change/?_changelist_filters=status",
        ),
        ("/beheer/network/newslink/", "/beheer/news/newslink/"),
    ],
)
def test_the_news_admin_addresses_of_before_the_news_app_lead_to_the_new_ones(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_a_news_card_escapes_what_an_editor_typed(client, world):
    """Cards come from a Jinja2 template (news/cards.py): every value is escaped as in a Django template."""
    item = post(world["nta"], "vreemd")
    NewsPost.objects.filter(pk=item.pk).update(title='Huur & <script>alert("x")</script>', lead="Een <b>vet</b> lead")
    with time_machine.travel(NOW, tick=False):
        html = client.get("/nieuws/").content.decode()
    assert (
        f'<h3><a href="{item.get_absolute_url()}">Huur &amp; &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a></h3>'
    ) in html
    assert "<p>Een &lt;b&gt;vet&lt;/b&gt; lead</p>" in html
    assert '<time datetime="2026-03-27T12:00:00+01:00">27 maart 2026</time> · NTA</p>' in html
