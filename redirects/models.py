"""Redirects from addresses that no longer exist, and the count of addresses visitors miss.

Django's own redirects app (django.contrib.redirects) needs the sites framework and has no
network: an editor could not be given only their own network's redirects. These two small
models do what the site needs and nothing more.

A redirect is followed only where the site would answer 404 (redirects/middleware.py), so it can
never hide a live page. The redirects always lead straight to their end: no redirect leads to the
old address of another (a chain A -> B, B -> C is kept as A -> C, B -> C), so no visitor takes two
hops and no redirect can lead back to itself.
"""

import re
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.owners import Owner
from network.models import Network

# Longer addresses are no link anybody follows (a news post's address is at most 214 characters).
PATH_LENGTH = 255
# The missing addresses kept by the daily pruning (the most requested), and the most the table
# holds between two prunings: a robot asking for thousands of made-up addresses fills it up to
# this, after which only addresses already counted are counted until the next pruning.
MISSING_PATHS_KEPT = 1000
MISSING_PATHS_LIMIT = 5000

_LOCAL_PATH = re.compile(r"^/(?!/)[^\s\\\x00-\x1f\x7f]*$")


def validate_old_path(value):
    """An address on this site, path only: the query string is not compared, so it may not be typed."""
    if not _LOCAL_PATH.match(value) or "?" in value or "#" in value:
        raise ValidationError(
            _("Give an address on this site from the first / on, without ? or #, for example /agenda/oude-naam/.")
        )


def validate_new_path(value):
    """An address on this site, or a full https address that staff typed on purpose: never another
    scheme (javascript:, http:) and never a host hidden in a path (//elders.example)."""
    if value.startswith("/") and _LOCAL_PATH.match(value):
        return
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        raise ValidationError(
            _("Give an address on this site from the first / on, or a full address starting with https://.")
        ) from None


def readable_path(path):
    """The path with repeated slashes as one, or None when it is no link anybody follows: too long,
    or with control characters (PostgreSQL cannot even compare a text with a NUL in it)."""
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > PATH_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return None
    return path


class RedirectQuerySet(models.QuerySet):
    def follow(self, path):
        """Where the redirect from `path` leads (its visit counted), or None when there is none."""
        target = self.filter(old_path=path).values_list("new_path", flat=True).first()
        if target is not None:
            self.filter(old_path=path).update(hits=F("hits") + 1)
        return target

    @transaction.atomic
    def record(self, *, old_path, new_path, network_id):
        """An object moved from `old_path` to `new_path`: the old address leads to the new one.

        The new address is live now, so a redirect from it (left by an earlier move) goes: it would
        send visitors elsewhere once this object is gone, and it could lead back here.
        """
        old_path, new_path = unquote(old_path), unquote(new_path)
        self.filter(old_path=new_path).delete()
        if old_path == new_path or len(old_path) > PATH_LENGTH:
            return None
        redirect = self.filter(old_path=old_path).first() or Redirect(old_path=old_path)
        redirect.new_path, redirect.network_id = new_path, network_id
        redirect.save()
        return redirect


class Redirect(models.Model):
    owner = Owner("network", public=False)
    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="redirects")
    old_path = models.CharField(
        _("old address"),
        max_length=PATH_LENGTH,
        unique=True,
        validators=[validate_old_path],
        help_text=_(
            "The address that no longer exists, from the first / on, e.g. /agenda/oude-naam/. "
            "It is only followed where the site has no page."
        ),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=500,
        validators=[validate_new_path],
        help_text=_("An address on this site from the first / on, or a full address starting with https://."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    hits = models.PositiveIntegerField(_("times followed"), default=0, editable=False)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    @transaction.atomic
    def save(self, *args, **kwargs):
        self.new_path = self.final_target()
        super().save(*args, **kwargs)
        # What led to the old address leads straight on; a missing address with a redirect is no longer missed.
        Redirect.objects.exclude(pk=self.pk).filter(new_path=self.old_path).update(new_path=self.new_path)
        MissingPath.objects.filter(path=self.old_path).delete()

    def clean(self):
        if self.old_path:
            self.old_path = re.sub(r"/{2,}", "/", unquote(self.old_path))
        if self.old_path and self.new_path and self.final_target() == self.old_path:
            raise ValidationError({"new_path": _("This address leads back to the old address.")})

    def final_target(self):
        """Where the new address leads in the end: the target of the redirect from it, if there is one."""
        onward = Redirect.objects.exclude(pk=self.pk).filter(old_path=self.new_path).values_list("new_path", flat=True)
        return onward.first() or self.new_path


# One statement for SQLite and PostgreSQL alike: a new row while there is room, else one more request
# for a row that exists. Django's bulk_create(update_conflicts=True) can only overwrite the count.
_COUNT_REQUEST = """
    INSERT INTO redirects_missingpath (path, "count", first_seen, last_seen)
    SELECT %s, 1, %s, %s
    WHERE EXISTS (SELECT 1 FROM redirects_missingpath WHERE path = %s)
    OR (SELECT COUNT(*) FROM redirects_missingpath) < %s
    ON CONFLICT (path) DO UPDATE SET "count" = redirects_missingpath."count" + 1, last_seen = excluded.last_seen
"""


class MissingPathQuerySet(models.QuerySet):
    def record_request(self, path, now=None):
        """Count one request for `path` that the site answered 404, in one query (an upsert).

        A new address is added only while the table holds fewer than MISSING_PATHS_LIMIT rows.
        """
        path = readable_path(path)
        if path is None or "@" in path:  # an email address typed into the address is nobody's link
            return
        now = connection.ops.adapt_datetimefield_value(now or timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_COUNT_REQUEST, [path, now, now, path, MISSING_PATHS_LIMIT])

    def prune(self):
        """Keep the MISSING_PATHS_KEPT most requested addresses (the latest first among equals); the number removed."""
        kept = self.order_by("-count", "-last_seen", "pk").values_list("pk", flat=True)[:MISSING_PATHS_KEPT]
        kept = list(kept)
        deleted, _ = self.exclude(pk__in=kept).delete()
        return deleted


class MissingPath(models.Model):
    """An address visitors asked for that the site does not have: the path and how often, nothing
    about who asked (no IP address, no browser, no query string). Shared by all networks."""

    owner = Owner(None, public=False)
    path = models.CharField(_("address"), max_length=PATH_LENGTH, unique=True)
    count = models.PositiveIntegerField(_("requests"), default=1)
    first_seen = models.DateTimeField(_("first requested"))
    last_seen = models.DateTimeField(_("last requested"))

    objects = MissingPathQuerySet.as_manager()

    class Meta:
        db_table = "redirects_missingpath"  # named in _COUNT_REQUEST
        ordering = ["-count", "-last_seen"]
        verbose_name = _("missing address")
        verbose_name_plural = _("missing addresses")

    def __str__(self):
        return self.path
