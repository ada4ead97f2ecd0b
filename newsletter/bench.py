"""The newsletter's part of `manage.py bench_data` (core/benchdata.py): 50,000 subscribers to one or
two of the demo's lists, most of them confirmed, a few gone. Every address is at a reserved
`.example` domain, and a database that holds real subscribers is refused before anything is written.
"""

import datetime

from django.core.management.base import CommandError
from django.db import connection
from django.utils.text import slugify

from core.benchdata import FIRST_NAMES, LAST_NAMES, insert
from core.tokens import new_nonce
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, MailingList, Subscriber, Subscription

SIZES = {"subscribers": 50_000}
EXAMPLE_DOMAINS = ("example", "example.org", "example.com", "example.net")


def is_example_address(email):
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in EXAMPLE_DOMAINS or domain.endswith(tuple(f".{name}" for name in EXAMPLE_DOMAINS))


def check_database():
    """bench_data may not mix made-up subscribers with real ones, nor be pointed at a live database."""
    real = [email for email in Subscriber.objects.values_list("email", flat=True) if not is_example_address(email)]
    if real:
        raise CommandError(
            f"This database holds {len(real)} subscribers with real addresses (e.g. {real[0]}). bench_data only "
            "fills an empty, demo or benchmark database; point DATABASE_URL at a throwaway one."
        )


def fill(bench):
    bench.top_up("subscribers", SIZES["subscribers"], Subscriber, add_subscribers)


def add_subscribers(bench, count):
    """The biggest tables go in as plain INSERTs of tuples: model instances would take most of the run."""
    lists = list(MailingList.objects.order_by("pk").values_list("pk", flat=True))
    if not lists:
        raise CommandError("No mailing lists after load_demo: the newsletter demo did not load.")
    taken = set(Subscriber.objects.values_list("email", flat=True))
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(bench.now)
    subscribers, chosen = [], []
    number = len(taken)
    while len(subscribers) < count:
        number += 1
        first, last = bench.writer.pick(FIRST_NAMES), bench.writer.pick(LAST_NAMES)
        email = f"{slugify(first)}.{slugify(last)}.{number}@voorbeeld.example"
        if email in taken:
            continue
        consented_at = bench.moment(3 * 365, 0)
        confirmed_at = consented_at + datetime.timedelta(minutes=7) if bench.rng.random() < 0.85 else None
        name = f"{first} {last}" if bench.rng.random() < 0.8 else ""
        # What Subscriber.save() and the field defaults would give: a lower-case address, a nonce, a date.
        subscribers.append((email, name, new_nonce(), now, confirmed_at and adapt(confirmed_at)))
        two = bench.rng.random() >= 0.7 and len(lists) > 1
        chosen.append((email, bench.rng.sample(lists, 2 if two else 1), adapt(consented_at), confirmed_at))
    insert(Subscriber, ["email", "name", "nonce", "created_at", "confirmed_at"], subscribers)
    add_subscriptions(bench, chosen, now)


def add_subscriptions(bench, chosen, now):
    """The subscriptions of the new subscribers: (email, lists, consent moment, confirmation moment) each."""
    adapt = connection.ops.adapt_datetimefield_value
    ids = dict(Subscriber.objects.values_list("email", "pk"))
    rows = []
    for email, mailing_lists, consented_at, confirmed_at in chosen:
        for mailing_list in mailing_lists:
            status, left = Subscription.Status.PENDING, None
            if confirmed_at:
                status = Subscription.Status.CONFIRMED
                if bench.rng.random() < 0.05:
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
