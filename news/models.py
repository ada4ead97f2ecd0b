"""The news: posts of a network, published at a time of their own, with links to read more.

The tables keep the names they had when the news lived in the network app (`network_newspost`,
`network_newslink` and the posts' many-to-many tables): the move (migration news 0001) changed
no row, and the content types, permissions, admin history and audit trail moved with it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.images import image_alt_field, image_field, image_size_field, require_alt_text
from core.owners import Owner
from core.publication import PublicationWindow, PublicationWindowQuerySet, unpublish_at_field
from core.richtext import RichTextField
from network.models import Document, Network, Theme

# The columns templates/news/_news_card.html reads: the body and the rest of the network row stay behind.
CARD_FIELDS = (
    "network__short_name",
    "title",
    "slug",
    "publish_at",
    "lead",
    "hero_image",
    "hero_width",
    "hero_height",
    "hero_alt",
)


class NewsPostQuerySet(PublicationWindowQuerySet):
    def published(self):
        """Posts the public may see: published, and inside their window (their time has come, and not gone)."""
        return self.filter(status=NewsPost.Status.PUBLISHED).in_window()

    def cards(self):
        """Only what a news card shows (templates/news/_news_card.html), the network's short name joined."""
        return self.select_related("network").only(*CARD_FIELDS)

    def with_page_relations(self):
        """Each post marked with which of its relations the page shows it has (`has_themes`, `has_links`,
        `has_attachments`, `has_associations`): an EXISTS each in the post's own query, so the page
        fetches only the ones with rows (news/views.py)."""
        through = {name: getattr(NewsPost, name).through for name in ("themes", "attachments", "associations")}
        return self.annotate(
            has_themes=Exists(through["themes"].objects.filter(newspost_id=OuterRef("pk"))),
            has_links=Exists(NewsLink.objects.filter(post_id=OuterRef("pk"))),
            has_attachments=Exists(through["attachments"].objects.filter(newspost_id=OuterRef("pk"))),
            has_associations=Exists(through["associations"].objects.filter(newspost_id=OuterRef("pk"))),
        )

    def public_years(self):
        """The years with public news, newest first (read from the `newspost_public_year_window` index)."""
        return (
            self.published()
            .annotate(year=ExtractYear("publish_at"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )


class NewsPost(PublicationWindow, models.Model):
    owner = Owner("network", public=True)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A time in the future schedules the post: it appears by itself at that time."),
    )
    unpublish_at = unpublish_at_field()
    lead = models.TextField(_("lead"), max_length=500, help_text=_("Two or three plain sentences: the essence."))
    body = RichTextField(_("text"))
    hero_image = image_field(_("image"), upload_to="news/", size_prefix="hero")
    hero_width = image_size_field()
    hero_height = image_size_field()
    hero_alt = image_alt_field(
        _("image alt text"), help_text=_("What does the image show? Write it for someone who cannot see it.")
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="news")
    associations = models.ManyToManyField(
        "associations.Association", verbose_name=_("related associations"), blank=True, related_name="news"
    )
    attachments = models.ManyToManyField(Document, verbose_name=_("attachments"), blank=True, related_name="news")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_posts",
        help_text=_("The post appears on this campaign's page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        db_table = "network_newspost"
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            # The news list's year filter lists the years with public news: read from this
            # index alone instead of the whole table (in the site's time zone, as the query);
            # the end of the publication window is in it too, or every row is read to check it.
            models.Index(
                ExtractYear("publish_at"),
                "publish_at",
                "unpublish_at",
                condition=models.Q(status="published"),
                name="newspost_public_year_window",
            ),
        ]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        year = timezone.localtime(self.publish_at).year
        return reverse("news:detail", kwargs={"year": year, "slug": self.slug})

    def clean(self):
        super().clean()
        require_alt_text(self, "hero_image", "hero_alt")
        if self.campaign_id and self.network_id and self.campaign.network_id != self.network_id:
            raise ValidationError({"campaign": _("Choose a campaign of the post's own network.")})

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.in_window()


class NewsLink(models.Model):
    """A link to read more elsewhere, under a news post."""

    owner = Owner("post__network", public=True)

    post = models.ForeignKey(NewsPost, verbose_name=_("news post"), on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=150)
    url = models.URLField(_("address"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "network_newslink"
        ordering = ["post", "position", "pk"]
        verbose_name = _("external link")
        verbose_name_plural = _("external links")

    def __str__(self):
        return self.label
