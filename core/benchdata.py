"""The shared machinery of `manage.py bench_data` (core/management/commands/bench_data.py).

Each app that has rows worth measuring keeps a `bench.py` with `SIZES` (its row counts at
scale 1) and `fill(bench)`; the command hands one `Bench` from app to app in INSTALLED_APPS
order, and each app reads what the earlier ones put there (the networks and themes, the
network of a postcode) and adds its own rows. This module knows no app: it holds the made-up
Dutch sentences, unique slugs, the batched INSERT and the word lists every app draws from.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

BATCH = 2_000

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


class Writer:
    """Dutch-looking sentences, paragraphs and titles from the phrases above, from a seeded random source."""

    def __init__(self, rng, themes=()):
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


@dataclass
class Bench:
    """What the apps' `fill()` share, handed from app to app in INSTALLED_APPS order.

    The fields below `writer` start empty; the app named beside each fills it for the apps after it.
    """

    scale: float
    rng: random.Random
    write: Callable[[str], object]  # one line of the command's output
    now: datetime.datetime = field(default_factory=timezone.now)
    writer: Writer = None
    networks: list = field(default_factory=list)  # network: in their order, the main network first
    themes: list = field(default_factory=list)  # network
    news_posts: list = field(default_factory=list)  # news: the posts added in this run
    network_for: Callable = None  # associations: the network of a postcode's region

    def __post_init__(self):
        self.writer = Writer(self.rng)

    def use_themes(self, themes):
        """The themes rows are linked to and texts speak of."""
        self.themes = list(themes)
        self.writer = Writer(self.rng, self.themes)

    def top_up(self, label, size, model, add):
        """Add rows with `add(bench, count)` until `model` holds `size` times the scale; report the count."""
        target = max(1, round(size * self.scale))
        before = model.objects.count()
        if before < target:
            add(self, target - before)
        self.write(f"{label}: {before} → {model.objects.count()} (target {target})")

    def some_themes(self, low=1, high=2):
        return self.rng.sample(self.themes, min(len(self.themes), self.rng.randint(low, high)))

    def moment(self, days_back, days_ahead):
        """A random moment between `days_back` days ago and `days_ahead` days from now."""
        return self.now + datetime.timedelta(seconds=self.rng.uniform(-days_back * 86_400, days_ahead * 86_400))


def bench_modules():
    """The `bench` module of every app that has one, in INSTALLED_APPS order."""
    modules = []
    for app_config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{app_config.name}.bench"))
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.bench":
                raise
    return modules


def link_themes(through, owner_field, objects_with_themes):
    """Bulk-insert the theme links of (object, themes) pairs into a many-to-many `through` model."""
    rows = [
        through(**{f"{owner_field}_id": obj.pk, "theme_id": theme.pk})
        for obj, themes in objects_with_themes
        for theme in themes
    ]
    through.objects.bulk_create(rows, batch_size=BATCH)


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
