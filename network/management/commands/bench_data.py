"""`manage.py bench_data`: the demo plus a large generated data set, for `make bench` (scripts/bench.py).

The sizes are totals, reached by topping up what the database already holds, so a second
run adds nothing: 3 networks (the demo's), 1,000 associations, 10,000 news posts, 1,000
events and 50,000 newsletter subscribers; `--scale` multiplies them (the smoke test uses
a tenth). Rows are inserted with bulk_create, which skips save() and signals, so every
field that save() derives is filled here: an association's province (from its postcode),
an event's end date and its `starts_at`/`ends_at` moments, lower-case addresses. Search
needs nothing stored: core/search.py builds its vectors in the query.

Texts are generated from Dutch phrases about the networks' themes, so search, filters and
pagination meet realistic words and lengths. Every address is at a reserved `.example`
domain; a database with real subscribers is refused.
"""

import datetime
import io
import random

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from associations.models import Activity, Association, province_for_postcode
from core.tokens import new_nonce
from events.models import EVENT_TIME_ZONE, Event
from network.models import Network, Theme
from news.models import NewsPost
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, MailingList, Subscriber, Subscription

SIZES = {"associations": 1_000, "news": 10_000, "events": 1_000, "subscribers": 50_000}
BATCH = 2_000
EXAMPLE_DOMAINS = ("example", "example.org", "example.com", "example.net")

# (municipality, postcode): Brussels goes to the Brussels platform, Limburg to Trefpunt, the rest to the main network.
PLACES = [
    ("Antwerpen", "2000"), ("Borgerhout", "2140"), ("Deurne", "2100"), ("Hoboken", "2660"), ("Mechelen", "2800"),
    ("Turnhout", "2300"), ("Lier", "2500"), ("Geel", "2440"), ("Mol", "2400"), ("Boom", "2850"),
    ("Puurs", "2870"), ("Herentals", "2200"), ("Gent", "9000"), ("Aalst", "9300"), ("Sint-Niklaas", "9100"),
    ("Dendermonde", "9200"), ("Ninove", "9400"), ("Oudenaarde", "9700"), ("Eeklo", "9900"), ("Lokeren", "9160"),
    ("Ronse", "9600"), ("Brugge", "8000"), ("Oostende", "8400"), ("Kortrijk", "8500"), ("Roeselare", "8800"),
    ("Ieper", "8900"), ("Izegem", "8870"), ("Menen", "8930"), ("Tielt", "8700"), ("Leuven", "3000"),
    ("Tienen", "3300"), ("Aarschot", "3200"), ("Vilvoorde", "1800"), ("Halle", "1500"), ("Diest", "3290"),
    ("Brussel", "1000"), ("Anderlecht", "1070"), ("Molenbeek", "1080"), ("Schaarbeek", "1030"),
    ("Etterbeek", "1040"), ("Elsene", "1050"), ("Sint-Gillis", "1060"), ("Laken", "1020"), ("Vorst", "1190"),
    ("Hasselt", "3500"), ("Genk", "3600"), ("Sint-Truiden", "3800"), ("Tongeren", "3700"), ("Beringen", "3580"),
    ("Maasmechelen", "3630"), ("Lommel", "3920"), ("Bilzen", "3740"), ("Houthalen", "3530"), ("Maaseik", "3680"),
]  # fmt: skip
ASSOCIATION_NAMES = [
    "De Schakel", "Het Vlot", "Recht-Op", "De Keeting", "'t Hoekske", "Het Open Huis", "De Brug", "Welzijnsschakel",
    "Samen Sterk", "De Zuidpool", "Ontmoetingshuis", "Eigen Kracht", "De Vonk", "Het Anker", "Den Durpel",
    "Mensen voor Mensen", "De Fakkel", "Buurtwerk", "Het Pleintje", "De Klaproos", "Straatwerk", "De Cirkel",
]  # fmt: skip
STREETS = ["Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Nieuwstraat", "Schoolstraat", "Markt",
           "Beekstraat", "Kapelstraat", "Lindelaan", "Brugstraat", "Hoogstraat"]  # fmt: skip
FIRST_NAMES = ["An", "Bart", "Chantal", "Dirk", "Els", "Fatima", "Geert", "Hilde", "Ilse", "Jan", "Karim", "Lies",
               "Marc", "Nadia", "Olivier", "Patrick", "Rita", "Sofie", "Tom", "Yasmina", "Wim", "Zeynep", "Luc",
               "Marleen", "Koen", "Ahmed", "Griet", "Joris", "Mieke", "Pieter"]  # fmt: skip
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
              "De Smet", "Dubois", "Hermans", "Aerts", "Vermeulen", "Van den Broeck", "Pauwels", "Martens",
              "Michiels", "El Amrani", "Yilmaz", "De Clercq", "Van Damme", "Segers", "Lemmens"]  # fmt: skip

