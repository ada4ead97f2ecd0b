"""The site search's ranking on a fixed corpus: the top results of every kind, pinned as the search ranks them.

Written before the search was made faster, on the code of that day: whatever the search does to
save time, a common word, a rare word and two words must show the same results, in the same
order, with the same snippets and counts.
"""

import datetime

import pytest

from tests.factories import (
    AssociationFactory,
    DocumentFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    make_campaign,
    make_event,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

URL = "/zoeken/"
WORDS = ["wonen", "werk", "school", "zorg", "energie", "gezondheid", "vrije tijd", "mobiliteit"]


def when(number):
    return datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC) + datetime.timedelta(hours=number * 7)


@pytest.fixture
def corpus():
    """About thirty posts and a dozen of every other kind; "armoede" in the title of a few, the lead
    of some, the body of most, as often as the number says; "jeugdhulp" in three."""
    networks = [
        NetworkFactory(name="Netwerk tegen Armoede", short_name="NTA", slug="nta", position=1),
        NetworkFactory(name="Trefpunt Limburg", short_name="TPL", slug="tpl", region="limburg", position=2),
    ]
    for number in range(32):
        network = networks[number % 2]
        word = WORDS[number % len(WORDS)]
        title = f"Bericht {number} over {word}" + (" en armoede" if number % 11 == 3 else "")
        lead = f"Een bericht over {word}" + (" en armoede in de stad." if number % 4 == 1 else ".")
        hits = number * 7 % 5
        sentences = [f"Wie in armoede leeft, vindt moeilijk {word}." for _ in range(hits)]
        sentences.insert(number % 3, f"Een lange zin over {word} en {WORDS[(number + 3) % len(WORDS)]} in Vlaanderen.")
        if number in (5, 17, 30):
            sentences.append("Ook jeugdhulp is een thema & <geen> tag.")
        body = "".join(f"<p>{sentence}</p>" for sentence in sentences)
        NewsPostFactory(
            network=network,
            title=title,
            slug=f"bericht-{number}",
            status="published",
            publish_at=when(number),
            lead=lead,
            body=body,
        )
    for number in range(14):
        word = WORDS[number % len(WORDS)]
        AssociationFactory(
            network=networks[number % 2],
            name=f"Vereniging {number}" + (" Samen tegen armoede" if number % 6 == 2 else ""),
            slug=f"vereniging-{number}",
            intro=f"Wij werken rond {word}" + (" en armoede." if number % 3 == 0 else "."),
            description=f"<p>{'Armoede is geen keuze. ' * (number % 4)}Kom langs voor {word}.</p>",
        )
        make_event(
            networks[number % 2],
            f"activiteit-{number}",
            days=number,
            title=f"Activiteit {number}" + (" over armoede" if number % 5 == 1 else ""),
            intro=f"Een avond over {word}" + (" en armoede." if number % 2 else "."),
            description=f"<p>{'Over armoede praten. ' * (number % 3)}Iedereen welkom.</p>",
        )
        PageFactory(
            network=networks[number % 2],
            title=f"Pagina {number}" + (" armoede" if number % 7 == 0 else ""),
            slug=f"pagina-{number}",
            intro=f"Over {word}" + (" en armoede" if number % 2 else ""),
            body=f"<p>{'Armoede raakt iedereen. ' * (number % 3)}Meer over {word}.</p>",
        )
        DocumentFactory(
            network=networks[number % 2],
            title=f"Dossier {number}" + (" armoede" if number % 4 == 0 else ""),
            description=f"{'Cijfers over armoede. ' * (number % 2)}Een dossier over {word}.",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
        )
    for network, slug, title, intro, month in [
        (networks[0], "armoedevrij", "Armoedevrij", "Een actie tegen armoede.", 4),
        (networks[1], "wonen", "Betaalbaar wonen", "Wonen zonder armoede.", 5),
    ]:
        start = datetime.date(2026, month, 1)
        make_campaign(network, slug, title=title, intro=intro, starts_on=start, ends_on=start.replace(month=month + 2))
    return networks


def results(client, **params):
    """Counts of every kind, and the title, meta line and snippet of every result shown, in order."""
    response = client.get(URL, params)
    assert response.status_code == 200
    groups = response.context["groups"]
    return (
        {group.kind.slug: group.count for group in groups},
        {
            group.kind.slug: [(hit.title, " · ".join(hit.meta), str(hit.snippet)) for hit in group.hits]
            for group in groups
        },
    )


def test_common_word(client, corpus):
    assert results(client, q="armoede") == COMMON


