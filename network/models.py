import posixpath
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import pagecache
from core.images import image_alt_field, image_field, image_size_field, require_alt_text
from core.owners import Owner
from core.publication import PublicationWindow, PublicationWindowQuerySet, publish_at_field, unpublish_at_field
from core.richtext import RichTextField
from core.uploads import file_format, is_svg, sanitized_svg, validate_document_file
from network.donations import validate_bic, validate_iban


def contrast_with_white(hex_colour):
    """WCAG contrast ratio of white text on a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


RESERVED_PAGE_SLUGS = {"steun-ons", "partners", "documenten", "nieuws", "agenda", "acties", "verenigingen"}


class Region(models.TextChoices):
    FLANDERS = "vlaanderen", _("Flanders")
    BRUSSELS = "brussel", _("Brussels")
    LIMBURG = "limburg", _("Limburg")
    ANTWERP = "antwerpen", _("Antwerp")
    EAST_FLANDERS = "oost-vlaanderen", _("East Flanders")
    WEST_FLANDERS = "west-vlaanderen", _("West Flanders")
    FLEMISH_BRABANT = "vlaams-brabant", _("Flemish Brabant")


class NetworkQuerySet(models.QuerySet):
    def for_host(self, host):
        """The network whose own domain is `host` (port ignored), or None."""
        domain = host.split(":")[0].lower().removeprefix("www.")
        return self.filter(domain__in=[domain, f"www.{domain}"]).first() if domain else None

    def main(self):
        """The network served at `/`: the one without a parent, first by position."""
        return self.filter(parent__isnull=True).order_by("position", "name").first()


class Network(models.Model):
    owner = Owner("pk", public=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, help_text=_("For example NTA, BPA or TPA."))
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=30, choices=Region)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    mission = RichTextField(_("mission"))
    logo = image_field(_("logo"), upload_to="networks/", size_prefix="logo")
    logo_width = image_size_field()
    logo_height = image_size_field()
    logo_alt = image_alt_field(
        _("logo alt text"),
        max_length=200,
        help_text=_("Describe the logo for people who cannot see it, usually the network's name."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#b3261e",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as # followed by six hexadecimal digits."))],
        help_text=_("Used for lines and buttons; dark enough to read white text on it."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    bluesky_url = models.URLField(_("Bluesky"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    beneficiary = models.CharField(_("beneficiary"), max_length=70, blank=True)
    donation_reference = models.PositiveBigIntegerField(
        _("donation reference number"),
        null=True,
        blank=True,
        help_text=_("Up to ten digits; the site adds the check digits of the structured communication."),
    )
    tax_certificate = models.BooleanField(
        _("gives tax certificates"),
        default=False,
        help_text=_("Recognised to give tax certificates for gifts of at least 40 euro a year."),
    )
    domain = models.CharField(
        _("own domain"),
        max_length=120,
        blank=True,
        null=True,
        unique=True,
        help_text=_("For example trefpuntarmoede.be; this domain then shows this network's home."),
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:detail", kwargs={"slug": self.slug})

    @cached_property
    def funders(self):
        """The funders every footer of this network shows (built once per generation of the site: a
        partner's change bumps it)."""
        return pagecache.kept(
            f"funders:{self.pk}", [pagecache.SITE], lambda: list(self.partners.filter(kind=Partner.Kind.FUNDER))
        )

    @cached_property
    def menu_pages(self):
        """The network's published pages, in menu order (built once per generation of the network's content).

        What is kept is every published page with its publication window; the window is applied
        here, at each request, so a page appears in the menu the moment its window opens, with
        no change to bump a generation and no query."""
        pages = pagecache.kept(
            f"menu-pages:{self.pk}",
            [pagecache.SITE, self.pk],
            lambda: list(
                self.pages.filter(published=True).only(
                    "network_id", "title", "slug", "position", "publish_at", "unpublish_at"
                )
            ),
        )
        now = timezone.now()
        return [page for page in pages if page.in_window(now)]

    @cached_property
    def regional_networks(self):
        """The regional networks that belong to this one (built once per generation of the networks)."""
        return pagecache.kept(f"regional-networks:{self.pk}", [pagecache.SITE], lambda: list(self.children.all()))

    @cached_property
    def social_links(self):
        links = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("YouTube", self.youtube_url),
            ("Bluesky", self.bluesky_url),
        ]
        return [(label, url) for label, url in links if url]

    def with_regional_networks(self, path="network"):
        """A filter for the content this network's pages show, reached through `path`: its own, and for
        the main network (it has no parent) its regional networks' too. The page cache makes a
        network's parent stale along with it for this reason (network/pagecache_rules.py)."""
        scope = Q(**{path: self})
        if self.parent_id is None:
            scope |= Q(**{f"{path}__parent": self})
        return scope

    @staticmethod
    def canonical_on(host_network, path="network"):
        """A filter for the content whose canonical address is on a host (core/sites.py): on a network's own
        domain that network's content, on the main host (`host_network` None) that of networks without one."""
        if host_network is not None:
            return Q(**{path: host_network.pk})
        prefix = "" if path == "pk" else f"{path}__"  # "pk": networks themselves
        return Q(**{f"{prefix}domain__isnull": True}) | Q(**{f"{prefix}domain": ""})

    def stylesheet_url(self):
        version = self.brand_colour.lstrip("#").lower()
        return reverse("network:stylesheet", kwargs={"slug": self.slug}) + f"?v={version}"

    def clean(self):
        require_alt_text(self, "logo", "logo_alt")
        if self.domain:
            self.domain = self.domain.strip().lower().removeprefix("www.") or None
        if self.brand_colour and contrast_with_white(self.brand_colour) < 4.5:
            raise ValidationError(
                {"brand_colour": _("White text on this colour is hard to read; choose a darker colour.")}
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A network cannot be its own parent.")})


class Theme(models.Model):
    # Shared by all networks.
    owner = Owner(None, public=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:theme", kwargs={"slug": self.slug})


class PageQuerySet(PublicationWindowQuerySet):
    def published(self):
        return self.filter(published=True).in_window()


def validate_page_slug(value):
    if value in RESERVED_PAGE_SLUGS:
        raise ValidationError(_("This address is taken by another part of the site; choose another slug."))


class Page(PublicationWindow, models.Model):
    owner = Owner("network", public=True)
    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="pages")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, validators=[validate_page_slug])
    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two plain sentences."))
    body = RichTextField(_("text"))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="pages")
    position = models.PositiveSmallIntegerField(_("position in the menu"), default=0)
    published = models.BooleanField(_("published"), default=True)
    publish_at = publish_at_field()
    unpublish_at = unpublish_at_field()
    last_reviewed = models.DateField(_("last reviewed"), help_text=_("When someone last checked this text."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["network", "position", "title"]
        constraints = [models.UniqueConstraint(fields=["network", "slug"], name="unique_page_slug_per_network")]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("network:page", kwargs={"network_slug": self.network.slug, "slug": self.slug})

    @property
    def is_public(self):
        return self.published and self.in_window()


class Partner(models.Model):
    owner = Owner("network", public=True)

    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funder")
        PARTNER = "partner", _("Partner")

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.FUNDER)
    url = models.URLField(_("website"), blank=True)
    attribution = models.CharField(
        _("attribution line"),
        max_length=200,
        blank=True,
        help_text=_("For example: with the support of the Flemish Government."),
    )
    logo = image_field(_("logo"), upload_to="partners/", size_prefix="logo")
    logo_width = image_size_field()
    logo_height = image_size_field()
    logo_alt = image_alt_field(_("logo alt text"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["network", "kind", "position", "name"]
        verbose_name = _("partner or funder")
        verbose_name_plural = _("partners and funders")

    def __str__(self):
        return self.name

    def clean(self):
        require_alt_text(self, "logo", "logo_alt")


class NetworkMembership(models.Model):
    """Links a staff user to a network whose content they may edit (see network/permissions.py)."""

    owner = Owner("network", public=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="network_memberships"
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        ordering = ["network", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "network"], name="unique_network_membership")]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")

    def __str__(self):
        return f"{self.user} · {self.network}"


class DocumentQuerySet(PublicationWindowQuerySet):
    def published(self):
        return self.filter(published=True).in_window()

    def logos(self):
        return self.filter(kind=Document.Kind.LOGO)


def document_upload_to(document, filename):
    """documents/<year>/<random>/<name>: a file's address cannot be guessed before it is published.

    Media are public files (served by the app behind nginx, or by a bucket): a draft's file
    must not be found by trying names. The app also refuses to serve a draft's file
    (network/media.py); a bucket cannot, so there the random folder is what keeps it unseen.
    """
    return f"documents/{timezone.localdate():%Y}/{secrets.token_urlsafe(16)}/{filename}"


class Document(PublicationWindow, models.Model):
    owner = Owner("network", public=True)

    class Kind(models.TextChoices):
        POLICY = "dossier", _("Policy dossier")
        POSITION = "standpunt", _("Position")
        REPORT = "verslag", _("Report")
        LOGO = "logo", _("Logo")
        OTHER = "ander", _("Other")

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.POLICY)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(
        _("file"), upload_to=document_upload_to, max_length=255, validators=[validate_document_file]
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="documents")
    # New documents wait for a deliberate publication, like pages and news: an attachment of a
    # draft post is not on /documenten/ or in search before anyone chose to publish it.
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published documents appear on the site and in search; their file can be downloaded."),
    )
    publish_at = publish_at_field()
    unpublish_at = unpublish_at_field()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed and is_svg(self.file.name):
            # What is stored is the drawing written out anew from the SVG allow-list (core/svg.py).
            self.file = ContentFile(sanitized_svg(self.file), name=posixpath.basename(self.file.name))
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.file.url

    @property
    def is_public(self):
        return self.published and self.in_window()

    @property
    def format(self):
        return file_format(self.file.name)


class ShareLinkQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def active(self, now=None):
        """Links that still open their preview: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """A time-limited link to the preview of one object, for a colleague without an account
    (network/sharing.py). The link carries this row's id, signed; revoking or expiring the row ends it."""

    # Shows nothing on public pages: a link changes no cached page.
    owner = Owner("network", public=False)

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="share_links"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("kind of content"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="sharelink_object")]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return _("Share link %(id)s") % {"id": self.pk}

    def is_active(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
