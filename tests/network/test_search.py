"""Site search at /zoeken/: what it finds, what it never shows, how it ranks, marks and survives odd input."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from associations.models import Association
from core import search as site_search
from events.models import Event
from network.models import Document, Page, Theme
from news.models import NewsPost
from tests.browser.quality import VNU_JAR, validate_html
from tests.factories import NetworkFactory, make_campaign, make_event

pytestmark = pytest.mark.django_db

URL = "/zoeken/"
YESTERDAY = timezone.now() - datetime.timedelta(days=1)
RESULT_TITLE = re.compile(r'<h3 class="search-result__title"><a href="([^"]*)">(.*?)</a></h3>')
SNIPPET = re.compile(r'<p class="search-result__snippet">(.*?)</p>', re.S)
SECTION = re.compile(r'<section class="section search-group" aria-labelledby="results-([\w-]+)">(.*?)</section>', re.S)


@pytest.fixture
def nta():
    return NetworkFactory(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="<p>x</p>"
    )


def news(network, title, *, lead="Een bericht.", body="<p>Tekst.</p>", status="published", when=YESTERDAY, slug=None):
    return NewsPost.objects.create(
        network=network,
        title=title,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        status=status,
        publish_at=when,
        lead=lead,
        body=body,
    )


def page(network, title, *, intro="", body="<p>Tekst.</p>", published=True, slug=None):
    return Page.objects.create(
        network=network,
        title=title,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        intro=intro,
        body=body,
        published=published,
        last_reviewed=datetime.date(2026, 1, 1),
    )


def association(network, name, *, intro="Wij komen samen.", description="", active=True, municipality="Puurs"):
    return Association.objects.create(
        network=network,
        name=name,
        slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        municipality=municipality,
        postcode="2870",
        intro=intro,
        description=description,
        is_active=active,
    )


def document(network, title, *, description=""):
    return Document.objects.create(
        network=network,
        title=title,
        date=datetime.date(2025, 10, 17),
        description=description,
        file=SimpleUploadedFile("dossier.pdf", b"%PDF-1.4 test"),
        published=True,
    )


def get(client, **params):
    return client.get(URL, params)


def shown(response):
    """{kind: [titles shown]} for every result group on the page."""
    groups = SECTION.findall(html(response))
    return {slug: [title for _url, title in RESULT_TITLE.findall(body)] for slug, body in groups}


def counts(response):
    """{kind: number of results} for the kinds that found something."""
    return {group.kind.slug: group.count for group in response.context["groups"] if group.count}


def html(response):
    return response.content.decode()


def test_search_page_without_query_shows_only_the_form(client):
    for response in (client.get(URL), get(client, q=""), get(client, q="   \t ")):
        assert response.status_code == 200
        page_html = html(response)
        assert '<form class="filters search-form" role="search" method="get" action="/zoeken/">' in page_html
        assert 'type="search" name="q"' in page_html
        assert "search-group" not in page_html
        assert "search-summary" not in page_html
        assert page_html.count("<h1") == 1


def test_search_pages_are_noindex_and_set_no_cookie(client, nta):
    news(nta, "Armoede in Vlaanderen")
    for response in (client.get(URL), get(client, q="armoede"), get(client, q="armoede", soort="nieuws")):
        assert '<meta name="robots" content="noindex">' in html(response)
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in html(response)


def test_search_pages_are_valid_html(client, nta):
    assert VNU_JAR.exists(), "the Nu Html Checker is missing: run `make test`, which runs npm ci"
    for number in range(25):
        news(nta, f"Trefdag {number}", slug=f"trefdag-{number}", lead="Tom & Jerry <b>trefdag</b>")
    document(nta, "Trefdag draaiboek")
    responses = {
        "no query": client.get(URL),
        "overview": get(client, q="trefdag"),
        "one kind, second page": get(client, q="trefdag", soort="nieuws", pagina=2),
        "nothing found": get(client, q="onvindbaar"),
        "too long": get(client, q="x" * 300),
    }

    assert validate_html({name: html(response) for name, response in responses.items()}) == {
        name: [] for name in responses
    }


def test_form_field_is_labelled_and_limited_to_200_characters():
    with translation.override("en"):
        rendered = str(site_search.SearchForm()["q"].as_field_group())
    assert '<label for="id_q">Search the site</label>' in rendered
    assert 'maxlength="200"' in rendered


def test_finds_public_content_of_every_kind(client, nta):
    news(nta, "Armoede en wonen", lead="Wat de gemeente kan doen.")
    association(nta, "De Schakel", intro="Mensen in armoede komen hier samen.")
    page(nta, "Onze werking", body="<p>Wij bestrijden <strong>armoede</strong> samen.</p>")
    document(nta, "Beleidsdossier gezondheidszorg", description="Toegang tot zorg voor mensen in armoede.")
    news(nta, "Iets anders", lead="Over het weer.")
    make_campaign(nta, "lokaalsociaal", title="Lokaal sociaal", intro="Gemeenten kunnen armoede terugdringen.")

    response = get(client, q="armoede")

    assert response.status_code == 200
    assert shown(response) == {
        "nieuws": ["Armoede en wonen"],
        "acties": ["Lokaal sociaal"],
        "verenigingen": ["De Schakel"],
        "paginas": ["Onze werking"],
        "documenten": ["Beleidsdossier gezondheidszorg"],
    }
    assert counts(response) == {"nieuws": 1, "acties": 1, "verenigingen": 1, "paginas": 1, "documenten": 1}


def test_results_link_to_the_object_and_documents_to_their_file(client, nta):
    post = news(nta, "Fakkeltocht in Hasselt", when=timezone.make_aware(datetime.datetime(2025, 10, 17, 18)))
    dossier = document(nta, "Fakkeltocht draaiboek")

    links = {title: url for url, title in RESULT_TITLE.findall(html(get(client, q="fakkeltocht")))}

    assert links["Fakkeltocht in Hasselt"] == post.get_absolute_url() == "/nieuws/2025/fakkeltocht-in-hasselt/"
    assert links["Fakkeltocht draaiboek"] == dossier.file.url
    assert links["Fakkeltocht draaiboek"].endswith(".pdf")


def test_meta_line_names_the_network_and_date(client, nta):
    news(nta, "Fakkeltocht in Hasselt", when=timezone.make_aware(datetime.datetime(2025, 10, 17, 18)))

    meta = re.search(r'<p class="search-result__meta muted">(.*?)</p>', html(get(client, q="fakkeltocht")))

    assert meta.group(1) == "NTA · 17 oktober 2025"


def test_drafts_future_posts_inactive_associations_and_unpublished_pages_never_appear(client, nta):
    news(nta, "Zichtbaar nieuws over sluiptunnel")
    news(nta, "Ontwerp over sluiptunnel", status="draft")
    news(nta, "Gepland over sluiptunnel", when=timezone.now() + datetime.timedelta(hours=1))
    association(nta, "Actieve vereniging sluiptunnel")
    association(nta, "Gestopte vereniging sluiptunnel", active=False)
    page(nta, "Gepubliceerde pagina sluiptunnel")
    page(nta, "Verborgen pagina sluiptunnel", published=False)

    for soort in ("", "nieuws", "verenigingen", "paginas"):
        response = get(client, q="sluiptunnel", soort=soort)
        everything = html(response)
        assert "Ontwerp" not in everything
        assert "Gepland" not in everything
        assert "Gestopte" not in everything
        assert "Verborgen" not in everything
    assert counts(response) == {"nieuws": 1, "verenigingen": 1, "paginas": 1}


def test_every_word_must_occur_somewhere(client, nta):
    association(nta, "De Schakel", intro="Een vereniging waar armen het woord nemen.", municipality="Puurs")
    association(nta, "Den Durpel", intro="Een vereniging waar armen het woord nemen.", municipality="Boom")

    response = get(client, q="vereniging Puurs")

    assert shown(response) == {"verenigingen": ["De Schakel"]}


def test_title_matches_rank_above_text_matches(client, nta):
    news(nta, "Over het weer", lead="Een tekst over de jaarkalender van het netwerk.", slug="a")
    news(nta, "De jaarkalender", lead="Wat er dit jaar gebeurt.", slug="b", when=YESTERDAY - datetime.timedelta(9))

    assert shown(get(client, q="jaarkalender"))["nieuws"] == ["De jaarkalender", "Over het weer"]


def test_overview_shows_ten_per_kind_and_links_to_all_of_one_kind(client, nta):
    for number in range(25):
        news(nta, f"Trefdag {number}", slug=f"trefdag-{number}", when=YESTERDAY - datetime.timedelta(minutes=number))
    page(nta, "Trefdagen")

    response = get(client, q="trefdag")

    assert counts(response)["nieuws"] == 25
    assert len(shown(response)["nieuws"]) == 10
    assert 'href="/zoeken/?q=trefdag&amp;soort=nieuws"' in html(response)


def test_one_kind_is_paginated_by_twenty_and_shows_no_other_results(client, nta):
    for number in range(25):
        news(nta, f"Trefdag {number}", slug=f"trefdag-{number}", when=YESTERDAY - datetime.timedelta(minutes=number))
    page(nta, "Trefdag in Hasselt")

    first = get(client, q="trefdag", soort="nieuws")
    second = get(client, q="trefdag", soort="nieuws", pagina=2)

    assert list(shown(first)) == ["nieuws"]
    assert len(shown(first)["nieuws"]) == 20
    assert len(shown(second)["nieuws"]) == 5
    assert set(shown(first)["nieuws"]).isdisjoint(shown(second)["nieuws"])
    assert counts(first)["paginas"] == 1
    assert 'href="/zoeken/?q=trefdag&amp;soort=nieuws&amp;pagina=2" rel="next"' in html(first)
    assert get(client, q="trefdag", soort="nieuws", pagina=9).status_code == 404


@pytest.mark.parametrize("number", ["3", "0", "-1", "2.5", "x", "9" * 40])
def test_a_page_past_the_results_or_not_a_page_is_not_found(client, nta, number):
    news(nta, "Bericht over vorming")

    assert get(client, q="vorming", soort="nieuws", pagina=number).status_code == 404


def test_unknown_kind_is_a_form_error(client):
    response = get(client, q="armoede", soort="bestaat-niet")

    assert response.status_code == 400
    assert 'aria-invalid="true"' in html(response)


def test_nothing_found_says_so(client, nta):
    response = get(client, q="onvindbaarwoord")

    assert response.status_code == 200
    assert sum(counts(response).values()) == 0
    assert 'class="search-empty prose"' in html(response)


def test_snippet_marks_the_hit_and_escapes_everything_from_content(client, nta):
    post = news(nta, "Nieuws", lead="Tom & Jerry <script>alert(1)</script> over de vereniging <b>vet</b>.")
    # Stored HTML that never passed the sanitiser: a snippet must not let it through either.
    NewsPost.objects.filter(pk=post.pk).update(body='<p>De vereniging<img src=x onerror="alert(2)"> &amp; co</p>')
    document(nta, "Dossier", description="Vereniging & <script>alert(3)</script>")

    response = get(client, q="vereniging")
    snippets = SNIPPET.findall(html(response))

    assert len(snippets) == 2
    assert "<script" not in html(response)
    assert "<img src=x" not in html(response)
    assert "<b>" not in html(response)
    assert "&amp;amp;" not in html(response)
    assert "Tom &amp; Jerry" in snippets[0]
    for text in snippets:
        assert re.sub(r"</?mark>", "", text) == re.sub(r"<[^>]*>", "", re.sub(r"</?mark>", "", text))
        assert re.search(r"<mark>vereniging</mark>", text, re.I)


def test_marker_characters_in_content_cannot_unbalance_the_markup(client, nta):
    news(nta, "Nieuws", lead="Begin \ue000 de vereniging \ue001 \ue001 einde \ue000.")

    (text,) = SNIPPET.findall(html(get(client, q="vereniging")))

    assert text.count("<mark>") == text.count("</mark>") >= 1
    assert re.fullmatch(r"([^<]|<mark>[^<]*</mark>)*", text)


def test_nul_and_invisible_characters_are_stripped_from_the_query(client, nta):
    association(nta, "De Schakel", intro="Een vereniging in Puurs.")

    for query in ["vere\x00niging", "\u200fvereniging\u200e", "\ufeffvereniging\x07"]:
        response = get(client, q=query)
        assert response.status_code == 200
        assert shown(response) == {"verenigingen": ["De Schakel"]}


ODD_QUERIES = [
    "' OR 1=1 --",
    '"; DROP TABLE network_newspost; --',
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "a & | ! ( ) : *",
    "!!!",
    "&",
    "()",
    "a:*",
    "'\"",
    '"vereniging',
    "vereniging\"'",
    "-",
    "- -vereniging",
    "or",
    "de het een",
    "🙂 vereniging 👨‍👩‍👧",
    "\x00",
    "x\x00y\x01z\x1f",
    "\u202ehet\u202c \u200f",
    "\u0627\u200f\u0644\u0641\u0642\u0631",  # Arabic with a right-to-left mark
    "%",
    "_",
    "\\",
    "a" * 200,
    "vereniging " * 18,
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_are_answered_never_with_an_error(client, nta, query):
    association(nta, "De Schakel", intro="Een vereniging waar armen het woord nemen.")
    news(nta, "Nieuws & meer", lead="Over de vereniging.")

    for soort in ("", "verenigingen"):
        response = get(client, q=query, soort=soort)
        assert response.status_code == 200, query
        assert "<script>alert" not in html(response)
        assert "<img src=x" not in html(response)


def test_query_is_echoed_escaped(client):
    response = get(client, q='"><script>alert(1)</script>')

    assert "<script>" not in html(response)
    # The form's widgets are rendered by Jinja2 (core/forms.py), which writes " as &#34;.
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html(response)


def test_invalid_utf8_in_the_query_string_is_answered(client):
    assert client.get(URL + "?q=%FF%FE%00vereniging").status_code == 200


@pytest.mark.parametrize("length", [201, 10_000])
def test_too_long_query_is_a_400_with_a_clear_message(client, length):
    response = get(client, q="a" * length)

    assert response.status_code == 400
    page_html = html(response)
    assert 'aria-invalid="true"' in page_html
    assert re.search(r'<ul class="errorlist" id="id_q_error"><li>[^<]*200[^<]*</li></ul>', page_html)
    assert "search-group" not in page_html
    with translation.override("en"):
        form = site_search.SearchForm({"q": "a" * length})
        assert form.errors["q"] == ["Use at most 200 characters: a few words are enough."]


def test_query_count_does_not_grow_with_the_number_of_results(client, nta, django_assert_max_num_queries):
    """Each kind costs one count and one page query, however many objects match (no N+1 on network)."""
    networks = [nta, NetworkFactory(name="Trefpunt", short_name="TPA", slug="tpa", region="limburg")]

    def add(start, stop):
        for number in range(start, stop):
            network = networks[number % 2]
            news(network, f"Bericht vorming {number}", slug=f"b-{number}")
            association(network, f"Vorming vereniging {number}")
            page(network, f"Vorming pagina {number}", slug=f"p-{number}")
            document(network, f"Vorming dossier {number}")

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert get(client, **params).status_code == 200
        return len(captured)

    add(0, 5)
    client.get(URL)  # the site's network is cached after the first page
    baseline = queries()
    few = {soort: queries(q="vorming", soort=soort) for soort in ("", "nieuws", "documenten")}
    add(5, 50)
    many = {soort: queries(q="vorming", soort=soort) for soort in ("", "nieuws", "documenten")}

    kinds = len(site_search.registered_kinds())
    assert few == many
    assert many[""] <= baseline + 2 * kinds
    assert many["nieuws"] <= baseline + kinds + 1
    assert counts(get(client, q="vorming")) == {"nieuws": 50, "verenigingen": 50, "paginas": 50, "documenten": 50}


def test_results_are_described_from_the_columns_fetched(client, nta, django_assert_num_queries):
    """Every kind's `describe()` reads only what its result query fetched (`columns`): describing
    the results shown costs no query, also for a postponed event, whose status is in its line."""
    news(nta, "Vorming in de stad")
    association(nta, "Vorming vzw")
    page(nta, "Vorming pagina")
    document(nta, "Vorming dossier")
    make_campaign(nta, "vormingsactie", title="Vorming voor iedereen")
    make_event(
        nta,
        "vormingsdag",
        title="Dag van de vorming",
        status=Event.Status.POSTPONED,
        status_reason="Storm.",
        municipality="Gent",
    )
    kinds = site_search.registered_kinds()
    ranked = [site_search.search_kind(kind, "vorming")[1] for kind in kinds]
    found = site_search.find_all([(rows, 10, 0) for rows in ranked])
    objects = [
        site_search._objects(kind, rows, keys) for kind, rows, (_count, keys) in zip(kinds, ranked, found, strict=True)
    ]
    assert [len(shown) for shown in objects] == [1] * len(kinds)

    with django_assert_num_queries(0):
        lines = {kind.slug: kind.describe(obj) for kind, shown in zip(kinds, objects, strict=True) for obj in shown}

    assert lines["agenda"].meta[-2:] == ("Gent", "Uitgesteld")
    assert lines["documenten"].meta[1] == "Beleidsdossier"
    assert lines["nieuws"].url == f"/nieuws/{timezone.localtime(YESTERDAY).year}/vorming-in-de-stad/"


@pytest.fixture
def theme_kind():
    kind = site_search.register_kind(
        "themas",
        label="Themes",
        queryset=lambda: Theme.objects.all(),
        fields={"A": ["name"], "B": ["description"]},
        describe=lambda theme: site_search.Result(theme.name, theme.get_absolute_url(), ("Thema",)),
        position=5,
    )
    yield kind
    site_search.unregister_kind("themas")


def test_a_registered_kind_is_searched_without_changing_the_view(client, theme_kind):
    Theme.objects.create(name="Onderwijs", slug="onderwijs", description="Gelijke kansen op school.")

    response = get(client, q="school")

    assert shown(response) == {"themas": ["Onderwijs"]}
    assert next(iter(counts(response))) == "themas"
    assert '<option value="themas">Themes</option>' in html(response)
    assert shown(get(client, q="school", soort="themas")) == {"themas": ["Onderwijs"]}


def test_a_kind_needs_title_fields_and_known_weights():
    with pytest.raises(ValueError):
        site_search.register_kind("x", label="X", queryset=Theme.objects.all, fields={"B": ["name"]}, describe=str)
    with pytest.raises(ValueError):
        site_search.register_kind(
            "x", label="X", queryset=Theme.objects.all, fields={"A": ["name"], "E": ["slug"]}, describe=str
        )
    assert "x" not in [kind.slug for kind in site_search.registered_kinds()]


def test_long_text_snippet_is_cut_around_the_hit(client, nta):
    filler = "Een lange tekst over van alles en nog wat. " * 40
    news(nta, "Lang", lead="Kort.", body=f"<p>{filler}Hier staat de vereniging centraal. {filler}</p>")

    (text,) = SNIPPET.findall(html(get(client, q="vereniging")))

    assert text.startswith("… ")
    assert text.endswith(" …")
    assert "<mark>vereniging</mark>" in text
    assert len(text) < 400


def test_headline_keeps_only_its_own_marks():
    headline = "Tom &amp; <b>Jerry</b> \ue000vereniging\ue001 \ue001<script>x\ue000"

    marked = site_search.headline_html(headline, source=headline)

    assert marked == ("Tom &amp;amp; &lt;b&gt;Jerry&lt;/b&gt; <mark>vereniging</mark> &lt;script&gt;x")
    assert site_search.headline_html("  \ue000\ue001 ") == ""
    assert site_search.headline_html("midden \ue000in\ue001 de tekst", "begin midden in de tekst en verder") == (
        "… midden <mark>in</mark> de tekst …"
    )


def test_excerpt_is_cut_around_the_first_hit_and_escaped():
    text = "begin " + "woord " * 100 + "de <vereniging> & meer " + "slot " * 100

    excerpt = site_search.excerpt_html(text, ["vereniging"])

    assert excerpt.startswith("… ")
    assert excerpt.endswith(" …")
    assert "&lt;<mark>vereniging</mark>&gt; &amp; meer" in excerpt
    assert len(excerpt) < 300


def test_excerpt_without_a_hit_starts_at_the_beginning():
    assert site_search.excerpt_html("Een korte tekst.", ["titel"]) == "Een korte tekst."


@pytest.mark.postgres
def test_dutch_stemming_finds_other_forms_of_a_word(client, nta):
    association(nta, "De Schakel", intro="Een vereniging waar armen het woord nemen.")
    news(nta, "Nieuws", lead="Wij werken met de gemeenten.")

    assert shown(get(client, q="verenigingen")) == {"verenigingen": ["De Schakel"]}
    assert shown(get(client, q="gemeente")) == {"nieuws": ["Nieuws"]}
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_web_search_syntax_phrases_and_exclusions(client, nta):
    news(nta, "Beleid", lead="Lokaal sociaal beleid in Limburg.", slug="a")
    news(nta, "Campagne", lead="Sociaal en lokaal, in Brussel.", slug="b")

    assert shown(get(client, q='"lokaal sociaal"')) == {"nieuws": ["Beleid"]}
    assert shown(get(client, q="lokaal sociaal -limburg")) == {"nieuws": ["Campagne"]}


@pytest.mark.postgres
def test_weighted_fields_rank_title_over_lead_over_body(client, nta):
    news(nta, "In de tekst", body="<p>Over de jaarkalender.</p>", slug="c", when=YESTERDAY)
    news(nta, "In de inleiding", lead="Over de jaarkalender.", slug="b", when=YESTERDAY - datetime.timedelta(days=1))
    news(nta, "De jaarkalender", slug="a", when=YESTERDAY - datetime.timedelta(days=2))

    assert shown(get(client, q="jaarkalender"))["nieuws"] == ["De jaarkalender", "In de inleiding", "In de tekst"]


@pytest.mark.postgres
def test_a_change_made_with_update_is_found_at_once(client, nta):
    post = news(nta, "Bericht", lead="Over wonen.")
    assert shown(get(client, q="jeugdhulp")) == {}

    type(post).objects.filter(pk=post.pk).update(lead="Over jeugdhulp.")

    assert shown(get(client, q="jeugdhulp")) == {"nieuws": ["Bericht"]}