def test_common_word_one_kind_second_page(client, corpus):
    assert results(client, q="armoede", soort="nieuws", pagina=2) == COMMON_NEWS_PAGE_2


def test_rare_word(client, corpus):
    assert results(client, q="jeugdhulp") == RARE


def test_two_words(client, corpus):
    assert results(client, q="armoede wonen") == TWO_WORDS


# Pinned from the search as it was on 2026-12-02 (before it was made faster).
COMMON = (
    {"acties": 2, "agenda": 12, "documenten": 11, "nieuws": 27, "paginas": 12, "verenigingen": 13},
    {
        "acties": [
            ("Betaalbaar wonen", "TPL · mei 2026", "Wonen zonder <mark>armoede</mark>."),
            ("Armoedevrij", "NTA · april 2026", "Een actie tegen <mark>armoede</mark>."),
        ],
        "agenda": [
            (
                "Activiteit 11 over armoede",
                "TPL · 12 oktober 2026 · Hasselt",
                "Een avond over zorg en <mark>armoede</mark>. Over <mark>armoede</mark> praten. Over "
                "<mark>armoede</mark> praten. Iedereen welkom.",
            ),
            (
                "Activiteit 1 over armoede",
                "TPL · 2 oktober 2026 · Hasselt",
                "Een avond over werk en <mark>armoede</mark>. Over <mark>armoede</mark> praten. Iedereen welkom.",
            ),
            (
                "Activiteit 6 over armoede",
                "NTA · 7 oktober 2026 · Hasselt",
                "Een avond over vrije tijd. Iedereen welkom.",
            ),
            (
                "Activiteit 5",
                "TPL · 6 oktober 2026 · Hasselt",
                "Een avond over gezondheid en <mark>armoede</mark>. Over <mark>armoede</mark> praten. Over "
                "<mark>armoede</mark> praten. Iedereen welkom.",
            ),
            (
                "Activiteit 7",
                "TPL · 8 oktober 2026 · Hasselt",
                "Een avond over mobiliteit en <mark>armoede</mark>. Over <mark>armoede</mark> praten. Iedereen "
                "welkom.",
            ),
            (
                "Activiteit 13",
                "TPL · 14 oktober 2026 · Hasselt",
                "Een avond over gezondheid en <mark>armoede</mark>. Over <mark>armoede</mark> praten. Iedereen "
                "welkom.",
            ),
            (
                "Activiteit 3",
                "TPL · 4 oktober 2026 · Hasselt",
                "Een avond over zorg en <mark>armoede</mark>. Iedereen welkom.",
            ),
            (
                "Activiteit 9",
                "TPL · 10 oktober 2026 · Hasselt",
                "Een avond over werk en <mark>armoede</mark>. Iedereen welkom.",
            ),
            (
                "Activiteit 2",
                "NTA · 3 oktober 2026 · Hasselt",
                "Een avond over school. Over <mark>armoede</mark> praten. Over <mark>armoede</mark> praten. "
                "Iedereen welkom.",
            ),
            (
                "Activiteit 8",
                "NTA · 9 oktober 2026 · Hasselt",
                "Een avond over wonen. Over <mark>armoede</mark> praten. Over <mark>armoede</mark> praten. "
                "Iedereen welkom.",
            ),
        ],
        "documenten": [
            (
                "Dossier 12 armoede",
                "NTA · Beleidsdossier · 13 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over energie.",
            ),
            (
                "Dossier 8 armoede",
                "NTA · Beleidsdossier · 9 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over wonen.",
            ),
            (
                "Dossier 4 armoede",
                "NTA · Beleidsdossier · 5 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over energie.",
            ),
            (
                "Dossier 0 armoede",
                "NTA · Beleidsdossier · 1 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over wonen.",
            ),
            (
                "Dossier 13",
                "TPL · Beleidsdossier · 14 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over gezondheid.",
            ),
            (
                "Dossier 11",
                "TPL · Beleidsdossier · 12 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over zorg.",
            ),
            (
                "Dossier 9",
                "TPL · Beleidsdossier · 10 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over werk.",
            ),
            (
                "Dossier 7",
                "TPL · Beleidsdossier · 8 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over mobiliteit.",
            ),
            (
                "Dossier 5",
                "TPL · Beleidsdossier · 6 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over gezondheid.",
            ),
            (
                "Dossier 3",
                "TPL · Beleidsdossier · 4 januari 2026 · PDF, 50\xa0bytes",
                "Cijfers over <mark>armoede</mark>. Een dossier over zorg.",
            ),
        ],
        "nieuws": [
            (
                "Bericht 25 over werk en armoede",
                "TPL · 8 maart 2026",
                "… werk en <mark>armoede</mark> in de stad. Een lange zin over werk en energie in Vlaanderen.",
            ),
            (
                "Bericht 14 over vrije tijd en armoede",
                "NTA · 5 maart 2026",
                "… <mark>armoede</mark> leeft, vindt moeilijk vrije tijd. Wie in <mark>armoede</mark> leeft, "
                "vindt moeilijk vrije tijd. Een lange …",
            ),
            (
                "Bericht 3 over zorg en armoede",
                "TPL · 2 maart 2026",
                "… lange zin over zorg en vrije tijd in Vlaanderen. Wie in <mark>armoede</mark> leeft, vindt "
                "moeilijk zorg.",
            ),
            (
                "Bericht 17 over werk",
                "TPL · 6 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk werk. "
                "Wie in <mark>armoede</mark> leeft …",
            ),
            (
                "Bericht 29 over gezondheid",
                "TPL · 9 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk "
                "gezondheid. Wie in <mark>armoede</mark> leeft …",
            ),
            (
                "Bericht 9 over werk",
                "TPL · 4 maart 2026",
                "… <mark>armoede</mark> leeft, vindt moeilijk werk. Wie in <mark>armoede</mark> leeft, vindt "
                "moeilijk werk. Wie in <mark>armoede</mark> …",
            ),
            (
                "Bericht 21 over gezondheid",
                "TPL · 7 maart 2026",
                "… <mark>armoede</mark> in de stad. Een lange zin over gezondheid en wonen in Vlaanderen. Wie "
                "in <mark>armoede</mark> …",
            ),
            (
                "Bericht 1 over werk",
                "TPL · 1 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk werk. "
                "Een lange zin over …",
            ),
            (
                "Bericht 13 over gezondheid",
                "TPL · 5 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk "
                "gezondheid. Een lange zin over …",
            ),
            (
                "Bericht 5 over gezondheid",
                "TPL · 2 maart 2026",
                "… <mark>armoede</mark> in de stad. Een lange zin over gezondheid en wonen in Vlaanderen. Ook "
                "jeugdhulp …",
            ),
        ],
        "paginas": [
            (
                "Pagina 7 armoede",
                "TPL",
                "Over mobiliteit en <mark>armoede</mark> <mark>Armoede</mark> raakt iedereen. Meer over mobiliteit.",
            ),
            ("Pagina 0 armoede", "NTA", "Over wonen Meer over wonen."),
            (
                "Pagina 11",
                "TPL",
                "Over zorg en <mark>armoede</mark> <mark>Armoede</mark> raakt iedereen. <mark>Armoede</mark> "
                "raakt iedereen. Meer over zorg.",
            ),
            (
                "Pagina 5",
                "TPL",
                "Over gezondheid en <mark>armoede</mark> <mark>Armoede</mark> raakt iedereen. "
                "<mark>Armoede</mark> raakt iedereen. Meer over gezondheid.",
            ),
            (
                "Pagina 1",
                "TPL",
                "Over werk en <mark>armoede</mark> <mark>Armoede</mark> raakt iedereen. Meer over werk.",
            ),
            (
                "Pagina 13",
                "TPL",
                "Over gezondheid en <mark>armoede</mark> <mark>Armoede</mark> raakt iedereen. Meer over gezondheid.",
            ),
            ("Pagina 3", "TPL", "Over zorg en <mark>armoede</mark> Meer over zorg."),
            ("Pagina 9", "TPL", "Over werk en <mark>armoede</mark> Meer over werk."),
            (
                "Pagina 2",
                "NTA",
                "Over school <mark>Armoede</mark> raakt iedereen. <mark>Armoede</mark> raakt iedereen. Meer "
                "over school.",
            ),
            (
                "Pagina 8",
                "NTA",
                "Over wonen <mark>Armoede</mark> raakt iedereen. <mark>Armoede</mark> raakt iedereen. Meer "
                "over wonen.",
            ),
        ],
        "verenigingen": [
            (
                "Vereniging 2 Samen tegen armoede",
                "NTA · 2870 Puurs",
                "… werken rond school. <mark>Armoede</mark> is geen keuze. <mark>Armoede</mark> is geen "
                "keuze. Kom langs voor school.",
            ),
            ("Vereniging 8 Samen tegen armoede", "NTA · 2870 Puurs", "Wij werken rond wonen. Kom langs voor wonen."),
            (
                "Vereniging 3",
                "TPL · 2870 Puurs",
                "… <mark>armoede</mark>. <mark>Armoede</mark> is geen keuze. <mark>Armoede</mark> is "
                "geen keuze. <mark>Armoede</mark> is geen keuze. Kom langs …",
            ),
            (
                "Vereniging 6",
                "NTA · 2870 Puurs",
                "… tijd en <mark>armoede</mark>. <mark>Armoede</mark> is geen keuze. "
                "<mark>Armoede</mark> is geen keuze. Kom langs voor vrije tijd.",
            ),
            (
                "Vereniging 9",
                "TPL · 2870 Puurs",
                "Wij werken rond werk en <mark>armoede</mark>. <mark>Armoede</mark> is geen keuze. Kom "
                "langs voor werk.",
            ),
            (
                "Vereniging 0",
                "NTA · 2870 Puurs",
                "Wij werken rond wonen en <mark>armoede</mark>. Kom langs voor wonen.",
            ),
            (
                "Vereniging 12",
                "NTA · 2870 Puurs",
                "Wij werken rond energie en <mark>armoede</mark>. Kom langs voor energie.",
            ),
            (
                "Vereniging 11",
                "TPL · 2870 Puurs",
                "… <mark>Armoede</mark> is geen keuze. <mark>Armoede</mark> is geen keuze. "
                "<mark>Armoede</mark> is geen keuze. Kom langs voor …",
            ),
            (
                "Vereniging 7",
                "TPL · 2870 Puurs",
                "… <mark>Armoede</mark> is geen keuze. <mark>Armoede</mark> is geen keuze. "
                "<mark>Armoede</mark> is geen keuze. Kom langs voor …",
            ),
            (
                "Vereniging 10",
                "NTA · 2870 Puurs",
                "… werken rond school. <mark>Armoede</mark> is geen keuze. <mark>Armoede</mark> is geen "
                "keuze. Kom langs voor school.",
            ),
        ],
    },
)

