"""The hostile-input sweep of every public query parameter and path parameter: never a 500, never a stored row.

Each filter form read from the query string gets at least 200 examples (harness.SWEEP); the
pages with only pagination or a prefill share a sweep, and so do the slugs, ids and years in
paths. Parameters come missing, repeated, with extra keys and raw broken percent-escapes; a
refused filter must show its error (in Dutch) next to the field. The seed is fixed
(derandomize), so CI sends the same input on every run.
"""

from urllib.parse import quote, urlencode

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.sweep.harness import SWEEP, check, example, snapshot
from tests.sweep.strategies import broken_query, mixed, numbers, query

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

NETWORK = ["nta", "bpa", ""]
THEME = ["wonen", ""]
PAGE = ["1", "2", ""]
THIS_YEAR = str(timezone.localdate().year)
DONATE_PAGES = ["/steun-ons/", "/steun-ons/qr.png", "/netwerken/nta/steun-ons/", "/netwerken/bpa/steun-ons/qr.png"]


def _get(client, path, pairs, broken=""):
    separator = "&" if "?" in path else "?"
    return client.get(f"{path}{separator}{urlencode(pairs)}{broken}")


def _sweep_get(client, path, pairs, broken=""):
    with example():
        before = snapshot()
        response = _get(client, path, pairs, broken)
        check(response, before, may_change=lambda response: False)
    return response


@SWEEP
@given(
    pairs=query(
        {
            "q": ["wonen", "recht op wonen", "verenigingen", "Schakel", '"wonen" -werk or armoede', ""],
            "soort": ["", "nieuws", "acties", "verenigingen", "agenda", "paginas", "documenten"],
            "pagina": PAGE,
        }
    ),
    broken=broken_query,
)
def test_search(client, world, pairs, broken):
    _sweep_get(client, "/zoeken/", pairs, broken)


@SWEEP
@given(pairs=query({"netwerk": NETWORK, "thema": THEME, "jaar": [THIS_YEAR, "2001", ""], "pagina": PAGE}))
def test_news_filters(client, world, pairs):
    _sweep_get(client, "/nieuws/", pairs)


@SWEEP
@given(path=st.sampled_from(["/nieuws/feed/", "/nieuws/atom/"]), pairs=query({"netwerk": NETWORK, "thema": THEME}))
def test_news_feed_filters(client, world, path, pairs):
    _sweep_get(client, path, pairs)


@SWEEP
@given(
    pairs=query(
        {
            "q": ["Schakel", "samen", "2870", ""],
            "gemeente": ["Puurs", "2870", "puu", ""],
            "provincie": ["antwerpen", "limburg", "brussel", ""],
            "netwerk": NETWORK,
            "thema": THEME,
            "pagina": PAGE,
        }
    ),
    broken=broken_query,
)
def test_association_directory_filters(client, world, pairs, broken):
    _sweep_get(client, "/verenigingen/", pairs, broken)


@SWEEP
@given(
    path=st.sampled_from(["/agenda/", "/agenda/", "/agenda/archief/", f"/agenda/{THIS_YEAR}/"]),
    pairs=query({"netwerk": NETWORK, "thema": THEME, "formaat": ["fysiek", "online", "hybride", ""], "pagina": PAGE}),
    broken=broken_query,
)
def test_calendar_filters(client, world, path, pairs, broken):
    _sweep_get(client, path, pairs, broken)


@SWEEP
@given(pairs=query({"netwerk": NETWORK, "thema": THEME}), broken=broken_query)
def test_calendar_feed_filters(client, world, pairs, broken):
    _sweep_get(client, "/agenda.ics", pairs, broken)


@SWEEP
@given(pairs=query({"netwerk": NETWORK, "thema": THEME}), broken=broken_query)
def test_campaign_list_filters(client, world, pairs, broken):
    _sweep_get(client, "/acties/", pairs, broken)


