"""Demo calendar: last year, this year and next year, relative to today, so there are always past and
upcoming events.

The recurring events come from the networks' own texts (../shared/seeds/): the Breed BPA overleg at
least four times a year, the forum of the Netwerk tegen Armoede twice a year (which the Brussels
associations join), the trefdagen of the Limburg associations prepared by a working group, the
torch march on 17 October, the dialogue with the Limburg OCMW's (LSO), and the yearly calendar with
a digital alternative for some events. Their days, hours and rooms are chosen for the demo. Events
that do not come from those texts are made up and marked as example data, as are the registrations.
Every sentence is written for this demo. Idempotent: events are found by their slug.
"""

import calendar
import datetime

from django.utils import timezone

from events.models import EVENT_TIME_ZONE, Event, Registration
from network.models import Network, Theme

T = datetime.time


def nth_weekday(year, month, weekday, n):
    """The n-th `weekday` (0 = Monday) of a month; n = -1 for the last one."""
    days = [day for day in calendar.Calendar().itermonthdates(year, month) if day.month == month]
    matching = [day for day in days if day.weekday() == weekday]
    return matching[n - 1 if n > 0 else n]


def _meet(slug):
    return f"https://meet.example.org/{slug}"


def breed_bpa_overleg(year):
    # Four times a year, on the second Tuesday of March, June, September and December; two of them hybrid.
    for number, month in enumerate([3, 6, 9, 12], start=1):
        slug = f"breed-bpa-overleg-{year}-{month:02d}"
        yield {
            "network": "brussels-platform-armoede",
            "slug": slug,
            "title": f"Breed BPA overleg ({number}/4)",
            "intro": "De zeven Brusselse verenigingen waar armen het woord nemen zitten samen rond tafel.",
            "description": (
                "<p>Op het Breed BPA overleg brengen de zeven Brusselse verenigingen hun ervaringen samen. We "
                "bespreken wat er in de verenigingen leeft, volgen de actualiteit op en bereiden de gesprekken "
                "met de Brusselse regering, het gewest en de gemeenschapscommissies voor.</p>"
                "<p>Elke vereniging vaardigt mensen met armoede-ervaring en een begeleider af.</p>"
            ),
            "audience": "Afgevaardigden van de Brusselse verenigingen",
            "start_date": nth_weekday(year, month, 1, 2),
            "start_time": T(13, 30),
            "end_time": T(16, 30),
            "place_name": "Vergaderzaal Brussels Platform Armoede",
            "postcode": "1000",
            "municipality": "Brussel",
            "online_url": _meet(slug) if month in (6, 12) else "",
            "wheelchair_accessible": True,
            "travel_costs_refunded": True,
            "themes": [],
        }


def forum(year):
    # Twice a year; the Brussels associations join. Both with a digital alternative.
    for season, month, theme in [("voorjaar", 4, "onderwijs"), ("najaar", 11, "inkomen")]:
        slug = f"forum-netwerk-tegen-armoede-{season}-{year}"
        yield {
            "network": "netwerk-tegen-armoede",
            "slug": slug,
            "title": f"Forum van het Netwerk tegen Armoede ({season} {year})",
            "intro": (
                "Twee keer per jaar komen de verenigingen uit Vlaanderen en Brussel samen om een groot thema "
                "uit te diepen en ervaringen uit te wisselen."
            ),
            "description": (
                f"<p>Dit forum staat in het teken van {theme}. In kleine groepen vertellen deelnemers wat ze "
                "meemaken, daarna zoeken we samen naar voorstellen voor het beleid.</p>"
                "<p>Wie niet naar Brussel kan komen, volgt mee via het digitale alternatief. De Brusselse "
                "verenigingen van het BPA schuiven ook aan.</p>"
            ),
            "audience": "Mensen in armoede en begeleiders van de verenigingen",
            "start_date": nth_weekday(year, month, 5, 2),
            "start_time": T(10, 0),
            "end_time": T(16, 0),
            "place_name": "Vergadercentrum in Brussel",
            "postcode": "1000",
            "municipality": "Brussel",
            "online_url": _meet(slug),
            "wheelchair_accessible": True,
            "childcare": True,
            "travel_costs_refunded": True,
            "access_notes": "Er is een middagmaal voorzien. Vijf minuten wandelen van het station Brussel-Centraal.",
            "registration_mode": Event.RegistrationMode.FORM,
            "capacity": 120,
            "themes": [theme],
        }