COMMON_NEWS_PAGE_2 = (
    {"acties": 2, "agenda": 12, "documenten": 11, "nieuws": 27, "paginas": 12, "verenigingen": 13},
    {
        "acties": [],
        "agenda": [],
        "documenten": [],
        "nieuws": [
            (
                "Bericht 16 over wonen",
                "NTA · 6 maart 2026",
                "… <mark>armoede</mark> leeft, vindt moeilijk wonen. Een lange zin over wonen en zorg in "
                "Vlaanderen. Wie in <mark>armoede</mark> …",
            ),
            (
                "Bericht 11 over zorg",
                "TPL · 4 maart 2026",
                "… <mark>armoede</mark> leeft, vindt moeilijk zorg. Wie in <mark>armoede</mark> leeft, vindt "
                "moeilijk zorg. Een lange zin over …",
            ),
            (
                "Bericht 6 over vrije tijd",
                "NTA · 3 maart 2026",
                "… Vlaanderen. Wie in <mark>armoede</mark> leeft, vindt moeilijk vrije tijd. Wie in "
                "<mark>armoede</mark> leeft, vindt moeilijk vrije tijd.",
            ),
            (
                "Bericht 28 over energie",
                "NTA · 9 maart 2026",
                "… energie. Wie in <mark>armoede</mark> leeft, vindt moeilijk energie. Een lange zin over "
                "energie en mobiliteit in Vlaanderen.",
            ),
            (
                "Bericht 23 over mobiliteit",
                "TPL · 8 maart 2026",
                "… mobiliteit. Wie in <mark>armoede</mark> leeft, vindt moeilijk mobiliteit. Een lange zin "
                "over mobiliteit en school in Vlaanderen.",
            ),
            (
                "Bericht 18 over school",
                "NTA · 6 maart 2026",
                "… lange zin over school en gezondheid in Vlaanderen. Wie in <mark>armoede</mark> leeft, vindt "
                "moeilijk school.",
            ),
            (
                "Bericht 8 over wonen",
                "NTA · 3 maart 2026",
                "… wonen. Wie in <mark>armoede</mark> leeft, vindt moeilijk wonen. Een lange zin over wonen en "
                "zorg in Vlaanderen.",
            ),
        ],
        "paginas": [],
        "verenigingen": [],
    },
)