@SWEEP
@given(pairs=query({"netwerk": NETWORK, "soort": ["dossier", "standpunt", "logo", ""], "thema": THEME}))
def test_document_filters(client, world, pairs):
    _sweep_get(client, "/documenten/", pairs)


@SWEEP
@given(
    path=st.sampled_from(DONATE_PAGES),
    pairs=query({"bedrag": ["25", "12,50", "12.50", "€ 40", "100000", ""], "v": ["abc123"]}),
)
def test_donation_amount(client, world, path, pairs):
    _sweep_get(client, path, pairs)


@SWEEP
@given(pairs=query({"email": ["lezer@example.org", "Nieuw@Example.org", ""], "netwerk": NETWORK}))
def test_newsletter_prefill(client, world, pairs):
    """The footer's GET form leads to /nieuwsbrief/ with the address filled in."""
    _sweep_get(client, "/nieuwsbrief/", pairs)


@SWEEP
@given(
    path=st.sampled_from(
        [
            "/verenigingen/in-beeld/",
            "/nieuwsbrief/archief/",
            "/nieuwsbrief/archief/nta/",
            "/beheer/login/",
            "/accounts/login/",
            "/accounts/password/reset/",
            "/agenda/inschrijving/annuleren/x/",
            "/sitemap.xml",
        ]
    ),
    pairs=query(
        {
            "pagina": PAGE,
            "p": ["1", "2"],
            "next": ["/beheer/", "/beheer/network/", "https://evil.example/", "//evil.example", "javascript:alert(1)"],
            "geannuleerd": ["1"],
        }
    ),
    broken=broken_query,
)
def test_pagination_and_next_parameters(client, world, path, pairs, broken):
    response = _sweep_get(client, path, pairs, broken)
    location = response.get("Location", "")
    assert "evil.example" not in location.split("?")[0], "a sign-in link sends the visitor to another site"


SLUGS = ["nta", "bpa", "wonen", "lokaalsociaal", "trefdag", "de-schakel", "verhaal", "bericht-over-wonen"]
ROUTES = [
    "/nieuws/{year}/{slug}/",
    "/verenigingen/{slug}/",
    "/verenigingen/in-beeld/{slug}/",
    "/agenda/{slug}/",
    "/agenda/{slug}.ics",
    "/agenda/{slug}/inschrijven/",
    "/agenda/{slug}/inschrijven/bedankt/",
    "/agenda/{year}/",
    "/acties/{slug}/",
    "/acties/{slug}/bedankt/",
    "/netwerken/{slug}/",
    "/netwerken/{slug}/huisstijl.css",
    "/netwerken/{slug}/partners/",
    "/netwerken/{slug}/{other}/",
    "/netwerken/{slug}/steun-ons/qr.png",
    "/themas/{slug}/",
    "/nieuwsbrief/archief/{slug}/",
    "/nieuwsbrief/archief/{slug}/{pk}/",
    "/nieuws/voorbeeld/{pk}/",
    "/nieuwsbrief/voorbeeld/{pk}/",
    "/voorbeeld/{other}/{pk}/",
    "/voorbeeld/gedeeld/{slug}/",
    "/media/{other}",
]


@SWEEP
@given(
    route=st.sampled_from(ROUTES),
    slug=mixed(SLUGS),
    other=mixed(["pagina", "dossier.pdf", "../../etc/passwd", "..%2f..%2fconfig/settings.py"]),
    number=st.one_of(mixed([THIS_YEAR, "1", "2", "2000", "9999"]), numbers),
    method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]),
)
def test_path_parameters(client, world, route, slug, other, number, method):
    """Slugs, years and ids in paths: unknown ones are a 404, hostile ones too."""
    path = route.format(
        slug=quote(slug, safe=""), other=quote(other, safe="/"), year=quote(number, safe=""), pk=quote(number, safe="")
    )
    with example():
        before = snapshot()
        response = getattr(client, method.lower())(path)
        check(response, before, may_change=lambda response: False)