SUBJECTS = ["Mensen in armoede", "De verenigingen", "Onze leden", "Ervaringsdeskundigen", "Het netwerk",
            "De werkgroep", "Vrijwilligers", "Gezinnen met een laag inkomen", "Jongeren", "Alleenstaande ouders",
            "De overleggroep", "Deelnemers aan de trefdag", "Partners uit het middenveld"]  # fmt: skip
VERBS = ["vragen aandacht voor", "bespreken", "zetten in op", "brengen in kaart", "werken aan", "pleiten voor",
         "kijken kritisch naar", "zoeken samen naar oplossingen voor", "maken werk van", "verdedigen"]  # fmt: skip
OBJECTS = ["betaalbare huisvesting", "de toegang tot gezondheidszorg", "een menswaardig inkomen",
           "de kosten van de school", "duurzaam werk", "vrije tijd voor iedereen", "de energiefactuur",
           "schuldhulpverlening", "sociale huurwoningen", "de automatische toekenning van rechten", "kinderopvang",
           "het leefloon", "toegankelijke dienstverlening", "digitale drempels", "hogere uitkeringen",
           "gezonde voeding", "goed openbaar vervoer"]  # fmt: skip
TAILS = ["in hun gemeente", "samen met het OCMW", "op het forum in Brussel", "tijdens de trefdag",
         "in overleg met de Vlaamse regering", "voor de gemeenteraadsverkiezingen", "met concrete voorstellen",
         "vanuit hun eigen ervaring", "in het nieuwe actieplan", "dicht bij huis", "zonder iemand achter te laten",
         "met de steun van het lokaal bestuur"]  # fmt: skip
QUOTES = ["Wij willen gehoord worden", "Armoede is geen keuze", "Samen staan we sterker",
          "Niemand mag uit de boot vallen", "Geef ons een plaats aan tafel",
          "Een dak boven je hoofd is een recht"]  # fmt: skip
NEWS_TITLES = [
    "{network} vraagt werk te maken van {object}", "Nieuw dossier over {object}",
    "Terugblik op de trefdag over {theme}",
    "Verenigingen in {place} praten over {object}", "Reactie op het actieplan: {object} moet beter",
    "Verenigingen brengen {object} in kaart", "Zo verliep het overleg over {theme} in {place}",
    "Vijf vragen over {object}", "Wat betekent de nieuwe regeling voor {object}?",
]  # fmt: skip
EVENT_TITLES = [
    "Trefdag over {theme}", "Vorming: {object}", "Overleggroep {theme}", "Praatcafé over {object}",
    "Infomoment over {object}", "Breed overleg", "Werkgroep {theme}", "Filmavond en gesprek over {object}",
]  # fmt: skip
EVENT_PLACES = ["Ontmoetingshuis", "Zaal De Kring", "Gemeenschapscentrum", "Buurthuis", "Stadhuis, raadzaal",
                "Lokaal van de vereniging"]  # fmt: skip
EVENT_HOURS = [
    (datetime.time(9, 30), datetime.time(12)), (datetime.time(13, 30), datetime.time(16)),
    (datetime.time(19), datetime.time(21, 30)), (datetime.time(10), datetime.time(16)),
]  # fmt: skip
ACTIVITIES = [
    ("Ontmoetingsmoment met koffie", "Elke dinsdag van 9.30 tot 12.00 uur", "In ons ontmoetingslokaal"),
    ("Praatgroep", "Elke eerste donderdag van de maand, 13.30 uur", "In het buurthuis"),
    ("Samen koken en eten", "Elke vrijdagmiddag", "In de keuken van de vereniging"),
    ("Vorming door ervaringsdeskundigen", "Vier keer per jaar, op zaterdag", ""),
    ("Huiswerkbegeleiding", "Woensdagnamiddag", "In de bibliotheek"),
]


def is_example_address(email):
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in EXAMPLE_DOMAINS or domain.endswith(tuple(f".{name}" for name in EXAMPLE_DOMAINS))