def trefdagen(year):
    # The trefdagen of the Limburg associations, prepared by a working group of their delegates.
    for month, municipality, postcode in [(5, "Hasselt", "3500"), (10, "Genk", "3600")]:
        yield {
            "network": "trefpunt-armoede",
            "slug": f"trefdag-limburg-{year}-{month:02d}",
            "title": f"Trefdag van de Limburgse armoedeverenigingen in {municipality}",
            "intro": "Een dag om informatie uit te wisselen en van elkaar te leren, voorbereid door een werkgroep.",
            "description": (
                "<p>Een werkgroep met afgevaardigden uit de Limburgse verenigingen bereidde deze trefdag voor. "
                "In de voormiddag wisselen we uit in groepjes, in de namiddag brengen we alles samen.</p>"
                "<p>Dit keer praten we verder over de toegang tot de gezondheidszorg: wat loopt er mis, en wat "
                "kan beter?</p>"
            ),
            "audience": "Leden en vrijwilligers van de Limburgse armoedeverenigingen",
            "start_date": nth_weekday(year, month, 3, 3),
            "start_time": T(9, 30),
            "end_time": T(15, 30),
            "place_name": f"Ontmoetingszaal in {municipality}",
            "postcode": postcode,
            "municipality": municipality,
            "wheelchair_accessible": True,
            "childcare": month == 5,
            "travel_costs_refunded": True,
            "registration_mode": Event.RegistrationMode.FORM,
            "capacity": 80,
            "themes": ["gezondheidszorg"],
        }


def torch_march(year):
    yield {
        "network": "trefpunt-armoede",
        "slug": f"fakkeltocht-17-oktober-{year}",
        "title": f"Fakkeltocht op 17 oktober {year}",
        "intro": "Op de Werelddag van Verzet tegen Armoede trekken de Limburgse verenigingen samen de straat op.",
        "description": (
            "<p>Elk jaar op 17 oktober komen de Limburgse armoedeverenigingen samen naar buiten. Met een "
            "manifestatie en een fakkeltocht geven ze kracht aan hun beleidsaanbevelingen.</p>"
            "<p>Het Trefpunt Armoede en de Werkgroep 17 oktober organiseren de tocht. Iedereen is welkom.</p>"
        ),
        "audience": "Iedereen",
        "start_date": datetime.date(year, 10, 17),
        "start_time": T(18, 30),
        "end_time": T(21, 0),
        "place_name": "Vertrek aan het stadhuis",
        "postcode": "3500",
        "municipality": "Hasselt",
        "wheelchair_accessible": True,
        "access_notes": "De tocht is ongeveer twee kilometer lang. Fakkels zijn er ter plaatse.",
        "themes": [],
    }


def dialogue(year):
    # The structural dialogue of the Limburg OCMW's and the associations (LSO).
    yield {
        "network": "trefpunt-armoede",
        "slug": f"dialoog-lso-{year}",
        "title": f"Dialoog OCMW's en Trefpunt Armoede (LSO) {year}",
        "intro": "Afgevaardigden van de OCMW's en de armoedeverenigingen zoeken samen naar oplossingen.",
        "description": (
            "<p>In dit overleg brengen de verenigingen knelpunten in de sociale dienstverlening op tafel. "
            "Samen met de OCMW's zoeken we naar oplossingen die het verschil maken voor mensen in armoede.</p>"
        ),
        "audience": "Afgevaardigden van de OCMW's en de verenigingen",
        "start_date": nth_weekday(year, 2, 2, 2),
        "start_time": T(14, 0),
        "end_time": T(16, 0),
        "place_name": "Provinciehuis",
        "postcode": "3500",
        "municipality": "Hasselt",
        "online_url": _meet(f"dialoog-lso-{year}"),
        "wheelchair_accessible": True,
        "themes": ["inkomen"],
    }


