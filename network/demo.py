"""Demo content of the network app: the three networks, their themes, pages, documents and funders.

Facts (names, numbers, places, dates) come from the networks' own web texts in
../shared/seeds/; every sentence is written anew. Bank accounts are example numbers
with valid check digits, not the networks' real accounts. Idempotent: objects are
found by their natural key, and files are only made for objects that are new.
"""

import datetime
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from network.models import Document, Network, Page, Partner, Theme

REVIEWED = datetime.date(2026, 9, 1)
# Pages whose facts stop earlier than REVIEWED: the legal framework knows the action plans up to the
# network's reaction to the 2020-2024 plan (2021 in the seeds), so a 2026 review would claim it is
# still complete after that plan ended.
REVIEWED_EARLIER = {("netwerk-tegen-armoede", "wettelijk-kader"): datetime.date(2021, 3, 10)}

THEMES = [
    ("Onderwijs", "onderwijs", "Betaalbare scholen, kansen voor elk kind en ouders die mee aan tafel zitten."),
    ("Inkomen", "inkomen", "Een inkomen waarmee je waardig kunt leven: uitkeringen, lonen, schulden en rechten."),
    (
        "Vrijetijdsparticipatie",
        "vrijetijdsparticipatie",
        "Cultuur, sport en vakantie voor iedereen, ook met een klein budget.",
    ),
    ("Werk", "werk", "Duurzaam en goed werk, en werkgevers die armoede begrijpen."),
    ("Gezondheidszorg", "gezondheidszorg", "Zorg die iedereen kan betalen en vinden, zonder drempels."),
    ("Wonen", "wonen", "Een betaalbare, gezonde en veilige woning als grondrecht."),
]

NETWORKS = [
    {
        "slug": "netwerk-tegen-armoede",
        "name": "Netwerk tegen Armoede",
        "short_name": "NTA",
        "region": "vlaanderen",
        "position": 0,
        "tagline": "58 verenigingen waar armen het woord nemen, in Vlaanderen en Brussel",
        "mission": (
            "<p>Wie in armoede leeft, weet als geen ander wat armoede is. Op die kennis bouwt het Netwerk tegen "
            "Armoede zijn hele werking. In 58 verenigingen waar armen het woord nemen komen mensen samen, breken "
            "ze uit hun isolement en zoeken ze samen naar antwoorden.</p>"
            "<p>Wat zij ervaren, brengen wij naar de Vlaamse regering en naar elke tafel waar over armoede "
            "beslist wordt. Niet over mensen in armoede, maar met hen.</p>"
        ),
        "brand_colour": "#b3261e",
        "email": "info@netwerktegenarmoede.be",
        "iban": "BE68539007547034",
        "bic": "GKCCBEBB",
        "beneficiary": "Netwerk tegen Armoede vzw",
        "donation_reference": 1700000001,
        "tax_certificate": True,
        "facebook_url": "https://www.facebook.com/netwerktegenarmoede",
    },
    {
        "slug": "brussels-platform-armoede",
        "name": "Brussels Platform Armoede",
        "short_name": "BPA",
        "region": "brussel",
        "position": 1,
        "parent": "netwerk-tegen-armoede",
        "tagline": "Zeven Brusselse verenigingen waar armen het woord nemen",
        "mission": (
            "<p>Het Brussels Platform Armoede verenigt zeven Brusselse verenigingen waar mensen met "
            "armoede-ervaring centraal staan. Hun kennis is de basis van alles wat we doen.</p>"
            "<p>We nemen die kennis mee naar het hele Brusselse niveau: naar lokaal overleg, maar ook naar de "
            "Brusselse regering, het gewest en de gemeenschapscommissies. Beleid tegen armoede moet samen met "
            "mensen in armoede gemaakt worden.</p>"
        ),
        "brand_colour": "#1d5a8c",
        "email": "info@brusselsplatformarmoede.be",
        "iban": "BE71096123456769",
        "bic": "GKCCBEBB",
        "beneficiary": "Brussels Platform Armoede vzw",
        "donation_reference": 1700000002,
        "tax_certificate": False,
    },
    {
        "slug": "trefpunt-armoede",
        "name": "Trefpunt Armoede",
        "short_name": "TPA",
        "region": "limburg",
        "position": 2,
        "parent": "netwerk-tegen-armoede",
        "tagline": "De Limburgse verenigingen waar armen het woord nemen",
        "mission": (
            "<p>Trefpunt Armoede brengt de Limburgse armoedeverenigingen samen. We luisteren naar wat mensen in "
            "armoede meemaken, bundelen hun voorstellen en gaan daarmee in gesprek met de OCMW's en andere "
            "diensten in de provincie.</p>"
        ),
        "brand_colour": "#2f6b2f",
        "email": "info@trefpuntarmoede.be",
        "iban": "BE43068999999501",
        "bic": "GKCCBEBB",
        "beneficiary": "Trefpunt Armoede vzw",
        "donation_reference": 1700000003,
        "tax_certificate": False,
    },
]

