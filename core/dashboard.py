"""The staff dashboard, the admin's start page: what waits for a staff member in their networks.

Each app's dashboard.py has a `register()` that its AppConfig.ready() calls; it adds sections to the
dashboard's panels with `register_section(panel, order, function)`. `function(scope)` returns a dict
with a "template" and its context, or None when the user may not see it or it has nothing to show;
a panel without sections is left out. The panels are fixed here, in the order staff read them:

- PROFILE_CHANGES: changes volunteers propose to their association's page, waiting for an editor's
  decision (for the app that holds them; nothing registers here yet);
- DRAFTS, SCHEDULED, REVIEW (pages whose text nobody checked for a while), EVENTS (upcoming events,
  seats and waiting lists), NEWSLETTER (drafts and sending progress), LINKS (broken links) and
  CHARTS (numbers per week, `week_chart()` draws them).

A section runs a fixed number of queries whatever the amount of content (`LIMIT` rows, one more to
know whether there are more): the dashboard is the first page every staff member opens.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.owners import owner_of

PROFILE_CHANGES = "profile-changes"
DRAFTS = "drafts"
SCHEDULED = "scheduled"
REVIEW = "review"
EVENTS = "events"
NEWSLETTER = "newsletter"
LINKS = "links"
CHARTS = "charts"

PANELS = {
    PROFILE_CHANGES: _("Profile changes to review"),
    DRAFTS: _("Drafts"),
    SCHEDULED: _("Scheduled"),
    REVIEW: _("Pages to review"),
    EVENTS: _("Upcoming events"),
    NEWSLETTER: _("Newsletter"),
    LINKS: _("Broken links"),
    CHARTS: _("Per week"),
}

# Rows a section lists; it links to the admin's full list when there are more.
LIMIT = 8
CHART_WEEKS = 12

_SECTIONS = {panel: [] for panel in PANELS}
_network_choices = None


def register_section(panel, order, function):
    """Show `function(scope)` in `panel` (one of PANELS), sections sorted by `order`."""
    sections = _SECTIONS[panel]
    if (order, function) in sections:  # ready() runs again when a test builds an app registry of its own
        return
    sections.append((order, function))
    sections.sort(key=lambda item: (item[0], item[1].__module__, item[1].__name__))


def register_network_choices(function):
    """`function(user)`: the networks the user works for, as (id, slug, name), every one for a superuser."""
    global _network_choices
    _network_choices = function


def sections():
    """Every registered section function, per panel (for tests of the registries)."""
    return {panel: list(functions) for panel, functions in _SECTIONS.items()}


@dataclass
class Scope:
    """Whom the dashboard is for and which of their networks it shows."""

    request: object
    network_ids: frozenset
    # A superuser looking at every network: nothing is left out, not even objects of no network.
    everything: bool = False
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def user(self):
        return self.request.user

    def may(self, permission):
        return self.user.is_staff and self.user.has_perm(permission)

    def of_networks(self, queryset):
        """The objects of `queryset` that belong to the networks shown, through the model's owner declaration."""
        if self.everything:
            return queryset
        return queryset.filter(**{f"{owner_of(queryset.model).lookup}__in": self.network_ids})


def first_rows(queryset, limit=LIMIT):
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def admin_url(obj_or_model, view="change"):
    """The admin's change page of an object, or its list ("changelist") of a model."""
    options = obj_or_model._meta
    name = f"admin:{options.app_label}_{options.model_name}_{view}"
    return reverse(name, args=[obj_or_model.pk] if view == "change" else [])


def list_section(heading, rows, more, more_url):
    """A section listing rows, each {"text", "url", "detail"}, with a link to the whole list when there
    are more (templates/admin/dashboard/_list.html); None without rows."""
    if not rows:
        return None
    return {
        "template": "admin/dashboard/_list.html",
        "heading": heading,
        "rows": rows,
        "more": more,
        "more_url": more_url,
    }


