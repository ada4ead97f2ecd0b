"""`manage.py bench_data`: the demo plus a large generated data set, for `make bench` (scripts/bench.py).

Each app adds its part from its own `bench.py` (core/benchdata.py), in INSTALLED_APPS order:
network reads the demo's networks and themes, then come the news (10,000 posts), associations
(1,000), events (1,000) and newsletter subscribers (50,000). The sizes are totals, reached by
topping up what the database already holds, so a second run adds nothing; `--scale`
multiplies them (the smoke test uses a tenth). Rows are inserted with bulk_create, which skips
save() and signals, so every app fills the fields its save() derives. Search needs nothing
stored: core/search.py builds its vectors in the query.

An app's bench module may refuse the database before anything is written (`check_database()`):
the newsletter refuses one with real subscribers.
"""

import io
import random

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from core.benchdata import Bench, bench_modules

# Every app's row counts at scale 1 (its `bench.SIZES`), e.g. {"news": 10_000, ...}.
SIZES = {name: size for module in bench_modules() for name, size in module.SIZES.items()}


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
        modules = bench_modules()
        for module in modules:
            if hasattr(module, "check_database"):
                module.check_database()
        call_command("load_demo", stdout=self.stdout if options["verbosity"] > 1 else io.StringIO())
        rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        bench = Bench(scale=scale, rng=rng, write=self.stdout.write)
        with transaction.atomic(), translation.override("nl"):
            for module in modules:
                module.fill(bench)
        # Bulk inserts send no signals: pages stored in the cache before would not know about them.
        cache.clear()