# (network slug, slug, title, intro, body, theme slugs)
PAGES = [
    (
        "netwerk-tegen-armoede",
        "onze-werking",
        "Onze werking",
        "Zes opdrachten, met de ervaring van mensen in armoede als vertrekpunt.",
        "<h2>De verenigingen ondersteunen</h2>"
        "<p>We verbinden de 58 verenigingen waar armen het woord nemen in Vlaanderen en Brussel. Met vorming, "
        "intervisie en ontmoeting helpen we hen sterker te worden: in hun organisatie, in hun beleidswerk en "
        "in de zes criteria die een vereniging waar armen het woord nemen kenmerken.</p>"
        "<h2>Beleidswerk</h2>"
        "<p>Voor de Vlaamse overheid zijn we de gesprekspartner over armoedebeleid. We schrijven dossiers, "
        "toetsen maatregelen op hun gevolgen voor mensen in armoede en doen aanbevelingen, aan de bevoegde "
        "ministers en in het overleg over het hele armoedebeleid. We werken vooral rond:</p>"
        "<ul><li>onderwijs</li><li>inkomen</li><li>vrijetijdsparticipatie</li><li>werk</li>"
        "<li>gezondheidszorg</li></ul>"
        "<h2>Communicatie en vorming</h2>"
        "<p>Ervaringsdeskundigen geven vorming aan mensen, organisaties en werkgevers. Zo tonen we dat armoede "
        "maatschappelijke oorzaken heeft en geen kwestie van eigen schuld is. Via de media, onze website, de "
        "nieuwsbrief en sociale media laten we zien wat leven in armoede betekent, en ook hoeveel kracht "
        "mensen in armoede hebben.</p>"
        "<h2>Samenwerken</h2>"
        "<p>We zoeken bondgenoten bij andere sociale bewegingen, want samen staan we sterker.</p>"
        "<h2>Juridische actie</h2>"
        "<p>Armoede raakt aan grondrechten, en wie rechten schendt, kan je voor de rechter brengen. Daarom "
        "zetten we ook juridische stappen en kaarten we aan waarom rechtshulp moeilijk bereikbaar is. "
        '<a href="/netwerken/netwerk-tegen-armoede/juridische-actie/">Meer over juridische actie</a></p>'
        "<h2>Werkgevers</h2>"
        "<p>We begeleiden werkgevers die in hun personeelsbeleid rekening willen houden met armoede, en "
        "denken met bedrijven na over producten die mensen in armoede echt verder helpen. "
        '<a href="/netwerken/netwerk-tegen-armoede/werkgevers/">Meer over ons werk met werkgevers</a></p>',
        ["onderwijs", "inkomen", "vrijetijdsparticipatie", "werk", "gezondheidszorg"],
    ),
    (
        "netwerk-tegen-armoede",
        "wettelijk-kader",
        "Wettelijk kader",
        "Het Vlaams Actieplan Armoedebestrijding en wat wij ervan vinden.",
        "<p>De Vlaamse regering legt haar armoedebeleid vast in het Vlaams Actieplan Armoedebestrijding. "
        "Elke minister staat in voor de doelstellingen in zijn of haar domein en moet erover rapporteren.</p>"
        "<h2>Actieplan 2015-2019</h2>"
        "<p>Op 3 juli 2015 keurde de regering het plan voor 2015-2019 goed. Het werd samen met betrokkenen "
        "opgesteld en wil een levend instrument zijn. Het bevat doelen voor elk sociaal grondrecht: "
        "participatie, maatschappelijke dienstverlening, inkomen, gezin, onderwijs, vrije tijd, werk, wonen "
        "en gezondheid. Onze evaluatie van dat plan staat bij de documenten.</p>"
        "<h2>Actieplan 2020-2024</h2>"
        "<p>Op het plan van 2015-2019 volgde het Vlaams Actieplan Armoedebestrijding 2020-2024. De Vlaamse "
        "overheid publiceert het op haar website over armoedebestrijding; onze reactie erop staat eveneens "
        "bij de documenten.</p>",
        ["inkomen", "wonen"],
    ),
    (
        "netwerk-tegen-armoede",
        "juridische-actie",
        "Juridische actie",
        "Armoede schendt grondrechten, en daar kun je voor naar de rechter.",
        "<p>Recht op een waardig inkomen, een betaalbare woning, zorg, werk en onderwijs: wie in armoede "
        "leeft, ziet die rechten vaak geschonden. Daarom zetten we ook juridische stappen.</p>"
        "<ul><li>We komen op voor de grondrechten van mensen in armoede voor de rechtbank. We zijn erkend om "
        "class actions te starten rond consumentenrecht.</li>"
        "<li>We brengen in kaart waar mensen botsen wanneer ze juridische hulp nodig hebben. Die hulp is de "
        "jongste jaren duurder en ingewikkelder geworden.</li></ul>",
        ["inkomen"],
    ),
    (
        "netwerk-tegen-armoede",
        "werkgevers",
        "Werkgevers",
        "Coaching voor werkgevers die een armoedegevoelig personeelsbeleid willen voeren.",
        "<p>Werknemers met geldzorgen, schulden of sociale problemen: hoe ga je daar als werkgever goed mee "
        "om? Dat is in het belang van iedereen. We begeleiden werkgevers op maat, van een korte scan tot een "
        "volledig traject, zodat kwetsbare werknemers aan de slag kunnen en blijven.</p>"
        "<p>We praten ook graag met bedrijven over producten en diensten die echt bruikbaar zijn voor mensen "
        "in armoede.</p>",
        ["werk"],
    ),
    (
        "brussels-platform-armoede",
        "onze-werking",
        "Onze werking",
        "Hoe zeven Brusselse verenigingen samen beleid beïnvloeden.",
        "<p>Beleid tegen armoede wordt nog te vaak gemaakt zonder de mensen over wie het gaat. Wij helpen de "
        "verenigingen bij hun beleidswerk en betrekken mensen in armoede bij al onze acties en standpunten.</p>"
        "<h2>Breed BPA overleg</h2>"
        "<p>Minstens vier keer per jaar komen de zeven Brusselse verenigingen samen in het Breed BPA overleg.</p>"
        "<h2>Overleggroepen</h2>"
        "<p>Kleinere groepen volgen één thema op de voet, zoals onderwijs of vrijetijdsparticipatie. Zo "
        "kunnen we snel advies geven of zelf actie voeren.</p>"
        "<h2>Samen met het Vlaamse netwerk</h2>"
        "<p>Twee keer per jaar nemen de Brusselse verenigingen deel aan het forum van het Netwerk tegen "
        "Armoede, waar grote thema's uitgediept worden.</p>",
        ["onderwijs", "vrijetijdsparticipatie"],
    ),
    (
        "trefpunt-armoede",
        "wat-doen-we",
        "Wat doen we",
        "Beleidswerk, trefdagen, overleg met de OCMW's, de 17 oktober-actie en bezoeken aan de verenigingen.",
        "<h2>Beleidswerk</h2>"
        "<p>In praatsessies vertellen leden van de Limburgse verenigingen waar ze botsen in de gezondheidszorg. "
        "Hun voorstellen bundelen we in een beleidsdossier, waarmee we het gesprek aangaan.</p>"
        "<h2>Trefdagen</h2>"
        "<p>Op trefdagen wisselen de verenigingen informatie uit en leren ze van elkaar. Een werkgroep met "
        "mensen uit de verenigingen bereidt ze voor.</p>"
        "<h2>Dialoog met de OCMW's</h2>"
        "<p>Samen met het Limburgs Steunpunt OCMW's (LSO) overleggen we geregeld met afgevaardigden van de "
        "OCMW's en de verenigingen over wat misloopt in de sociale dienstverlening.</p>"
        "<h2>Budget In Zicht</h2>"
        "<p>Met de Limburgse OCMW's en CAW Limburg werken we in Budget In Zicht aan het voorkomen van "
        "schulden en aan schuldhulp die toegankelijk is.</p>"
        "<h2>17 oktober</h2>"
        "<p>Op de Werelddag van Verzet tegen Armoede trekken de Limburgse verenigingen samen de straat op, "
        "met een fakkeltocht die onze aanbevelingen kracht bijzet.</p>"
        "<h2>Op pad bij de verenigingen</h2>"
        "<p>We gaan geregeld langs bij de verenigingen zelf. "
        '<a href="/netwerken/trefpunt-armoede/op-pad-bij-de-verenigingen/">Waarom we op pad gaan</a></p>',
        ["gezondheidszorg", "inkomen"],
    ),
    (
        "trefpunt-armoede",
        "op-pad-bij-de-verenigingen",
        "Op pad bij de verenigingen",
        "Waarom we de Limburgse verenigingen geregeld bezoeken, en wat organisaties daaraan hebben.",
        "<p>Een koepel moet weten wat er leeft bij zijn leden. Daarom trekken we naar de Limburgse "
        "verenigingen zelf: we zien wat ze doen, horen hoe ze naar armoede en de thema's errond kijken, en "
        "halen hen zo veel mogelijk mee in de acties van Trefpunt Armoede.</p>"
        "<h2>Voor welzijnsorganisaties</h2>"
        "<p>Wat we onderweg leren, delen we met welzijnsorganisaties. We vertellen hen wat de verenigingen "
        "allemaal aanbieden, waarom ze zo belangrijk zijn voor mensen in een kwetsbare situatie, en wat ze "
        "voor de organisaties zelf kunnen betekenen.</p>",
        [],
    ),
]

