"""Demo campaigns: #lokaalsociaal of Netwerk tegen Armoede (2017-2018, from the seeds) and one
running example campaign of Trefpunt Armoede with dates relative to today, so the demo always
shows a campaign that collects signatures. Faces, signers and the example campaign are fictional."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from campaigns.models import Campaign, CampaignDocument, Face, KeyDate, Signature
from network.models import Document, Network, Theme
from news.models import NewsPost

LOKAALSOCIAAL_BODY = """
<p>Gemeenten en OCMW's staan het dichtst bij de mensen. Zij kunnen armoede en sociale uitsluiting
elke dag terugdringen, op het terrein. Daarom trok het Netwerk tegen Armoede in de aanloop naar de
gemeenteraadsverkiezingen van 14 oktober 2018 en de Werelddag van Verzet tegen Armoede op 17 oktober
met <strong>#lokaalsociaal</strong> naar de lokale politiek.</p>
<h2>Wat we vroegen</h2>
<ul>
<li>Ken rechten zoveel mogelijk automatisch toe, en zoek mensen zelf op
in plaats van te wachten tot ze aankloppen.</li>
<li>Investeer in woningen die mensen met een klein inkomen kunnen betalen.</li>
<li>Maak de dokter, de tandarts en de apotheek bereikbaar voor iedereen.</li>
<li>Help de kosten van school omlaag te krijgen.</li>
<li>Open cultuur, sport en vrije tijd voor gezinnen die elke euro moeten omdraaien.</li>
</ul>
<p>De verenigingen waar armen het woord nemen schreven op het Forum Lokaal Beleid van 12 december 2017
samen een checklist met vragen en uitdagingen voor elke gemeente. Ook waar geen vereniging actief is,
kan iedereen er het beleid mee toetsen en voorstellen doen.</p>
<p><em>De vijf gezichten en de ondertekenaars op deze demosite zijn verzonnen voorbeelden.</em></p>
"""

FACES = [
    (
        "Rita",
        "Gent",
        "Toen ik mijn studietoelage niet aanvroeg, wist ik niet eens dat ze bestond. "
        "Laat de gemeente ons opzoeken in plaats van andersom.",
    ),
    (
        "Mohamed",
        "Antwerpen",
        "Ik betaal de helft van mijn inkomen aan huur voor een vochtig appartement. "
        "Een betaalbare, gezonde woning is geen luxe.",
    ),
    (
        "Ann",
        "Hasselt",
        "Ik stelde de tandarts jaren uit. Zorg mag niet afhangen van wat er op het einde van de maand overblijft.",
    ),
    (
        "Pieter",
        "Oostende",
        "Elke schooluitstap is een rekensom. Mijn kinderen willen gewoon meedoen, net als de anderen.",
    ),
    (
        "Fatma",
        "Genk",
        "Met de vrijetijdspas gingen we voor het eerst samen naar het zwembad. "
        "Zulke kleine dingen maken het verschil.",
    ),
]

# Fictional signers: (first name, place) for the tally of #lokaalsociaal.
LOKAALSOCIAAL_PLACES = [
    "Gent",
    "Antwerpen",
    "Leuven",
    "Brugge",
    "Hasselt",
    "Genk",
    "Mechelen",
    "Aalst",
    "Kortrijk",
    "Oostende",
    "Sint-Niklaas",
    "Turnhout",
    "Puurs",
    "Brussel",
]
FIRST_NAMES = ["An", "Bart", "Chloé", "Dirk", "Els", "Farid", "Greet", "Hanne", "Ilse", "Jan", "Karim", "Lotte"]
LIMBURG_PLACES = ["Hasselt", "Genk", "Sint-Truiden", "Tongeren", "Maasmechelen", "Beringen", "3500", "Lommel"]


def _portrait(initial, colour):
    image = Image.new("RGB", (480, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse([150, 70, 330, 250], fill="#f4f1ea")
    draw.rounded_rectangle([90, 270, 390, 480], radius=90, fill="#f4f1ea")
    draw.text((240, 160), initial, fill=colour, anchor="mm", font_size=96)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _signatures(campaign, places, count, confirmed_from, pending=0):
    """`count` confirmed fictional signatures spread over `places`, and `pending` unconfirmed ones."""
    if campaign.signatures.exists():
        return 0
    signatures = []
    for number in range(count + pending):
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {chr(65 + number % 26)}."
        confirmed_at = None
        if number < count:
            confirmed_at = confirmed_from + datetime.timedelta(hours=7 * number + 3)
        signatures.append(
            Signature(
                campaign=campaign,
                name=name,
                place=places[(number * 7) % len(places) if number % 3 else 0],
                email=f"voorbeeld-{campaign.slug}-{number}@example.org",
                show_name=number % 4 != 1,
                consent_text=campaign.consent_text,
                confirmed_at=confirmed_at,
            )
        )
    Signature.objects.bulk_create(signatures)
    return len(signatures)


def _lokaalsociaal():
    network = Network.objects.get(slug="netwerk-tegen-armoede")
    campaign, created = Campaign.objects.get_or_create(
        slug="lokaalsociaal",
        defaults={
            "network": network,
            "title": "Lokaal sociaal: een gemeente die armoede aanpakt",
            "hashtag": "lokaalsociaal",
            "starts_on": datetime.date(2017, 12, 12),
            "ends_on": datetime.date(2018, 10, 17),
            "is_published": True,
            "intro": (
                "Op weg naar de gemeenteraadsverkiezingen van 14 oktober 2018 vroegen mensen in armoede "
                "hun gemeente en OCMW om werk te maken van een sterk lokaal sociaal beleid."
            ),
            "body": LOKAALSOCIAAL_BODY,
            "call_to_action": "Toets het beleid van je gemeente aan onze checklist.",
        },
    )
    if not created:
        return 0
    new = 1
    campaign.themes.set(Theme.objects.filter(slug__in=["inkomen", "wonen", "gezondheidszorg", "onderwijs"]))
    for label, date in [
        ("Forum Lokaal Beleid: de verenigingen schrijven hun checklist", datetime.date(2017, 12, 12)),
        ("Gemeenteraadsverkiezingen", datetime.date(2018, 10, 14)),
        ("Werelddag van Verzet tegen Armoede", datetime.date(2018, 10, 17)),
    ]:
        KeyDate.objects.create(campaign=campaign, label=label, date=date)
        new += 1
    colours = ["#1d5a8c", "#7a3e9d", "#2b7a3d", "#a4161a", "#8a5a00"]
    for position, (name, place, quote) in enumerate(FACES):
        face = Face(
            campaign=campaign,
            name=name,
            role=f"{place} (voorbeeld)",
            quote=quote,
            photo_alt=f"Getekend portret met de initiaal van {name}.",
            consent_recorded=True,
            consent_recorded_on=datetime.date(2018, 3, 1 + position),
            position=position,
        )
        face.photo = ContentFile(_portrait(name[0], colours[position]), name=f"gezicht-{name.lower()}.png")
        face.save()
        new += 1
    checklist = Document.objects.filter(network=network, title__icontains="lokaal beleid").first()
    if checklist:
        CampaignDocument.objects.create(campaign=campaign, document=checklist, version="1.0")
        new += 1
    NewsPost.objects.filter(slug="mensen-in-armoede-kijken-vooruit-naar-de-gemeenteraadsverkiezingen").update(
        campaign=campaign
    )
    confirmed_from = timezone.make_aware(datetime.datetime(2018, 3, 1, 9, 0))
    return new + _signatures(campaign, LOKAALSOCIAAL_PLACES, 64, confirmed_from, pending=3)


def _running_example():
    network = Network.objects.get(slug="trefpunt-armoede")
    today = timezone.localdate()
    campaign, created = Campaign.objects.get_or_create(
        slug="zorg-voor-iedereen",
        defaults={
            "network": network,
            "title": "Zorg voor iedereen in Limburg",
            "hashtag": "zorgvooriedereen",
            "starts_on": today - datetime.timedelta(days=40),
            "ends_on": today + datetime.timedelta(days=80),
            "is_published": True,
            "is_example": True,
            "intro": (
                "Voorbeeldactie: uit de praatsessies in de Limburgse verenigingen blijkt hoe vaak mensen zorg "
                "uitstellen. Teken mee en vraag de Limburgse OCMW's om de drempels weg te werken."
            ),
            "body": (
                "<p>In de praatsessies van Trefpunt Armoede vertelden deelnemers hoe ze de huisarts, de tandarts "
                "of een bril uitstellen omdat de rekening te zwaar weegt. Hun verhalen vormen een beleidsdossier "
                "over de toegang tot de gezondheidszorg.</p>"
                "<p>Met je handtekening steun je de vragen uit dat dossier, die we op het structureel overleg "
                "met de Limburgse OCMW's op tafel leggen.</p>"
                "<p><em>Dit is een verzonnen voorbeeldactie op de demosite.</em></p>"
            ),
            "call_to_action": "Teken mee voor betaalbare zorg in elke Limburgse gemeente.",
        },
    )
    if not created:
        return 0
    campaign.themes.set(Theme.objects.filter(slug="gezondheidszorg"))
    for label, days in [
        ("Start van de actie", -40),
        ("Trefdag over de toegang tot zorg", 20),
        ("We overhandigen de handtekeningen aan de OCMW's", 80),
    ]:
        KeyDate.objects.create(campaign=campaign, label=label, date=today + datetime.timedelta(days=days))
    confirmed_from = timezone.now() - datetime.timedelta(days=35)
    return 4 + _signatures(campaign, LIMBURG_PLACES, 18, confirmed_from, pending=2)


def load():
    return _lokaalsociaal() + _running_example()