def objects_section(scope, queryset, heading, detail, more_query=""):
    """The first rows of `queryset` in the networks shown, each linked to its change page with `detail(obj)`
    beside it; None when the user may not view the model or nothing is there."""
    model = queryset.model
    if not scope.may(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        return None
    objects, more = first_rows(scope.of_networks(queryset))
    rows = [{"text": str(obj), "url": admin_url(obj), "detail": detail(obj)} for obj in objects]
    return list_section(heading, rows, more, admin_url(model, "changelist") + more_query)


def has_publication_window(model):
    """Whether the model's objects have a publication time (`publish_at`) to schedule them by."""
    return any(field.name == "publish_at" for field in model._meta.get_fields())


def scheduled_section(scope, queryset, heading):
    """Objects of `queryset` (those the public will see once their time has come) whose `publish_at` is
    still ahead, soonest first."""
    return objects_section(
        scope,
        queryset.filter(publish_at__gt=scope.now).order_by("publish_at", "pk"),
        heading,
        lambda obj: (
            _("%(network)s · from %(moment)s")
            % {"network": network_label(obj), "moment": date_format(timezone.localtime(obj.publish_at), "j F Y H:i")}
        ),
    )


def network_label(obj):
    """The short name of the network owning `obj` (its owner path must be select_related)."""
    network = obj
    for name in owner_of(type(obj)).path.split("__"):
        network = getattr(network, name)
    return getattr(network, "short_name", "") or str(network)


@dataclass
class Dashboard:
    networks: list  # (id, slug, name) the user works for
    chosen: tuple | None  # the one network asked for with ?netwerk=, None for all of them
    panels: list  # (key, title, [section, ...])
    error: str = ""


def build(request):
    """The dashboard for this request's user; `?netwerk=<slug>` narrows it to one of their networks."""
    networks = list(_network_choices(request.user)) if _network_choices else []
    asked = request.GET.get("netwerk", "")
    chosen = next((network for network in networks if network[1] == asked), None)
    error = ""
    if asked and chosen is None:
        error = _("You do not work for a network with that address; the dashboard shows all your networks.")
    ids = frozenset([chosen[0]] if chosen else [network[0] for network in networks])
    scope = Scope(request, ids, everything=request.user.is_superuser and chosen is None)
    panels = []
    for panel, title in PANELS.items():
        rendered = [section for _order, function in _SECTIONS[panel] if (section := function(scope))]
        if rendered:
            panels.append((panel, title, rendered))
    return Dashboard(networks, chosen, panels, error)


# Charts ----------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 480, 160, 20, 24


def week_counts(queryset, moment_field, now, weeks=CHART_WEEKS):
    """Rows of `queryset` per week (Monday to Sunday, Brussels time) for the last `weeks` weeks, this
    one included: [(monday, count), ...], oldest first, in one query."""
    today = timezone.localtime(now).date()
    this_monday = today - datetime.timedelta(days=today.weekday())
    first_monday = this_monday - datetime.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.datetime.combine(first_monday, datetime.time()))
    rows = (
        queryset.filter(**{f"{moment_field}__gte": start})
        .annotate(week=TruncWeek(moment_field))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        week = row["week"]
        monday = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        counts[monday] = counts.get(monday, 0) + row["count"]
    return [
        (monday, counts.get(monday, 0))
        for monday in (first_monday + datetime.timedelta(weeks=n) for n in range(weeks))
    ]


def week_chart(key, title, counts):
    """A bar chart of `week_counts()`: the bars' geometry for templates/admin/dashboard/_chart.html,
    which draws it as inline SVG (no script, no style attribute) with its numbers as a table."""
    highest = max((count for _monday, count in counts), default=0)
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = CHART_WIDTH / max(len(counts), 1)
    bars = []
    for number, (monday, count) in enumerate(counts):
        height = round(plot_height * count / highest, 1) if highest else 0
        bars.append(
            {
                "x": round(number * slot + slot * 0.15, 1),
                "label_x": round(number * slot + slot / 2, 1),
                "y": round(CHART_TOP + plot_height - height, 1),
                "value_y": round(CHART_TOP + plot_height - height - 4, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
                "count": count,
                "monday": monday,
                "label": date_format(monday, "j/n"),
            }
        )
    return {
        "template": "admin/dashboard/_chart.html",
        "key": key,
        "title": title,
        "bars": bars,
        "total": sum(count for _monday, count in counts),
        "highest": highest,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - 6,
    }