def examples(year):
    """Made-up events, marked as example data: an online training, a full workshop, a two-day course."""
    yield {
        "network": "netwerk-tegen-armoede",
        "slug": f"vorming-werkgevers-online-{year}",
        "title": "Online vorming voor werkgevers: armoede op de werkvloer",
        "intro": "Ervaringsdeskundigen vertellen werkgevers wat armoede betekent en hoe ze er zorgzaam mee omgaan.",
        "description": (
            "<p>Hoe ga je om met een werknemer die schulden heeft of elke maand tekortkomt? In deze online "
            "vorming vertellen ervaringsdeskundigen uit de verenigingen hoe het is, en krijgen werkgevers "
            "handvatten voor een armoedegevoelig personeelsbeleid.</p>"
        ),
        "audience": "Werkgevers en HR-verantwoordelijken",
        "start_date": nth_weekday(year, 9, 3, 4),
        "start_time": T(12, 0),
        "end_time": T(13, 30),
        "online_url": _meet(f"vorming-werkgevers-{year}"),
        "registration_mode": Event.RegistrationMode.EXTERNAL,
        "registration_url": "https://www.example.org/inschrijven/vorming-werkgevers",
        "themes": ["werk"],
        "is_example": True,
    }
    yield {
        "network": "brussels-platform-armoede",
        "slug": f"overleggroep-onderwijs-{year}",
        "title": "Overleggroep onderwijs: schoolkosten",
        "intro": "De overleggroep onderwijs volgt de actualiteit op de voet; deze keer over de kosten van school.",
        "description": (
            "<p>Een kleine groep die snel kan reageren wanneer er om advies gevraagd wordt. We bekijken samen "
            "wat ouders in de verenigingen meemaken met de schoolrekening.</p>"
        ),
        "audience": "Ouders en begeleiders uit de Brusselse verenigingen",
        "start_date": nth_weekday(year, 1, 0, 3),
        "start_time": T(10, 0),
        "end_time": T(12, 0),
        "online_url": _meet(f"overleggroep-onderwijs-{year}"),
        "themes": ["onderwijs"],
        "is_example": True,
    }
    yield {
        "network": "trefpunt-armoede",
        "slug": f"workshop-budget-in-zicht-{year}",
        "title": "Workshop Budget In Zicht: grip op je facturen",
        "intro": "Een praktische workshop om schulden voor te zijn, samen met de OCMW's en CAW Limburg.",
        "description": (
            "<p>Budget In Zicht werkt aan het voorkomen van schulden. In deze workshop leer je je facturen "
            "overzichtelijk bij te houden en ontdek je waar je terechtkunt voor hulp.</p>"
        ),
        "audience": "Iedereen die met een klein budget rondkomt",
        "start_date": nth_weekday(year, 3, 2, 4),
        "start_time": T(13, 30),
        "end_time": T(16, 0),
        "place_name": "Zaaltje van een vereniging",
        "postcode": "3580",
        "municipality": "Beringen",
        "childcare": True,
        "registration_mode": Event.RegistrationMode.FORM,
        "capacity": 12,
        "themes": ["inkomen"],
        "is_example": True,
    }
    yield {
        "network": "netwerk-tegen-armoede",
        "slug": f"vormingsdagen-ervaringsdeskundigen-{year}",
        "title": "Vormingsdagen voor ervaringsdeskundigen",
        "intro": "Twee dagen vorming voor wie over armoede wil leren vertellen aan scholen en organisaties.",
        "description": (
            "<p>Je eigen verhaal vertellen vraagt moed en oefening. Op deze twee dagen oefenen we samen, met "
            "begeleiding van ervaren vormingswerkers.</p>"
        ),
        "audience": "Leden van de verenigingen",
        "start_date": nth_weekday(year, 6, 0, -1),
        "end_date": nth_weekday(year, 6, 0, -1) + datetime.timedelta(days=1),
        "place_name": "Vormingscentrum",
        "postcode": "9000",
        "municipality": "Gent",
        "wheelchair_accessible": True,
        "travel_costs_refunded": True,
        "registration_mode": Event.RegistrationMode.FORM,
        "capacity": 20,
        "themes": ["werk"],
        "is_example": True,
    }


