"""Campaigns (such as #lokaalsociaal), their key dates, faces, documents and supporter signatures."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.images import image_alt_field, image_field, image_size_field, require_alt_text
from core.owners import Owner
from core.publication import PublicationWindow, PublicationWindowQuerySet, publish_at_field, unpublish_at_field
from core.richtext import RichTextField
from core.tokens import new_nonce
from network.models import Document, Network, Theme

DEFAULT_CONSENT_TEXT = _(
    "I support this campaign. The network keeps my name, place and email address to count my "
    "signature and, only if I ticked the box, to show my name on this page. My email address is "
    "never shown or passed on. I can have my signature erased at any time through the link in the "
    "confirmation mail."
)


class CampaignQuerySet(PublicationWindowQuerySet):
    def published(self):
        return self.filter(is_published=True).in_window()

    def running(self, today=None):
        today = today or timezone.localdate()
        return self.published().filter(starts_on__lte=today, ends_on__gte=today)


class Campaign(PublicationWindow, models.Model):
    owner = Owner("network", public=True)

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    hashtag = models.CharField(
        _("hashtag"),
        max_length=60,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Za-zÀ-ÿ_]+$", _("Letters, digits and _ only, without the #."))],
        help_text=_("Without the #, e.g. lokaalsociaal."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("The address: /acties/<slug>/."))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), help_text=_("After this day the campaign stays online, marked as ended."))
    is_published = models.BooleanField(_("published"), default=False)
    publish_at = publish_at_field()
    unpublish_at = unpublish_at_field()
    is_example = models.BooleanField(_("example data"), default=False, editable=False)
    intro = models.TextField(_("introduction"), max_length=600, help_text=_("Two or three plain sentences."))
    body = RichTextField(_("text"), blank=True)
    hero_image = image_field(_("image"), upload_to="campaigns/", size_prefix="hero")
    hero_width = image_size_field()
    hero_height = image_size_field()
    hero_alt = image_alt_field(
        _("image alt text"), help_text=_("What does the image show? Write it for someone who cannot see it.")
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="campaigns")
    documents = models.ManyToManyField(
        Document, verbose_name=_("documents"), through="CampaignDocument", blank=True, related_name="campaigns"
    )
    call_to_action = models.CharField(
        _("call to action"),
        max_length=200,
        blank=True,
        help_text=_("One sentence that asks the reader to act, e.g. 'Sign and ask your municipality to act.'"),
    )
    call_to_action_url = models.URLField(
        _("call to action link"), blank=True, help_text=_("Empty: the call leads to the signature form.")
    )
    collects_signatures = models.BooleanField(_("collects signatures"), default=True)
    consent_text = models.TextField(
        _("consent text"),
        default=DEFAULT_CONSENT_TEXT,
        help_text=_("Shown above the signature button and stored with every signature."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot come before the start.")})
        require_alt_text(self, "hero_image", "hero_alt")

    def status(self, today=None):
        today = today or timezone.localdate()
        if today < self.starts_on:
            return self.Status.UPCOMING
        if today > self.ends_on:
            return self.Status.ENDED
        return self.Status.RUNNING

    @property
    def is_running(self):
        return self.status() == self.Status.RUNNING

    @property
    def is_ended(self):
        return self.status() == self.Status.ENDED

    @property
    def accepts_signatures(self):
        return self.collects_signatures and self.is_public and self.is_running

    @property
    def is_public(self):
        return self.is_published and self.in_window()

    @property
    def tag(self):
        return f"#{self.hashtag}" if self.hashtag else ""


class KeyDate(models.Model):
    owner = Owner("campaign__network", public=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="key_dates"
    )
    label = models.CharField(_("label"), max_length=200)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")

    def __str__(self):
        return self.label

    @property
    def days_left(self):
        """Days until the date while it lies ahead; None on the day itself and after."""
        days = (self.date - timezone.localdate()).days
        return days if days > 0 else None

    @property
    def is_today(self):
        return self.date == timezone.localdate()


FACE_PHOTO_NEEDS_CONSENT = _(
    "A photo can only be added once the consent is recorded: tick “consent recorded” and give its date. "
    "Without consent, remove the photo (Clear)."
)


class Face(models.Model):
    """A person who lends their face and words to the campaign, shown only with recorded consent.

    Uploads are public files at stable addresses (the app, nginx or a bucket serve them to
    anyone who has the address), so a photo is only stored once the consent is recorded: the
    form refuses it before, save() refuses it from code, and a database constraint holds it.
    Withdrawing the consent means clearing the photo too, which deletes its files.
    """

    owner = Owner("campaign__network", public=True)

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="faces")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role or municipality"), max_length=160, blank=True)
    quote = models.TextField(_("quote"), max_length=600)
    photo = image_field(
        _("photo"),
        upload_to="campaigns/faces/",
        size_prefix="photo",
        help_text=_("Only once the consent is recorded: before that, the photo is refused."),
    )
    photo_width = image_size_field()
    photo_height = image_size_field()
    photo_alt = image_alt_field(_("photo alt text"))
    consent_recorded = models.BooleanField(
        _("consent recorded"),
        default=False,
        help_text=_(
            "The person agreed in writing to appear with name, photo and quote. Without it, nothing is shown."
        ),
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_recorded=True) | models.Q(photo=""),
                name="face_photo_needs_consent",
                violation_error_message=FACE_PHOTO_NEEDS_CONSENT,
            )
        ]
        verbose_name = _("face")
        verbose_name_plural = _("faces")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Before the field stores the upload: a refused photo must not reach public storage at all.
        if self.photo and not self.consent_recorded:
            raise ValidationError({"photo": FACE_PHOTO_NEEDS_CONSENT})
        super().save(*args, **kwargs)

    def clean(self):
        if self.photo and not self.consent_recorded:
            raise ValidationError({"photo": FACE_PHOTO_NEEDS_CONSENT})
        require_alt_text(self, "photo", "photo_alt")
        if self.consent_recorded and not self.consent_recorded_on:
            raise ValidationError({"consent_recorded_on": _("Give the date on which the consent was recorded.")})
        if self.consent_recorded_on and self.consent_recorded_on > timezone.localdate():
            raise ValidationError({"consent_recorded_on": _("This date lies in the future.")})


class CampaignDocument(models.Model):
    owner = Owner("campaign__network", public=True)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE)
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE)
    version = models.CharField(_("version"), max_length=40, blank=True, help_text=_("E.g. 1.0 or 'tweede druk'."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "document"], name="campaign_document_once")]
        verbose_name = _("campaign document")
        verbose_name_plural = _("campaign documents")

    def __str__(self):
        return str(self.document)

    def clean(self):
        if self.campaign_id and self.document_id and self.document.network_id != self.campaign.network_id:
            raise ValidationError({"document": _("Choose a document of the campaign's own network.")})


class SignatureQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


def place_label(text):
    """One spelling per place, so the tally counts 'sint-niklaas ' and 'Sint-Niklaas' together."""
    words = " ".join(text.split())
    return "-".join(
        " ".join(word[:1].upper() + word[1:].lower() for word in part.split(" ")) for part in words.split("-")
    )


class Signature(models.Model):
    # Confirmed signatures show as the campaign's count, names and tally.
    owner = Owner("campaign__network", public=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="signatures"
    )
    name = models.CharField(_("name"), max_length=120)
    place = models.CharField(_("municipality or postcode"), max_length=80)
    email = models.EmailField(_("email address"), max_length=254)
    show_name = models.BooleanField(_("show name publicly"), default=False)
    consent_text = models.TextField(_("consent text"))
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="one_signature_per_address")]
        indexes = [models.Index(fields=["campaign", "confirmed_at"])]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self):
        return f"{self.name} ({self.place})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.place = place_label(self.place)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
