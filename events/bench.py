"""The events' part of `manage.py bench_data` (core/benchdata.py): 1,000 events over three years
behind and one ahead, in the network of their place (from the associations' part), with the
moments Event.save() would derive."""

import datetime

from django.utils import timezone

from core.benchdata import BATCH, PLACES, STREETS, Slugs, link_themes
from events.models import EVENT_TIME_ZONE, Event

SIZES = {"events": 1_000}

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


def fill(bench):
    bench.top_up("events", SIZES["events"], Event, add_events)


def add_events(bench, count):
    slugs = Slugs(Event, 200)
    today = timezone.localdate(timezone=EVENT_TIME_ZONE)
    rows = []
    for _ in range(count):
        event = new_event(bench, slugs, today)
        # What Event.save() derives: the moments in UTC from the Brussels wall-clock fields.
        event.starts_at, event.ends_at = event._moments()
        rows.append(event)
    Event.objects.bulk_create(rows, batch_size=BATCH)
    link_themes(Event.themes.through, "event", [(event, bench.some_themes()) for event in rows])


def new_event(bench, slugs, today):
    rng, writer = bench.rng, bench.writer
    municipality, postcode = writer.pick(PLACES)
    title = writer.fill(writer.pick(EVENT_TITLES))
    # Somewhat more behind us than ahead: the archive grows, the calendar holds the next year.
    start_date = today + datetime.timedelta(days=rng.randint(-3 * 365, 365))
    all_day = rng.random() < 0.15
    start_time, end_time = (None, None) if all_day else rng.choice(EVENT_HOURS)
    end_date = start_date + datetime.timedelta(days=1) if all_day and rng.random() < 0.2 else start_date
    format_roll = rng.random()
    physical, online = format_roll < 0.8, format_roll >= 0.6
    slug = slugs(f"{title} {municipality}" if physical else title)
    mode = rng.choices(list(Event.RegistrationMode), weights=[60, 15, 25])[0]
    status = rng.choices(list(Event.Status), weights=[94, 3, 3])[0]
    return Event(
        network=bench.network_for(postcode),
        title=f"{title} in {municipality}" if physical else f"{title} (online)",
        slug=slug,
        published=rng.random() > 0.03,
        intro=writer.sentences(1, 2)[:300],
        description=writer.body((2, 4)),
        audience=rng.choice(["", "Leden van de verenigingen", "Iedereen die geïnteresseerd is"]),
        start_date=start_date,
        start_time=start_time,
        end_date=end_date,
        end_time=end_time,
        place_name=writer.pick(EVENT_PLACES) if physical else "",
        street_address=f"{writer.pick(STREETS)} {rng.randint(1, 180)}" if physical else "",
        postcode=postcode if physical else "",
        municipality=municipality if physical else "",
        online_url=f"https://meet.voorbeeld.example/{slug}" if online else "",
        status=status,
        status_reason="" if status == Event.Status.SCHEDULED else "De spreker is ziek; we zoeken een nieuwe datum.",
        wheelchair_accessible=rng.random() < 0.6,
        childcare=rng.random() < 0.3,
        travel_costs_refunded=rng.random() < 0.4,
        registration_mode=mode,
        registration_url=f"https://inschrijven.voorbeeld.example/{slug}"
        if mode == Event.RegistrationMode.EXTERNAL
        else "",
        capacity=rng.choice([None, 20, 40, 80]) if mode == Event.RegistrationMode.FORM else None,
        is_example=True,
    )
