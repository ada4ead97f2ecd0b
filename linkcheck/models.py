"""The outside links found in the site's content, their last check, and where each one is used.

A link is checked once however many objects use it; each use names the object an editor opens to
change it and the network it belongs to, so the list of broken links is scoped like the content.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.owners import Owner
from network.models import Network

# A blip (a server restarting during the check) must not alarm editors: a link is broken only
# after this many failed checks in a row.
FAILURES_BEFORE_BROKEN = 2
# A daily run re-checks what the previous day's run checked, even when that one started later.
RECHECK_AFTER = datetime.timedelta(hours=20)


class LinkQuerySet(models.QuerySet):
    def due(self, now):
        """Links never checked, or not in the last RECHECK_AFTER."""
        return self.filter(models.Q(checked_at__isnull=True) | models.Q(checked_at__lte=now - RECHECK_AFTER))


class Link(models.Model):
    # Shared by every object that uses it; the uses carry the networks.
    owner = Owner(None, public=False)

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Works")
        REDIRECT = "redirect", _("Moved permanently")
        BROKEN = "broken", _("Broken")
        UNREACHABLE = "unreachable", _("Unreachable")

    FAILING = (Status.BROKEN, Status.UNREACHABLE)

    url = models.URLField(_("address"), max_length=2000, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UNCHECKED)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    # Where a permanent redirect leads: the address the editor can put in its place.
    final_url = models.URLField(_("moved to"), max_length=2000, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("failed checks in a row"), default=0)
    first_failed_at = models.DateTimeField(_("failing since"), null=True, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        indexes = [models.Index(fields=["checked_at"], name="link_checked_at")]

    def __str__(self):
        return self.url

    def record(self, result, now):
        """Keep the outcome of a check (linkcheck/checking.py Result) made at `now`."""
        self.checked_at = now
        self.http_status = result.http_status
        self.error = result.error[:300]
        self.final_url = result.final_url[:2000]
        if result.status is None:  # inconclusive (the server asked us to come back later)
            return
        if result.status in (self.Status.OK, self.Status.REDIRECT):
            self.status, self.failures, self.first_failed_at = result.status, 0, None
            return
        self.failures += 1
        self.first_failed_at = self.first_failed_at or now
        if self.failures >= FAILURES_BEFORE_BROKEN:
            self.status = result.status


class LinkUse(models.Model):
    """A link in one field of one object."""

    owner = Owner("network", public=False)

    link = models.ForeignKey(Link, verbose_name=_("link"), on_delete=models.CASCADE, related_name="uses")
    # The object an editor opens to change the link: the object holding it, or the one it is edited
    # with (a news post's external links are edited on the post).
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of content"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # The field holding the link on that object ("body", or "links.url" through an inline).
    field = models.CharField(_("field"), max_length=100)
    # What the object was called when the link was last found, so the list needs no query per row.
    object_repr = models.CharField(_("content"), max_length=200)
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["link", "pk"]
        verbose_name = _("link use")
        verbose_name_plural = _("link uses")
        constraints = [
            models.UniqueConstraint(fields=["link", "content_type", "object_id", "field"], name="link_use_once")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="link_use_object")]

    def __str__(self):
        return f"{self.link} ({self.object_repr})"


class BrokenLinkQuerySet(models.QuerySet):
    def for_networks(self, network_ids):
        return self.filter(network_id__in=network_ids)


class BrokenLinkManager(models.Manager.from_queryset(BrokenLinkQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(link__status__in=Link.FAILING)


class BrokenLink(LinkUse):
    """The uses of links that failed their last checks, longest failing first: the editors' list "Gebroken links"."""

    objects = BrokenLinkManager()

    class Meta:
        proxy = True
        ordering = ["link__first_failed_at", "link__url", "pk"]
        verbose_name = _("broken link")
        verbose_name_plural = _("broken links")