class Writer:
    """Dutch-looking sentences, paragraphs and titles from the phrases above, from a seeded random source."""

    def __init__(self, rng, themes):
        self.rng = rng
        self.themes = [theme.name.lower() for theme in themes] or ["armoede"]

    def pick(self, items):
        return self.rng.choice(items)

    def fill(self, pattern, **extra):
        values = {"object": self.pick(OBJECTS), "theme": self.pick(self.themes), "place": self.pick(PLACES)[0]}
        return pattern.format(**{**values, **extra})

    def sentence(self):
        kind = self.rng.random()
        if kind < 0.7:
            return f"{self.pick(SUBJECTS)} {self.pick(VERBS)} {self.pick(OBJECTS)} {self.pick(TAILS)}."
        if kind < 0.85:
            return f"Volgens {self.pick(SUBJECTS).lower()} is {self.pick(OBJECTS)} geen gunst maar een recht."
        return f"“{self.pick(QUOTES)}”, zegt een deelnemer uit {self.pick(PLACES)[0]}."

    def sentences(self, low, high):
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def body(self, paragraphs=(4, 7)):
        parts = [f"<p>{self.sentences(3, 5)}</p>" for _ in range(self.rng.randint(*paragraphs))]
        if self.rng.random() < 0.4:
            items = "".join(f"<li>{self.pick(OBJECTS).capitalize()}</li>" for _ in range(3))
            parts.insert(2, f"<h2>Wat vragen we?</h2><ul>{items}</ul>")
        if self.rng.random() < 0.2:
            parts.insert(1, f"<blockquote><p>{self.pick(QUOTES)}.</p></blockquote>")
        return "".join(parts)

    def person(self):
        return f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"


class Slugs:
    """Unique slugs for one model: the title's slug, a number added only when it is taken."""

    def __init__(self, model, max_length):
        self.taken = set(model.objects.values_list("slug", flat=True))
        self.max_length = max_length

    def __call__(self, text):
        base = slugify(text)[: self.max_length - 8].strip("-")
        slug, number = base, 1
        while slug in self.taken or slug.isdigit():
            number += 1
            slug = f"{base}-{number}"
        self.taken.add(slug)
        return slug


