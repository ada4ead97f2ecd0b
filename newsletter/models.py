"""Newsletters: lists per network, subscribers with their consent, issues and one delivery per recipient.

A subscriber is one email address; a subscription ties it to a list, pending until the
address is confirmed (double opt-in). An issue goes to the confirmed subscriptions of its
list, through one `Delivery` per subscriber, so sending can stop and resume without ever
sending a second copy; a copy whose fate SMTP leaves unknown is marked uncertain for a person
to decide (see newsletter/sending.py). Erasing a subscriber deletes the address
and name and keeps only anonymous numbers: the list's counters and the anonymised deliveries.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.owners import Owner
from core.tokens import new_nonce
from network.models import Network
from news.models import NewsPost

# The consent text shown on every form that subscribes, stored with each subscription with its
# version. Change the text only together with a new version.
CONSENT_VERSION = "2025-1"
CONSENT_TEXT = _(
    "I want to receive this newsletter. The network keeps my email address, my name if I gave it, and the "
    "lists I chose, only to send me the newsletter. It never passes them on. Every mail has a link to leave "
    "at once, and on my preferences page I can change my lists or have all my data erased."
)


class MailingList(models.Model):
    owner = Owner("network", public=True)
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="mailing_lists"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence: what subscribers receive, and how often."),
    )
    is_open = models.BooleanField(
        _("open for subscription"), default=True, help_text=_("Without this tick the list is not offered on the form.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Anonymous numbers that outlive the subscribers they count.
    unsubscribed_count = models.PositiveIntegerField(_("unsubscriptions"), default=0, editable=False)
    erased_count = models.PositiveIntegerField(_("erased subscribers"), default=0, editable=False)

    class Meta:
        ordering = ["network__position", "network__name", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["network", "slug"], name="one_list_slug_per_network")]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self):
        return f"{self.name} ({self.network.short_name})"


class BounceKind(models.TextChoices):
    HARD = "hard", _("Hard bounce")
    SOFT = "soft", _("Soft bounce")
    COMPLAINT = "complaint", _("Complaint")


SUSPENSION_REASONS = [("", _("none")), *BounceKind.choices]


class Subscriber(models.Model):
    """One email address. The nonce goes into every link for it; erasure deletes the row and so every link."""

    # A person, on the lists of any network.
    owner = Owner(None, public=False)

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    # Set after a hard bounce, a complaint or too many soft bounces (newsletter/bounces.py): no issue
    # goes to the address until its owner confirms it anew through the sign-up form.
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True, editable=False)
    suspension_reason = models.CharField(
        _("reason for suspension"),
        max_length=12,
        choices=SUSPENSION_REASONS,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    # Soft bounces since the address was last confirmed.
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces"), default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_suspended(self):
        return self.suspended_at is not None


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscription.Status.CONFIRMED)

    def receiving(self):
        """Confirmed subscriptions whose address is not suspended: the ones an issue goes to."""
        return self.confirmed().filter(subscriber__suspended_at__isnull=True)

    def pending(self):
        return self.filter(status=Subscription.Status.PENDING)

    def of_networks(self, network_ids):
        return self.filter(mailing_list__network_id__in=network_ids)


class Subscription(models.Model):
    owner = Owner("mailing_list__network", public=False)

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    mailing_list = models.ForeignKey(
        MailingList, verbose_name=_("mailing list"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    consent_version = models.CharField(_("consent version"), max_length=20)
    consent_text = models.TextField(_("consent text"))
    consented_at = models.DateTimeField(_("consent given"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["mailing_list", "subscriber__email"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "mailing_list"], name="one_subscription_per_list")
        ]
        indexes = [models.Index(fields=["mailing_list", "status"])]
        permissions = [("export_subscription", _("Can export subscribers"))]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return f"{self.subscriber} · {self.mailing_list.name}"


class IssueQuerySet(models.QuerySet):
    def archived(self):
        """Issues the public may read: sent ones."""
        return self.filter(status=Issue.Status.SENT)


class Issue(models.Model):
    owner = Owner("mailing_list__network", public=True)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    mailing_list = models.ForeignKey(
        MailingList, verbose_name=_("mailing list"), on_delete=models.PROTECT, related_name="issues"
    )
    subject = models.CharField(_("subject"), max_length=150)
    intro = models.TextField(
        _("introduction"),
        max_length=3000,
        help_text=_("A few plain paragraphs, separated by an empty line. Links to the news and events follow."),
    )
    news_posts = models.ManyToManyField(
        NewsPost, verbose_name=_("news posts"), blank=True, related_name="newsletter_issues"
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("events"), blank=True, related_name="newsletter_issues"
    )
    campaigns = models.ManyToManyField(
        "campaigns.Campaign", verbose_name=_("campaigns"), blank=True, related_name="newsletter_issues"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when a newsletter manager schedules the issue: the worker starts sending it then, not before.
    send_at = models.DateTimeField(_("send at"), null=True, blank=True, editable=False)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0, editable=False)
    # Decisions a newsletter manager took on uncertain copies; the audit trail records who and when.
    # (db_default: the previous release's code, running while `migrate` does, inserts rows without them.)
    copies_resent = models.PositiveIntegerField(
        _("uncertain copies sent again"), default=0, db_default=0, editable=False
    )
    copies_marked_sent = models.PositiveIntegerField(
        _("uncertain copies marked as sent"), default=0, db_default=0, editable=False
    )
    # Anonymous numbers that outlive the bounce records and the subscribers (newsletter/bounces.py).
    bounced_count = models.PositiveIntegerField(_("bounced copies"), default=0, db_default=0, editable=False)
    complained_count = models.PositiveIntegerField(_("complaints"), default=0, db_default=0, editable=False)
    # Readers of the issue who left its list (or had their data erased) within LEAVING_DAYS of its
    # sending (newsletter/numbers.py): counted when they leave, so nobody is stored with it.
    unsubscribed_count = models.PositiveIntegerField(
        _("left the list within 7 days"), default=0, db_default=0, editable=False
    )
    # Loads of the public web version (views.issue_detail, which the page cache never stores).
    web_views = models.PositiveIntegerField(_("views of the web version"), default=0, db_default=0, editable=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "sent_at"])]
        permissions = [("send_issue", _("Can send issues to their list"))]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:issue", kwargs={"network_slug": self.mailing_list.network.slug, "pk": self.pk})

    @property
    def network(self):
        return self.mailing_list.network

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def state_label(self, counts):
        """The status as staff need to read it, from the deliveries' `progress()`: "Sent, 2 uncertain, 1 failed"."""
        parts = [str(self.get_status_display())]
        if self.is_draft:
            return parts[0]
        again = counts["remaining"] + counts["sending"]
        if self.status == self.Status.SENT and again:
            # Uncertain copies a newsletter manager chose to send again.
            parts.append(
                ngettext("%(count)s being sent again", "%(count)s being sent again", again) % {"count": again}
            )
        if counts["uncertain"]:
            parts.append(_("%(count)s uncertain") % {"count": counts["uncertain"]})
        if counts["failed"]:
            parts.append(_("%(count)s failed") % {"count": counts["failed"]})
        return ", ".join(parts)

    def intro_paragraphs(self):
        return [" ".join(part.split()) for part in self.intro.replace("\r\n", "\n").split("\n\n") if part.strip()]


