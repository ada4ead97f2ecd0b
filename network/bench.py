"""The network's part of `manage.py bench_data` (core/benchdata.py): no rows of its own, only the
demo's networks and themes, which every app after it links its rows to."""

from django.core.management.base import CommandError

from network.models import Network, Theme

SIZES = {}


def fill(bench):
    bench.networks = list(Network.objects.order_by("position", "pk"))
    if not bench.networks:
        raise CommandError("No networks after load_demo: the network demo did not load.")
    bench.use_themes(Theme.objects.all())
    bench.write(f"networks: {len(bench.networks)}")
