"""Publication windows: "publish at" and "unpublish at", one rule for every kind of public content.

A model takes part by mixing in `PublicationWindow`, declaring the two fields with
`publish_at_field()` / `unpublish_at_field()` (news keeps its own required `publish_at`, the
time it is dated by) and building its `published()` on `PublicationWindowQuerySet.in_window()`.
Empty means no limit, so content saved before the fields existed stays published. What is
outside its window is absent wherever `published()` decides (lists, details, feeds, sitemaps,
search, home and theme sections); the page cache asks `next_boundary()` when a window next
opens or closes and treats a page stored before that moment as stale after it.
"""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Expression, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PUBLISH_AT = "publish_at"
UNPUBLISH_AT = "unpublish_at"


class WindowState(models.TextChoices):
    SCHEDULED = "gepland", _("Scheduled")
    LIVE = "online", _("Within its window")
    EXPIRED = "verlopen", _("Expired")


def publish_at_field():
    return models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Empty: at once. A time in the future: it appears by itself at that time."),
    )


def unpublish_at_field():
    return models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Empty: it stays online. At this time it disappears from the site by itself."),
    )


def _nullable(model, name):
    return model._meta.get_field(name).null


def window_q(model, now=None, prefix=""):
    """The condition "inside its window at `now`" for `model`'s rows, reached through `prefix`
    ("document__" from a campaign's documents)."""
    now = now or timezone.now()
    publish_at, unpublish_at = f"{prefix}{PUBLISH_AT}", f"{prefix}{UNPUBLISH_AT}"
    started = Q(**{f"{publish_at}__lte": now})
    if _nullable(model, PUBLISH_AT):
        started |= Q(**{f"{publish_at}__isnull": True})
    return started & (Q(**{f"{unpublish_at}__isnull": True}) | Q(**{f"{unpublish_at}__gt": now}))


class InWindow(Expression):
    """window_q() for a model's own rows, as one node of SQL: "its window is open at `now`".

    Every list of public content asks it. Built from its four lookups, the condition cost each of
    those queries about 900 of the ORM's function calls (a query without it about 1,900); as one
    expression it is resolved and compiled once. The same SQL as window_q() writes
    (tests/test_publication_window.py compares them).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, now, publish_at_nullable):
        super().__init__()
        self.now, self.publish_at_nullable = now, publish_at_nullable
        self.columns = [F(PUBLISH_AT), F(UNPUBLISH_AT)]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, expressions):
        self.columns = list(expressions)

    def as_sql(self, compiler, connection):
        (publish_at, _none), (unpublish_at, _none) = (compiler.compile(column) for column in self.columns)
        now = connection.ops.adapt_datetimefield_value(self.now)
        started = f"{publish_at} <= %s"
        if self.publish_at_nullable:
            started = f"({started} OR {publish_at} IS NULL)"
        return f"({started} AND ({unpublish_at} IS NULL OR {unpublish_at} > %s))", (now, now)


class PublicationWindowQuerySet(models.QuerySet):
    """Mix into a model's QuerySet; its `published()` adds `in_window()` to its own condition."""

    def in_window(self, now=None):
        return self.filter(InWindow(now or timezone.now(), _nullable(self.model, PUBLISH_AT)))

    def scheduled(self, now=None):
        return self.filter(**{f"{PUBLISH_AT}__gt": now or timezone.now()})

    def expired(self, now=None):
        return self.filter(**{f"{UNPUBLISH_AT}__lte": now or timezone.now()})


class PublicationWindow:
    """Mix into a model with the two fields (see the module docstring) before models.Model."""

    def window_state(self, now=None):
        now = now or timezone.now()
        publish_at, unpublish_at = getattr(self, PUBLISH_AT), getattr(self, UNPUBLISH_AT)
        if publish_at is not None and publish_at > now:
            return WindowState.SCHEDULED
        if unpublish_at is not None and unpublish_at <= now:
            return WindowState.EXPIRED
        return WindowState.LIVE

    def in_window(self, now=None):
        return self.window_state(now) == WindowState.LIVE

    def publication_window_errors(self):
        """{field: message} for a window that closes before it opens (for a model's own clean())."""
        publish_at, unpublish_at = getattr(self, PUBLISH_AT), getattr(self, UNPUBLISH_AT)
        if publish_at is not None and unpublish_at is not None and unpublish_at <= publish_at:
            return {UNPUBLISH_AT: _("The time to unpublish must come after the time to publish.")}
        return {}

    def clean(self):
        super().clean()
        if errors := self.publication_window_errors():
            raise ValidationError(errors)


def windowed_models():
    return [model for model in apps.get_models() if issubclass(model, PublicationWindow)]


def is_windowed(model):
    return issubclass(model, PublicationWindow)


def next_boundary(now=None):
    """The first moment after `now` at which some window opens or closes (None: none is set).

    Every row counts, drafts too: a page rebuilt once too often costs little, a page kept too
    long shows what should be gone."""
    now = now or timezone.now()
    moments = []
    for model in windowed_models():
        found = model._default_manager.aggregate(
            opens=Min(PUBLISH_AT, filter=Q(**{f"{PUBLISH_AT}__gt": now})),
            closes=Min(UNPUBLISH_AT, filter=Q(**{f"{UNPUBLISH_AT}__gt": now})),
        )
        moments += [moment for moment in found.values() if isinstance(moment, datetime.datetime)]
    return min(moments, default=None)