# Made-up changes of plan, by slug pattern: one cancelled and one postponed event a year.
CHANGES = {
    "trefdag-limburg-{year}-10": (Event.Status.POSTPONED, "De zaal is niet beschikbaar. We zoeken een nieuwe datum."),
    "breed-bpa-overleg-{year}-09": (
        Event.Status.CANCELLED,
        "Te veel afgevaardigden zijn verhinderd. De punten schuiven door naar het overleg in december.",
    ),
}

# A made-up report, on last year's made-up workshop only: a report belongs to an event that is over.
EXAMPLE_REPORTS = {
    "workshop-budget-in-zicht-{year}": (
        "<h2>Wat we deden</h2>"
        "<p>Twaalf deelnemers brachten hun facturen van een maand mee. Samen maakten we een overzicht van "
        "wat vast terugkomt en wat onverwacht kwam.</p>"
        "<ul><li>Een kalender van de vaste kosten.</li><li>Waar je terechtkunt bij schulden.</li></ul>"
    ),
}

EXAMPLE_REGISTRATIONS = [
    ("Voorbeeld Annie", "annie@example.org", "Vereniging Voorbeeld Beringen", 2, True, False, False),
    ("Voorbeeld Bart", "bart@example.org", "", 1, False, True, False),
    ("Voorbeeld Chantal", "chantal@example.org", "Vereniging Voorbeeld Genk", 3, False, False, True),
    ("Voorbeeld Dirk", "dirk@example.org", "", 4, True, False, False),
    ("Voorbeeld Els", "els@example.org", "Vereniging Voorbeeld Hasselt", 2, False, False, False),
    ("Voorbeeld Fatima", "fatima@example.org", "", 2, False, True, True),
]

# Registrations of three or more people say who comes along (events.models.GROUP_REASON_FROM_PEOPLE).
GROUP_REASONS = {
    "chantal@example.org": "Twee leden van onze vereniging komen mee.",
    "dirk@example.org": "Mijn partner en onze twee kinderen.",
}


def _events(year):
    for source in (breed_bpa_overleg, forum, trefdagen, torch_march, dialogue, examples):
        yield from source(year)


def _registrations(event):
    """Example registrations on a workshop of 12 seats: full, with one on the waiting list."""
    created, taken = 0, 0
    for name, email, association, people, transport, childcare, diet in EXAMPLE_REGISTRATIONS:
        fits = taken + people <= event.capacity
        reason = GROUP_REASONS.get(email, "")
        _registration, new = Registration.objects.get_or_create(
            event=event,
            email=email,
            defaults={
                "name": name,
                "association": association,
                "people": people,
                "needs_transport": transport,
                "needs_childcare": childcare,
                "needs_diet": diet,
                "group_reason": reason,
                "status": Registration.Status.CONFIRMED if fits else Registration.Status.WAITING,
                "confirmed_at": timezone.now(),
            },
        )
        taken += people if fits else 0
        created += new
    return created


def load():
    created = 0
    networks = {network.slug: network for network in Network.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    this_year = timezone.localdate(timezone=EVENT_TIME_ZONE).year
    for year in (this_year - 1, this_year, this_year + 1):
        changes = {pattern.format(year=year): change for pattern, change in CHANGES.items()}
        reports = {pattern.format(year=year): text for pattern, text in EXAMPLE_REPORTS.items()}
        for data in _events(year):
            data = dict(data)
            theme_slugs = data.pop("themes")
            if Event.objects.filter(slug=data["slug"]).exists():
                continue
            status, reason = changes.get(data["slug"], (Event.Status.SCHEDULED, ""))
            if year < this_year:
                data["report_text"] = reports.get(data["slug"], "")
            event = Event(**{**data, "network": networks[data["network"]]}, status=status, status_reason=reason)
            event.full_clean()
            event.save()
            event.themes.set([themes[slug] for slug in theme_slugs])
            created += 1
        workshop = Event.objects.filter(slug=f"workshop-budget-in-zicht-{year}").first()
        if workshop:
            created += _registrations(workshop)
    return created
