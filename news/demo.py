"""Demo content of the news: the networks' posts, made-up example posts, a draft and a scheduled post.

Loaded after the network app's demo (INSTALLED_APPS order), whose networks, themes and documents
the posts use. Facts come from the networks' own web texts in ../shared/seeds/; every sentence
is written anew. Idempotent: posts are found by their slug.
"""

import datetime

from django.utils import timezone

from network.models import Document, Network, Theme
from news.models import NewsLink, NewsPost

NEWS = [
    {
        "network": "netwerk-tegen-armoede",
        "slug": "mensen-in-armoede-kijken-vooruit-naar-de-gemeenteraadsverkiezingen",
        "title": "Mensen in armoede kijken vooruit naar de gemeenteraadsverkiezingen",
        "date": datetime.datetime(2017, 12, 12, 16, 0),
        "lead": (
            "Op het Forum Lokaal Beleid zetten mensen uit de verenigingen waar armen het woord nemen hun "
            "verwachtingen voor de gemeenteraadsverkiezingen van 14 oktober 2018 op een rij."
        ),
        "body": (
            "<p>Wat een gemeente en haar OCMW beslissen, voelen mensen in armoede meteen: in hun portemonnee, "
            "hun woning, hun zorg en de school van hun kinderen. Daarom kwamen mensen uit de 59 verenigingen "
            "van het netwerk samen om ervaringen en ideeën uit te wisselen over een sterk lokaal sociaal "
            "beleid.</p>"
            "<p>Elke gemeente is anders. Toch schreven we samen een lijst met vragen en uitdagingen die overal "
            "op tafel horen, ook waar geen vereniging actief is. Ze helpt om beleid te toetsen en om concrete "
            "voorstellen te doen.</p>"
            "<p>We gebruiken de lijst ook in onze samenwerking met andere middenveldorganisaties, zoals Ieders "
            "Stem Telt, in aanloop naar de verkiezingen.</p>"
        ),
        "themes": ["inkomen", "wonen"],
        "attachments": ["Vragen en uitdagingen voor het lokaal beleid"],
    },
    {
        "network": "netwerk-tegen-armoede",
        "slug": "asielbeleid-wantrouwen-terugsturen-en-rechten-inperken",
        "title": "Asielbeleid: wantrouwen, terugsturen en rechten inperken",
        "date": datetime.datetime(2017, 11, 22, 11, 0),
        "lead": (
            "Samen met Vluchtelingenwerk Vlaanderen en negentien andere sociale bewegingen wijst het Netwerk tegen "
            "Armoede op drie grote problemen in het federale asielbeleid."
        ),
        "body": (
            "<p>De beleidsnota over asiel en migratie die nu in het parlement besproken wordt, vertrekt vanuit "
            "wantrouwen. Wat migratie onze samenleving kan bijbrengen, komt er niet in voor. Wij zien drie "
            "pijnpunten:</p>"
            "<ul><li>Een versnelde procedure voor mensen uit zogenaamd veilige landen of met een herhaalde "
            "aanvraag. Iedereen heeft recht op een grondig onderzoek van zijn vraag.</li>"
            "<li>Gezinnen met minderjarige kinderen opsluiten. Dat schendt de rechten van het kind.</li>"
            "<li>Akkoorden met landen die de mensenrechten niet respecteren.</li></ul>"
        ),
        "themes": [],
        "attachments": [],
    },
]
EXAMPLE_TOPICS = [
    ("Verenigingen praten mee over betaalbaar wonen", "wonen"),
    ("Schoolkosten blijven een drempel", "onderwijs"),
    ("Ervaringsdeskundigen geven vorming aan werkgevers", "werk"),
    ("Toegang tot de tandarts moet beter", "gezondheidszorg"),
    ("Vakantie voor wie weinig verdient", "vrijetijdsparticipatie"),
    ("Uitkeringen onder de armoedegrens", "inkomen"),
    ("Energiefacturen drukken zwaar", "wonen"),
    ("Een trefdag vol gesprekken", "gezondheidszorg"),
    ("Overleg met de OCMW's over snellere hulp", "inkomen"),
    ("Sport en cultuur dichter bij huis", "vrijetijdsparticipatie"),
]


def load():
    networks = {network.slug: network for network in Network.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    documents = {document.title: document for document in Document.objects.all()}
    created = 0
    for item in NEWS:
        post, new = NewsPost.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "network": networks[item["network"]],
                "title": item["title"],
                "lead": item["lead"],
                "body": item["body"],
                "status": NewsPost.Status.PUBLISHED,
                "publish_at": timezone.make_aware(item["date"]),
            },
        )
        if new:
            post.themes.set([themes[slug] for slug in item["themes"]])
            post.attachments.set([documents[title] for title in item["attachments"]])
        created += new
    slugs = list(networks)
    for number in range(1, 29):
        title, theme = EXAMPLE_TOPICS[number % len(EXAMPLE_TOPICS)]
        network = networks[slugs[number % len(slugs)]]
        post, new = NewsPost.objects.get_or_create(
            slug=f"voorbeeldbericht-{number}",
            defaults={
                "network": network,
                "title": f"{title} (voorbeeld {number})",
                "lead": f"Een verzonnen bericht van {network.short_name} om te tonen hoe het nieuws eruitziet.",
                "body": "<p>Dit is voorbeeldinhoud. Echte berichten vertellen hier het hele verhaal.</p>",
                "status": NewsPost.Status.PUBLISHED,
                "publish_at": timezone.make_aware(datetime.datetime(2018 + number // 4, 1 + number % 12, 10, 9, 0)),
            },
        )
        if new:
            post.themes.set([themes[theme]])
            if number == 1:
                NewsLink.objects.create(
                    post=post, label="Vlaams Actieplan Armoedebestrijding", url="https://www.vlaanderen.be/armoede"
                )
        created += new
    # One draft and one scheduled post, to show how staff preview what the public does not see yet.
    for slug, status, when in [
        ("ontwerp-een-bericht-in-de-maak", NewsPost.Status.DRAFT, timezone.now()),
        ("gepland-een-bericht-voor-later", NewsPost.Status.PUBLISHED, timezone.now() + datetime.timedelta(days=3650)),
    ]:
        _post, new = NewsPost.objects.get_or_create(
            slug=slug,
            defaults={
                "network": networks["netwerk-tegen-armoede"],
                "title": slug.replace("-", " ").capitalize(),
                "lead": "Nog niet zichtbaar voor het publiek.",
                "body": "<p>Voorbeeld.</p>",
                "status": status,
                "publish_at": when,
            },
        )
        created += new
    return created