# (network slug, name, kind, url, attribution)
PARTNERS = [
    (
        "netwerk-tegen-armoede",
        "Vlaanderen",
        "funder",
        "https://www.vlaanderen.be/",
        "Erkend en gesteund door de Vlaamse overheid.",
    ),
    (
        "netwerk-tegen-armoede",
        "Koning Boudewijnstichting",
        "funder",
        "https://kbs-frb.be/",
        "Met de steun van de Koning Boudewijnstichting.",
    ),
    ("netwerk-tegen-armoede", "CERA", "funder", "https://www.cera.coop/", "Met de steun van Cera."),
    (
        "netwerk-tegen-armoede",
        "ESF",
        "funder",
        "https://www.esf-vlaanderen.be/",
        "Met de steun van het Europees Sociaal Fonds.",
    ),
    ("trefpunt-armoede", "CAW Limburg", "partner", "https://www.caw.be/", "Partner in Budget In Zicht."),
]


def _png(text, colour, size=(480, 160)):
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, size[1] - 1, size[1] - 1], fill=colour)
    draw.text((size[1] + 16, size[1] // 2), text, fill="#1b1b1b", anchor="lm", font_size=40)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _square_logo(text, colour):
    image = Image.new("RGB", (192, 192), colour)
    ImageDraw.Draw(image).text((96, 96), text, fill="white", anchor="mm", font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _svg(text, colour):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160" viewBox="0 0 480 160">'
        f'<rect width="160" height="160" fill="{colour}"/>'
        f'<text x="176" y="92" font-family="sans-serif" font-size="40" fill="#1b1b1b">{text}</text></svg>'
    ).encode()


def _eps(text, colour):
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (
        "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 480 160\n"
        f"{red:.3f} {green:.3f} {blue:.3f} setrgbcolor 0 0 160 160 rectfill\n"
        f"0.1 0.1 0.1 setrgbcolor /Helvetica findfont 40 scalefont setfont 176 64 moveto ({text}) show\n"
        "showpage\n%%EOF\n"
    ).encode()


def _pdf(title, lines):
    """A small, valid one-page PDF with a title and some lines of text."""

    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")

    stream = b"BT /F1 18 Tf 72 770 Td (" + escape(title) + b") Tj /F1 11 Tf"
    for line in lines:
        stream += b" 0 -24 Td (" + escape(line) + b") Tj"
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


# (network slug, title, kind, date, file name, content maker, theme slugs)
DOCUMENTS = [
    (
        "netwerk-tegen-armoede",
        "Vragen en uitdagingen voor het lokaal beleid",
        "dossier",
        datetime.date(2017, 12, 12),
        "checklist-lokaal-beleid.pdf",
        lambda: _pdf("Checklist lokaal beleid", ["Geschreven met de verenigingen op het Forum Lokaal Beleid."]),
        ["inkomen", "wonen", "gezondheidszorg", "onderwijs"],
    ),
    (
        "netwerk-tegen-armoede",
        "Evaluatie van het Vlaams Actieplan Armoedebestrijding 2015-2019",
        "standpunt",
        datetime.date(2019, 11, 15),
        "evaluatie-vapa-2015-2019.pdf",
        lambda: _pdf("Evaluatie VAPA 2015-2019", ["Voorbeelddocument van de demo-inhoud."]),
        ["inkomen"],
    ),
    (
        "netwerk-tegen-armoede",
        "Reactie op het Vlaams Actieplan Armoedebestrijding 2020-2024",
        "standpunt",
        datetime.date(2021, 3, 10),
        "reactie-vapa-2020-2024.pdf",
        lambda: _pdf("Reactie VAPA 2020-2024", ["Voorbeelddocument van de demo-inhoud."]),
        ["inkomen", "wonen"],
    ),
    (
        "netwerk-tegen-armoede",
        "Jaarkalender 2021",
        "verslag",
        datetime.date(2021, 1, 15),
        "jaarkalender-2021.pdf",
        lambda: _pdf("Jaarkalender 2021", ["Activiteiten gaan liefst fysiek door, anders digitaal."]),
        [],
    ),
    (
        "trefpunt-armoede",
        "Beleidsdossier toegang tot de gezondheidszorg",
        "dossier",
        datetime.date(2020, 6, 1),
        "beleidsdossier-gezondheidszorg.pdf",
        lambda: _pdf("Beleidsdossier gezondheidszorg", ["Voorstellen van de Limburgse verenigingen."]),
        ["gezondheidszorg"],
    ),
]


def _logo_documents(network):
    text, colour = network.short_name, network.brand_colour
    return [
        (f"Logo {network.name} (PNG)", f"logo-{network.slug}.png", lambda: _png(text, colour)),
        (f"Logo {network.name} (SVG)", f"logo-{network.slug}.svg", lambda: _svg(text, colour)),
        (f"Logo {network.name} (EPS)", f"logo-{network.slug}.eps", lambda: _eps(text, colour)),
    ]


def load():
    created = 0
    for position, (name, slug, description) in enumerate(THEMES):
        _theme, new = Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        created += new
    networks = {}
    for data in NETWORKS:
        data = dict(data)
        parent = data.pop("parent", None)
        network, new = Network.objects.get_or_create(
            slug=data.pop("slug"), defaults={**data, "parent": networks.get(parent)}
        )
        if new:
            network.logo = ContentFile(
                _square_logo(network.short_name, network.brand_colour), name=f"{network.slug}.png"
            )
            network.logo_alt = network.name
            network.full_clean()
            network.save()
        networks[network.slug] = network
        created += new
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for position, (network_slug, slug, title, intro, body, theme_slugs) in enumerate(PAGES):
        page, new = Page.objects.get_or_create(
            network=networks[network_slug],
            slug=slug,
            defaults={
                "title": title,
                "intro": intro,
                "body": body,
                "position": position,
                "last_reviewed": REVIEWED_EARLIER.get((network_slug, slug), REVIEWED),
            },
        )
        if new:
            page.themes.set([themes[s] for s in theme_slugs])
        created += new
    for position, (network_slug, name, kind, url, attribution) in enumerate(PARTNERS):
        partner, new = Partner.objects.get_or_create(
            network=networks[network_slug],
            name=name,
            defaults={"kind": kind, "url": url, "attribution": attribution, "position": position},
        )
        if new:
            partner.logo = ContentFile(_png(name, "#6b6b6b"), name=f"{name.lower().replace(' ', '-')}.png")
            partner.logo_alt = name
            partner.save()
        created += new
    for network_slug, title, kind, date, file_name, content, theme_slugs in DOCUMENTS:
        created += _document(
            networks[network_slug], title, kind, date, file_name, content, [themes[s] for s in theme_slugs]
        )
    for network in networks.values():
        for title, file_name, content in _logo_documents(network):
            created += _document(network, title, "logo", REVIEWED, file_name, content, [])
    return created


def _document(network, title, kind, date, file_name, content, themes):
    if Document.objects.filter(network=network, title=title).exists():
        return 0
    document = Document(network=network, title=title, kind=kind, date=date, published=True)
    document.file.save(file_name, ContentFile(content()), save=False)
    document.save()
    document.themes.set(themes)
    return 1