class Command(BaseCommand):
    help = (
        "Fill the database for `make bench`: the demo, then generated associations, news, events and newsletter "
        "subscribers up to 1,000 / 10,000 / 1,000 / 50,000 (times --scale). Idempotent: tops up to the totals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every size (e.g. 0.1 for a tenth).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the generated texts and choices.")

    def handle(self, *args, scale, seed, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        real = [email for email in Subscriber.objects.values_list("email", flat=True) if not is_example_address(email)]
        if real:
            raise CommandError(
                f"This database holds {len(real)} subscribers with real addresses (e.g. {real[0]}). bench_data only "
                "fills an empty, demo or benchmark database; point DATABASE_URL at a throwaway one."
            )
        call_command("load_demo", stdout=self.stdout if options["verbosity"] > 1 else io.StringIO())
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.now = timezone.now()
        self.networks = list(Network.objects.order_by("position", "pk"))
        self.themes = list(Theme.objects.all())
        if not self.networks:
            raise CommandError("No networks after load_demo: the network demo did not load.")
        self.writer = Writer(self.rng, self.themes)
        self.by_region = {network.region: network for network in self.networks}
        # The main network writes most of the news.
        self.news_weights = [3 if index == 0 else 1 for index in range(len(self.networks))]
        targets = {name: max(1, round(size * scale)) for name, size in SIZES.items()}
        self.stdout.write(f"networks: {len(self.networks)}")
        with transaction.atomic(), translation.override("nl"):
            for name, model, fill in [
                ("associations", Association, self._associations),
                ("news", NewsPost, self._news),
                ("events", Event, self._events),
                ("subscribers", Subscriber, self._subscribers),
            ]:
                before = model.objects.count()
                if before < targets[name]:
                    fill(targets[name] - before)
                self.stdout.write(f"{name}: {before} → {model.objects.count()} (target {targets[name]})")
        # Bulk inserts send no signals: pages stored in the cache before would not know about them.
        cache.clear()

    # Helpers ------------------------------------------------------------------------------

    def _network_for(self, postcode):
        """Brussels to the Brussels platform, Limburg to Trefpunt, the rest to the main network."""
        province = province_for_postcode(postcode)
        return self.by_region.get({"brussel": "brussel", "limburg": "limburg"}.get(province), self.networks[0])

    def _some_themes(self, low=1, high=2):
        return self.rng.sample(self.themes, min(len(self.themes), self.rng.randint(low, high)))

    def _link_themes(self, through, owner_field, objects_with_themes):
        rows = [
            through(**{f"{owner_field}_id": obj.pk, "theme_id": theme.pk})
            for obj, themes in objects_with_themes
            for theme in themes
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def _moment(self, days_back, days_ahead):
        """A random moment between `days_back` days ago and `days_ahead` days from now."""
        return self.now + datetime.timedelta(seconds=self.rng.uniform(-days_back * 86_400, days_ahead * 86_400))

    # Kinds --------------------------------------------------------------------------------

    def _associations(self, count):
        slugs = Slugs(Association, 160)
        rows = []
        for _ in range(count):
            municipality, postcode = self.writer.pick(PLACES)
            name = f"{self.writer.pick(ASSOCIATION_NAMES)} {municipality}"
            slug = slugs(name)
            rows.append(
                Association(
                    network=self._network_for(postcode),
                    name=name,
                    slug=slug,
                    municipality=municipality,
                    postcode=postcode,
                    province=province_for_postcode(postcode) or "",
                    street_address=f"{self.writer.pick(STREETS)} {self.rng.randint(1, 180)}",
                    intro=self.writer.sentences(1, 2)[:300],
                    description=self.writer.body((2, 4)),
                    contact_person=self.writer.person(),
                    phone=f"0{self.rng.randint(2, 9)} {self.rng.randint(200, 999)} {self.rng.randint(10, 99)} "
                    f"{self.rng.randint(10, 99)}",
                    email=f"{slug[:60]}@voorbeeld.example",
                    is_active=self.rng.random() > 0.05,
                    member_since=datetime.date(self.rng.randint(1995, 2025), self.rng.randint(1, 12), 1),
                    is_example=True,
                )
            )
        Association.objects.bulk_create(rows, batch_size=BATCH)
        activities = []
        for association in rows:
            for position, (what, when, where) in enumerate(self.rng.sample(ACTIVITIES, self.rng.randint(1, 3))):
                activities.append(
                    Activity(association=association, what=what, when=when, where=where, position=position)
                )
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        self._link_themes(Association.themes.through, "association", [(a, self._some_themes(1, 3)) for a in rows])

    def _news(self, count):
        slugs = Slugs(NewsPost, 200)
        associations = list(Association.objects.active().values_list("pk", "network_id"))
        rows = []
        for _ in range(count):
            network = self.rng.choices(self.networks, weights=self.news_weights)[0]
            title = self.writer.fill(self.writer.pick(NEWS_TITLES), network=network.short_name)
            title = title[0].upper() + title[1:]
            draft, scheduled = self.rng.random() < 0.03, self.rng.random() < 0.01
            rows.append(
                NewsPost(
                    network=network,
                    title=title,
                    slug=slugs(title),
                    status=NewsPost.Status.DRAFT if draft else NewsPost.Status.PUBLISHED,
                    publish_at=self._moment(0, 30) if scheduled else self._moment(8 * 365, 0),
                    lead=self.writer.sentences(2, 2)[:500],
                    body=self.writer.body(),
                )
            )
        NewsPost.objects.bulk_create(rows, batch_size=BATCH)
        self._link_themes(NewsPost.themes.through, "newspost", [(post, self._some_themes()) for post in rows])
        own = {}
        for pk, network_id in associations:
            own.setdefault(network_id, []).append(pk)
        links = [
            NewsPost.associations.through(newspost_id=post.pk, association_id=self.rng.choice(own[post.network_id]))
            for post in rows
            if own.get(post.network_id) and self.rng.random() < 0.2
        ]
        NewsPost.associations.through.objects.bulk_create(links, batch_size=BATCH)

    def _events(self, count):
        slugs = Slugs(Event, 200)
        today = timezone.localdate(timezone=EVENT_TIME_ZONE)
        rows = []
        for _ in range(count):
            municipality, postcode = self.writer.pick(PLACES)
            network = self._network_for(postcode)
            title = self.writer.fill(self.writer.pick(EVENT_TITLES))
            # Somewhat more behind us than ahead: the archive grows, the calendar holds the next year.
            start_date = today + datetime.timedelta(days=self.rng.randint(-3 * 365, 365))
            all_day = self.rng.random() < 0.15
            start_time, end_time = (None, None) if all_day else self.rng.choice(EVENT_HOURS)
            end_date = start_date + datetime.timedelta(days=1) if all_day and self.rng.random() < 0.2 else start_date
            format_roll = self.rng.random()
            physical, online = format_roll < 0.8, format_roll >= 0.6
            slug = slugs(f"{title} {municipality}" if physical else title)
            mode = self.rng.choices(list(Event.RegistrationMode), weights=[60, 15, 25])[0]
            status = self.rng.choices(list(Event.Status), weights=[94, 3, 3])[0]
            event = Event(
                network=network,
                title=f"{title} in {municipality}" if physical else f"{title} (online)",
                slug=slug,
                published=self.rng.random() > 0.03,
                intro=self.writer.sentences(1, 2)[:300],
                description=self.writer.body((2, 4)),
                audience=self.rng.choice(["", "Leden van de verenigingen", "Iedereen die geïnteresseerd is"]),
                start_date=start_date,
                start_time=start_time,
                end_date=end_date,
                end_time=end_time,
                place_name=self.writer.pick(EVENT_PLACES) if physical else "",
                street_address=f"{self.writer.pick(STREETS)} {self.rng.randint(1, 180)}" if physical else "",
                postcode=postcode if physical else "",
                municipality=municipality if physical else "",
                online_url=f"https://meet.voorbeeld.example/{slug}" if online else "",
                status=status,
                status_reason=""
                if status == Event.Status.SCHEDULED
                else "De spreker is ziek; we zoeken een nieuwe datum.",
                wheelchair_accessible=self.rng.random() < 0.6,
                childcare=self.rng.random() < 0.3,
                travel_costs_refunded=self.rng.random() < 0.4,
                registration_mode=mode,
                registration_url=f"https://inschrijven.voorbeeld.example/{slug}"
                if mode == Event.RegistrationMode.EXTERNAL
                else "",
                capacity=self.rng.choice([None, 20, 40, 80]) if mode == Event.RegistrationMode.FORM else None,
                is_example=True,
            )
            # What Event.save() derives: the moments in UTC from the Brussels wall-clock fields.
            event.starts_at, event.ends_at = event._moments()
            rows.append(event)
        Event.objects.bulk_create(rows, batch_size=BATCH)
        self._link_themes(Event.themes.through, "event", [(event, self._some_themes()) for event in rows])

    def _subscribers(self, count):
        """The biggest tables go in as plain INSERTs of tuples: model instances would take most of the run."""
        lists = list(MailingList.objects.order_by("pk").values_list("pk", flat=True))
        if not lists:
            raise CommandError("No mailing lists after load_demo: the newsletter demo did not load.")
        taken = set(Subscriber.objects.values_list("email", flat=True))
        adapt = connection.ops.adapt_datetimefield_value
        now = adapt(self.now)
        subscribers, chosen = [], []
        number = len(taken)
        while len(subscribers) < count:
            number += 1
            first, last = self.writer.pick(FIRST_NAMES), self.writer.pick(LAST_NAMES)
            email = f"{slugify(first)}.{slugify(last)}.{number}@voorbeeld.example"
            if email in taken:
                continue
            consented_at = self._moment(3 * 365, 0)
            confirmed_at = consented_at + datetime.timedelta(minutes=7) if self.rng.random() < 0.85 else None
            name = f"{first} {last}" if self.rng.random() < 0.8 else ""
            # What Subscriber.save() and the field defaults would give: a lower-case address, a nonce, a date.
            subscribers.append((email, name, new_nonce(), now, confirmed_at and adapt(confirmed_at)))
            two = self.rng.random() >= 0.7 and len(lists) > 1
            chosen.append((email, self.rng.sample(lists, 2 if two else 1), adapt(consented_at), confirmed_at))
        insert(Subscriber, ["email", "name", "nonce", "created_at", "confirmed_at"], subscribers)
        ids = dict(Subscriber.objects.values_list("email", "pk"))
        rows = []
        for email, mailing_lists, consented_at, confirmed_at in chosen:
            for mailing_list in mailing_lists:
                status, left = Subscription.Status.PENDING, None
                if confirmed_at:
                    status = Subscription.Status.CONFIRMED
                    if self.rng.random() < 0.05:
                        status, left = Subscription.Status.UNSUBSCRIBED, now
                confirmed = confirmed_at and adapt(confirmed_at)
                rows.append((ids[email], mailing_list, status, consented_at, now, confirmed, left))
        insert(
            Subscription,
            ["subscriber", "mailing_list", "status", "consented_at", "created_at", "confirmed_at", "unsubscribed_at"],
            rows,
            consent_version=CONSENT_VERSION,
            consent_text=str(CONSENT_TEXT),
        )


def insert(model, fields, rows, **constants):
    """INSERT `rows` (tuples of database values for `fields`, then `constants`) in batches."""
    quote = connection.ops.quote_name
    names = [*fields, *constants]
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    # Table and column names come from the model; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    extra = tuple(constants.values())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [row + extra for row in rows[start : start + BATCH]])