RARE = (
    {"acties": 0, "agenda": 0, "documenten": 0, "nieuws": 3, "paginas": 0, "verenigingen": 0},
    {
        "acties": [],
        "agenda": [],
        "documenten": [],
        "nieuws": [
            (
                "Bericht 30 over vrije tijd",
                "NTA · 10 maart 2026",
                "… lange zin over vrije tijd en werk in Vlaanderen. Ook <mark>jeugdhulp</mark> is een thema "
                "&amp; tag.",
            ),
            (
                "Bericht 17 over werk",
                "TPL · 6 maart 2026",
                "… moeilijk werk. Wie in armoede leeft, vindt moeilijk werk. Ook <mark>jeugdhulp</mark> is een "
                "thema &amp; tag.",
            ),
            (
                "Bericht 5 over gezondheid",
                "TPL · 2 maart 2026",
                "… stad. Een lange zin over gezondheid en wonen in Vlaanderen. Ook <mark>jeugdhulp</mark> is "
                "een thema &amp; tag.",
            ),
        ],
        "paginas": [],
        "verenigingen": [],
    },
)

TWO_WORDS = (
    {"acties": 1, "agenda": 1, "documenten": 2, "nieuws": 7, "paginas": 2, "verenigingen": 2},
    {
        "acties": [("Betaalbaar wonen", "TPL · mei 2026", "<mark>Wonen</mark> zonder <mark>armoede</mark>.")],
        "agenda": [
            (
                "Activiteit 8",
                "NTA · 9 oktober 2026 · Hasselt",
                "Een avond over <mark>wonen</mark>. Over <mark>armoede</mark> praten. Over "
                "<mark>armoede</mark> praten. Iedereen welkom.",
            )
        ],
        "documenten": [
            (
                "Dossier 8 armoede",
                "NTA · Beleidsdossier · 9 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over <mark>wonen</mark>.",
            ),
            (
                "Dossier 0 armoede",
                "NTA · Beleidsdossier · 1 januari 2026 · PDF, 50\xa0bytes",
                "Een dossier over <mark>wonen</mark>.",
            ),
        ],
        "nieuws": [
            (
                "Bericht 24 over wonen",
                "NTA · 8 maart 2026",
                "… <mark>armoede</mark> leeft, vindt moeilijk <mark>wonen</mark>. Wie in <mark>armoede</mark> "
                "leeft, vindt moeilijk <mark>wonen</mark>. Wie in <mark>armoede</mark> …",
            ),
            (
                "Bericht 16 over wonen",
                "NTA · 6 maart 2026",
                "… <mark>wonen</mark>. Wie in <mark>armoede</mark> leeft, vindt moeilijk <mark>wonen</mark>. "
                "Een lange zin over <mark>wonen</mark> en zorg …",
            ),
            (
                "Bericht 8 over wonen",
                "NTA · 3 maart 2026",
                "… <mark>wonen</mark>. Wie in <mark>armoede</mark> leeft, vindt moeilijk <mark>wonen</mark>. "
                "Een lange zin over <mark>wonen</mark> en zorg …",
            ),
            (
                "Bericht 21 over gezondheid",
                "TPL · 7 maart 2026",
                "… <mark>armoede</mark> in de stad. Een lange zin over gezondheid en <mark>wonen</mark> in "
                "Vlaanderen. Wie in <mark>armoede</mark> …",
            ),
            (
                "Bericht 29 over gezondheid",
                "TPL · 9 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk "
                "gezondheid. Wie in <mark>armoede</mark> leeft, vindt moeilijk gezondheid. Een lange zin over "
                "gezondheid en <mark>wonen</mark> …",
            ),
            (
                "Bericht 5 over gezondheid",
                "TPL · 2 maart 2026",
                "… <mark>armoede</mark> in de stad. Een lange zin over gezondheid en <mark>wonen</mark> in "
                "Vlaanderen. Ook jeugdhulp …",
            ),
            (
                "Bericht 13 over gezondheid",
                "TPL · 5 maart 2026",
                "… <mark>armoede</mark> in de stad. Wie in <mark>armoede</mark> leeft, vindt moeilijk "
                "gezondheid. Een lange zin over gezondheid en <mark>wonen</mark> …",
            ),
        ],
        "paginas": [
            ("Pagina 0 armoede", "NTA", "Over <mark>wonen</mark> Meer over <mark>wonen</mark>."),
            (
                "Pagina 8",
                "NTA",
                "Over <mark>wonen</mark> <mark>Armoede</mark> raakt iedereen. <mark>Armoede</mark> raakt "
                "iedereen. Meer over <mark>wonen</mark>.",
            ),
        ],
        "verenigingen": [
            (
                "Vereniging 8 Samen tegen armoede",
                "NTA · 2870 Puurs",
                "Wij werken rond <mark>wonen</mark>. Kom langs voor <mark>wonen</mark>.",
            ),
            (
                "Vereniging 0",
                "NTA · 2870 Puurs",
                "Wij werken rond <mark>wonen</mark> en <mark>armoede</mark>. Kom langs voor <mark>wonen</mark>.",
            ),
        ],
    },
)
