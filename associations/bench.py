"""The associations' part of `manage.py bench_data` (core/benchdata.py): 1,000 associations across
Flanders and Brussels with their activities and themes; the news posts of this run that name one;
and the network of a postcode for the apps after it (events)."""

import datetime
import functools

from associations.models import Activity, Association, province_for_postcode
from core.benchdata import BATCH, PLACES, STREETS, Slugs, link_themes
from news.models import NewsPost

SIZES = {"associations": 1_000}

ASSOCIATION_NAMES = [
    "De Schakel", "Het Vlot", "Recht-Op", "De Keeting", "'t Hoekske", "Het Open Huis", "De Brug", "Welzijnsschakel",
    "Samen Sterk", "De Zuidpool", "Ontmoetingshuis", "Eigen Kracht", "De Vonk", "Het Anker", "Den Durpel",
    "Mensen voor Mensen", "De Fakkel", "Buurtwerk", "Het Pleintje", "De Klaproos", "Straatwerk", "De Cirkel",
]  # fmt: skip
ACTIVITIES = [
    ("Ontmoetingsmoment met koffie", "Elke dinsdag van 9.30 tot 12.00 uur", "In ons ontmoetingslokaal"),
    ("Praatgroep", "Elke eerste donderdag van de maand, 13.30 uur", "In het buurthuis"),
    ("Samen koken en eten", "Elke vrijdagmiddag", "In de keuken van de vereniging"),
    ("Vorming door ervaringsdeskundigen", "Vier keer per jaar, op zaterdag", ""),
    ("Huiswerkbegeleiding", "Woensdagnamiddag", "In de bibliotheek"),
]


def fill(bench):
    bench.network_for = functools.partial(network_for, bench.networks)
    bench.top_up("associations", SIZES["associations"], Association, add_associations)
    link_news(bench, bench.news_posts)


def network_for(networks, postcode):
    """Brussels to the Brussels platform, Limburg to Trefpunt, the rest to the main network (the first)."""
    by_region = {network.region: network for network in networks}
    province = province_for_postcode(postcode)
    return by_region.get({"brussel": "brussel", "limburg": "limburg"}.get(province), networks[0])


def add_associations(bench, count):
    slugs = Slugs(Association, 160)
    rng, writer = bench.rng, bench.writer
    rows = []
    for _ in range(count):
        municipality, postcode = writer.pick(PLACES)
        name = f"{writer.pick(ASSOCIATION_NAMES)} {municipality}"
        slug = slugs(name)
        rows.append(
            Association(
                network=bench.network_for(postcode),
                name=name,
                slug=slug,
                municipality=municipality,
                postcode=postcode,
                # What Association.save() derives from the postcode.
                province=province_for_postcode(postcode) or "",
                street_address=f"{writer.pick(STREETS)} {rng.randint(1, 180)}",
                intro=writer.sentences(1, 2)[:300],
                description=writer.body((2, 4)),
                contact_person=writer.person(),
                phone=f"0{rng.randint(2, 9)} {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                email=f"{slug[:60]}@voorbeeld.example",
                is_active=rng.random() > 0.05,
                member_since=datetime.date(rng.randint(1995, 2025), rng.randint(1, 12), 1),
                is_example=True,
            )
        )
    for association in rows:
        association.place_on_map()  # what save() does, which bulk_create skips: the map and near me need it
    Association.objects.bulk_create(rows, batch_size=BATCH)
    activities = [
        Activity(association=association, what=what, when=when, where=where, position=position)
        for association in rows
        for position, (what, when, where) in enumerate(rng.sample(ACTIVITIES, rng.randint(1, 3)))
    ]
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    link_themes(Association.themes.through, "association", [(a, bench.some_themes(1, 3)) for a in rows])


def link_news(bench, posts):
    """One in five new posts names an active association of its own network."""
    own = {}
    for pk, network_id in Association.objects.active().values_list("pk", "network_id"):
        own.setdefault(network_id, []).append(pk)
    links = [
        NewsPost.associations.through(newspost_id=post.pk, association_id=bench.rng.choice(own[post.network_id]))
        for post in posts
        if own.get(post.network_id) and bench.rng.random() < 0.2
    ]
    NewsPost.associations.through.objects.bulk_create(links, batch_size=BATCH)
