"""The calendar's pages in /sitemap.xml (see core/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from core import sitemaps
from events.models import EVENT_TIME_ZONE, Event
from network.models import Network


class EventPagesSitemap(Sitemap):
    """The calendar, its archive and this year's printable calendar."""

    def items(self):
        return ["list", "archive", "year"]

    def location(self, name):
        if name == "year":
            return reverse("events:year", kwargs={"year": timezone.localdate(timezone=EVENT_TIME_ZONE).year})
        return reverse(f"events:{name}")


class EventSitemap(Sitemap):
    """Every published event, past ones too."""

    def items(self):
        here = Network.canonical_on(getattr(self, "host_network", None))
        return Event.objects.published().filter(here).only("slug", "updated_at")

    def lastmod(self, event):
        return event.updated_at


def register():
    """Called by the app's AppConfig.ready()."""
    sitemaps.register("events-pages", EventPagesSitemap)
    sitemaps.register("events", EventSitemap)
