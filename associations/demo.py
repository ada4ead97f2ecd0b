"""Demo associations: 58 active ones over the three networks (7 in Brussels, 8 in Limburg), a few
former members, and the "Vereniging in beeld" story of De Schakel in Puurs; every one with weekly
opening hours, De Schakel also with its Christmas closure.

Only De Schakel is named in the networks' texts (../shared/seeds/); every other association
is made up, carries "example data" on the site, and has example contact details. De Schakel's
story is written for the demo, not by its members, so it is marked as example text: its quote
must not pass for the words of real people.

A made-up volunteer of De Schakel, `vrijwilliger@example.org`, signs in on /mijn-vereniging/ with
a code that `make run` prints on the console (mail goes there in debug).
"""

import datetime

from django.utils.text import slugify

from associations.models import Activity, Association, AssociationVolunteer, Closure, OpeningHours, Story
from network.models import Network, Theme

# (network slug, [(municipality, postcode), ...]); Puurs is De Schakel's.
PLACES = {
    "netwerk-tegen-armoede": [
        ("Antwerpen", "2000"),
        ("Borgerhout", "2140"),
        ("Deurne", "2100"),
        ("Merksem", "2170"),
        ("Hoboken", "2660"),
        ("Mechelen", "2800"),
        ("Turnhout", "2300"),
        ("Lier", "2500"),
        ("Geel", "2440"),
        ("Mol", "2400"),
        ("Boom", "2850"),
        ("Herentals", "2200"),
        ("Schoten", "2900"),
        ("Kapellen", "2950"),
        ("Gent", "9000"),
        ("Ledeberg", "9050"),
        ("Aalst", "9300"),
        ("Sint-Niklaas", "9100"),
        ("Dendermonde", "9200"),
        ("Ronse", "9600"),
        ("Eeklo", "9900"),
        ("Oudenaarde", "9700"),
        ("Lokeren", "9160"),
        ("Zele", "9240"),
        ("Brugge", "8000"),
        ("Kortrijk", "8500"),
        ("Oostende", "8400"),
        ("Roeselare", "8800"),
        ("Ieper", "8900"),
        ("Menen", "8930"),
        ("Torhout", "8820"),
        ("Waregem", "8790"),
        ("Poperinge", "8970"),
        ("Blankenberge", "8370"),
        ("Leuven", "3000"),
        ("Vilvoorde", "1800"),
        ("Tienen", "3300"),
        ("Halle", "1500"),
        ("Diest", "3290"),
        ("Aarschot", "3200"),
        ("Asse", "1730"),
        ("Zaventem", "1930"),
    ],
    "brussels-platform-armoede": [
        ("Brussel", "1000"),
        ("Anderlecht", "1070"),
        ("Sint-Jans-Molenbeek", "1080"),
        ("Schaarbeek", "1030"),
        ("Sint-Gillis", "1060"),
        ("Laken", "1020"),
        ("Vorst", "1190"),
    ],
    "trefpunt-armoede": [
        ("Hasselt", "3500"),
        ("Genk", "3600"),
        ("Sint-Truiden", "3800"),
        ("Tongeren", "3700"),
        ("Maasmechelen", "3630"),
        ("Beringen", "3580"),
        ("Lommel", "3920"),
        ("Bilzen", "3740"),
    ],
}
# Former members: listed nowhere on the site, kept for the network's own records.
FORMER = [
    ("netwerk-tegen-armoede", "Ninove", "9400"),
    ("netwerk-tegen-armoede", "Izegem", "8870"),
    ("brussels-platform-armoede", "Etterbeek", "1040"),
]

NAMES = [
    "Samen Sterk",
    "Het Praathuis",
    "Open Deur",
    "De Brug",
    "Mensen Eerst",
    "Stem van de Straat",
    "Het Anker",
    "De Ontmoeting",
]
INTROS = [
    "Mensen met armoede-ervaring uit {place} komen hier samen, steunen elkaar en spreken samen met het beleid.",
    "Een warme plek in {place} waar wie het moeilijk heeft, gehoord wordt en mee beslist.",
    "In {place} werken we samen aan betere toegang tot wonen, zorg en inkomen, vanuit wat onze leden meemaken.",
    "Samen uit het isolement: ontmoeting, vorming en actie voor en door mensen in armoede in {place}.",
]
ACTIVITIES = [
    ("Ontmoetingsmoment met koffie", "Elke dinsdag van 9.30 tot 12.00 uur", "In ons ontmoetingslokaal"),
    ("Praatgroep over wat ons bezighoudt", "Elke eerste donderdag van de maand, 13.30 uur", "In het buurthuis"),
    ("Samen koken en eten", "Elke vrijdagmiddag", "In de keuken van de vereniging"),
    ("Vorming door ervaringsdeskundigen", "Vier keer per jaar, op zaterdag", "Aangekondigd in de agenda"),
]
# Weekly hours (weekday 0 = Monday, opens, closes, what, place): a few plausible patterns, one per
# example association in turn; De Schakel has its own.
HOURS = [
    [(1, "09:30", "12:00", "Ontmoeting met koffie", ""), (3, "13:30", "16:00", "Praatgroep", "")],
    [
        (0, "13:00", "16:00", "Open huis", ""),
        (2, "09:00", "12:00", "Soep en babbel", ""),
        (4, "09:00", "12:00", "Soep en babbel", ""),
    ],
    [(1, "10:00", "14:00", "Sociaal restaurant", "Buurthuis"), (5, "10:00", "12:30", "Sociale kruidenier", "")],
    [(2, "14:00", "17:00", "Huiswerkbegeleiding", ""), (3, "09:30", "12:00", "Ontmoeting met koffie", "")],
]
DE_SCHAKEL_HOURS = [
    (1, "09:30", "12:00", "Ontmoeting met koffie", ""),
    (1, "13:30", "16:00", "Praatgroep", ""),
    (3, "09:30", "12:00", "Sociale kruidenier", "Parochiezaal, Kerkstraat 12"),
    (5, "10:00", "12:00", "Samen koken", ""),
]