class DeliveryQuerySet(models.QuerySet):
    def progress(self):
        """The number of deliveries per PROGRESS_NAMES entry, in one query."""
        counts = dict.fromkeys(Delivery.PROGRESS_NAMES.values(), 0)
        for row in self.values("status").annotate(count=models.Count("pk")).order_by():
            counts[Delivery.PROGRESS_NAMES[row["status"]]] = row["count"]
        return counts


class Delivery(models.Model):
    """One issue to one subscriber, sent at most once: see newsletter/sending.py for how.

    pending → sending (claimed by a worker, committed before anything goes to the mail server)
    → sent, failed, or uncertain (the server had the whole message but its answer never came);
    pending again only when the server certainly did not take the message (a refusal or a broken
    connection before the end of the message), with `next_attempt_at` as the earliest retry.
    """

    owner = Owner("issue__mailing_list__network", public=False)

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Uncertain")
        SKIPPED = "skipped", _("Skipped (left the list)")

    class Resolution(models.TextChoices):
        NONE = "", _("none")
        RESENT = "resent", _("sent again by a newsletter manager")
        MARKED_SENT = "marked_sent", _("marked as sent by a newsletter manager")

    PROGRESS_NAMES = {
        "pending": "remaining",
        "sending": "sending",
        "sent": "sent",
        "failed": "failed",
        "uncertain": "uncertain",
        "skipped": "skipped",
    }

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="deliveries")
    # Null once the subscriber was erased: the delivery then only counts.
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The current claim: a random token that every later write of the claiming worker must match,
    # so a worker that lost its claim (its lease ran out) can no longer change the delivery.
    claim = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    # Committed just before the end-of-message marker goes to the mail server: from then on the
    # server may have the message, so the copy is never sent again without a person deciding.
    handed_over_at = models.DateTimeField(_("handed to the mail server"), null=True, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, editable=False)
    resolution = models.CharField(
        _("decision"),
        max_length=12,
        choices=Resolution,
        default=Resolution.NONE,
        db_default=Resolution.NONE,
        blank=True,
        editable=False,
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_subscriber")]
        # Claiming takes the first pending delivery by id: this index gives it without sorting the rest.
        indexes = [models.Index(fields=["issue", "status", "id"], name="delivery_claim_order")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.issue} → {self.subscriber or '-'}"


class Bounce(models.Model):
    """A copy that came back (a DSN in the bounce mailbox, or the mail provider's webhook) or a complaint.

    Personal data (it says that this address bounced, and the server's words may quote it):
    newsletter/personal_data.py covers it, `purge_pending_subscribers` deletes it after
    NEWSLETTER_BOUNCE_DAYS. The issue keeps only its anonymous counts.
    """

    owner = Owner("delivery__issue__mailing_list__network", public=False)

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("mail provider's webhook")
        MAILBOX = "mailbox", _("bounce mailbox")

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="bounces"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BounceKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    # The mail server's status and words ("5.1.1 user unknown"), shortened.
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    # The provider's event id or the report's Message-ID: the same report read twice counts once.
    event_id = models.CharField(max_length=255, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "event_id"], condition=~models.Q(event_id=""), name="one_bounce_per_report"
            )
        ]
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.delivery}"


def validate_issue_content(mailing_list, news_posts, events, campaigns=()):
    """News posts, events and campaigns of the list's own network, published: the ValidationError otherwise."""
    errors = {}
    if any(post.network_id != mailing_list.network_id or not post.is_public for post in news_posts):
        errors["news_posts"] = _("Choose published news posts of the list's own network.")
    if any(event.network_id != mailing_list.network_id or not event.is_public for event in events):
        errors["events"] = _("Choose published events of the list's own network.")
    if any(campaign.network_id != mailing_list.network_id or not campaign.is_public for campaign in campaigns):
        errors["campaigns"] = _("Choose published campaigns of the list's own network.")
    if errors:
        raise ValidationError(errors)


class WorkerHeartbeat(models.Model):
    """A running background worker (`manage.py newsletter_worker`) and when it last showed life.

    Each worker process updates its row every few seconds and deletes it when it stops; /healthz/worker
    (newsletter/worker.py) answers 503 when no row is recent. Not shown in the admin.
    """

    # The background worker's sign of life.
    owner = Owner(None, public=False)

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"