THEME_SLUGS = ["onderwijs", "inkomen", "vrijetijdsparticipatie", "werk", "gezondheidszorg", "wonen"]

DE_SCHAKEL = {
    "name": "De Schakel",
    "slug": "de-schakel-puurs",
    "municipality": "Puurs",
    "postcode": "2870",
    "intro": "Vereniging waar armen het woord nemen in Puurs, in de kijker als 'Vereniging in beeld'.",
    "description": (
        "<p>In De Schakel in Puurs vinden mensen die in armoede leven elkaar. Ze praten over wat armoede met "
        "hen doet, ook vanbinnen, en brengen die ervaring naar wie beslissingen neemt.</p>"
    ),
}


def load():
    networks = {network.slug: network for network in Network.objects.all()}
    if not networks:
        return 0
    themes = [theme for slug in THEME_SLUGS if (theme := Theme.objects.filter(slug=slug).first())]
    created = 0
    schakel, new = Association.objects.get_or_create(
        slug=DE_SCHAKEL["slug"],
        defaults={
            **DE_SCHAKEL,
            "network": networks["netwerk-tegen-armoede"],
            "member_since": datetime.date(2005, 1, 1),
        },
    )
    created += new
    if new:
        _hours(schakel, DE_SCHAKEL_HOURS)
        today = datetime.date.today()
        christmas = datetime.date(today.year, 12, 24)
        Closure.objects.create(
            association=schakel,
            starts_on=christmas,
            ends_on=christmas + datetime.timedelta(days=9),
            reason="Kerstvakantie",
        )
    index = 0
    for network_slug, places in PLACES.items():
        for municipality, postcode in places:
            created += _example(networks[network_slug], municipality, postcode, index, themes, active=True)
            index += 1
    for network_slug, municipality, postcode in FORMER:
        created += _example(networks[network_slug], municipality, postcode, index, themes, active=False)
        index += 1
    _story, new = Story.objects.get_or_create(
        slug="drie-sterke-vrouwen-van-de-schakel",
        defaults={
            "association": schakel,
            "title": "Drie sterke vrouwen van De Schakel",
            "quote": "Wie het niet meemaakt, ziet niet hoe zwaar armoede op je hoofd weegt",
            "body": (
                "<p>Bij De Schakel in Puurs vertellen drie vrouwen wat leven met weinig geld met een mens doet. "
                "Niet alleen de rekeningen wegen: ook de zorgen die 's nachts blijven malen, de schaamte en het "
                "gevoel er alleen voor te staan.</p>"
                "<p>In de vereniging vonden ze mensen die dat begrijpen zonder uitleg. Samen zoeken ze "
                "oplossingen en laten ze hun stem horen, zodat wie beslist weet wat armoede echt betekent.</p>"
            ),
            "date": datetime.date(2018, 3, 1),
            "is_example": True,
        },
    )
    created += new
    _volunteer(schakel)
    return created


DEMO_VOLUNTEER = "vrijwilliger@example.org"


def _volunteer(association):
    """The demo's volunteer: no password (signs in with a mailed code), no staff flag."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user, new = get_user_model().objects.get_or_create(username=DEMO_VOLUNTEER, defaults={"email": DEMO_VOLUNTEER})
    if new:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=DEMO_VOLUNTEER, primary=True, verified=True)
    AssociationVolunteer.objects.get_or_create(user=user, association=association)


def _example(network, municipality, postcode, index, themes, *, active):
    name = f"{NAMES[index % len(NAMES)]} {municipality}"
    slug = slugify(name)
    if Association.objects.filter(slug=slug).exists():
        return 0
    association = Association(
        network=network,
        name=name,
        slug=slug,
        municipality=municipality,
        postcode=postcode,
        street_address=f"Voorbeeldstraat {index + 1}",
        intro=INTROS[index % len(INTROS)].format(place=municipality),
        description=(
            f"<p>{name} is een verzonnen vereniging: voorbeeldgegevens om de site te tonen. Echte verenigingen "
            "vertellen hier wie ze zijn, wat ze doen en hoe je kunt aansluiten.</p>"
        ),
        contact_person="Voorbeeldcontact",
        phone=f"02 000 00 {index % 100:02d}",
        email=f"{slug}@voorbeeld.example",
        is_active=active,
        is_example=True,
        member_since=datetime.date(2000 + index % 20, 1 + index % 12, 1),
    )
    association.full_clean()
    association.save()
    association.themes.set([themes[index % len(themes)], themes[(index + 2) % len(themes)]] if themes else [])
    _hours(association, HOURS[index % len(HOURS)])
    for position in range(1 + index % 2):
        what, when, where = ACTIVITIES[(index + position) % len(ACTIVITIES)]
        Activity.objects.create(association=association, what=what, when=when, where=where, position=position)
    return 1


def _hours(association, rows):
    OpeningHours.objects.bulk_create(
        OpeningHours(
            association=association,
            weekday=weekday,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
            what=what,
            place=place,
        )
        for weekday, opens, closes, what, place in rows
    )
