import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from associations.places import coordinates_for
from core.images import image_alt_field, image_field, image_size_field, require_alt_text
from core.owners import Owner
from core.publication import PublicationWindow, PublicationWindowQuerySet, publish_at_field, unpublish_at_field
from core.richtext import RichTextField
from network.models import Network, Theme


class Province(models.TextChoices):
    ANTWERP = "antwerpen", _("Antwerp")
    LIMBURG = "limburg", _("Limburg")
    EAST_FLANDERS = "oost-vlaanderen", _("East Flanders")
    FLEMISH_BRABANT = "vlaams-brabant", _("Flemish Brabant")
    WEST_FLANDERS = "west-vlaanderen", _("West Flanders")
    BRUSSELS = "brussel", _("Brussels-Capital Region")
    WALLOON_BRABANT = "waals-brabant", _("Walloon Brabant")
    HAINAUT = "henegouwen", _("Hainaut")
    LIEGE = "luik", _("Liège")
    LUXEMBOURG = "luxemburg", _("Luxembourg")
    NAMUR = "namen", _("Namur")


# Belgian postcodes by their first digits (bpost): the province follows from the postcode.
POSTCODE_PROVINCES = [
    (1000, 1299, Province.BRUSSELS),
    (1300, 1499, Province.WALLOON_BRABANT),
    (1500, 1999, Province.FLEMISH_BRABANT),
    (2000, 2999, Province.ANTWERP),
    (3000, 3499, Province.FLEMISH_BRABANT),
    (3500, 3999, Province.LIMBURG),
    (4000, 4999, Province.LIEGE),
    (5000, 5999, Province.NAMUR),
    (6000, 6599, Province.HAINAUT),
    (6600, 6999, Province.LUXEMBOURG),
    (7000, 7999, Province.HAINAUT),
    (8000, 8999, Province.WEST_FLANDERS),
    (9000, 9999, Province.EAST_FLANDERS),
]

# Where proposed photos wait (never public: associations/media.py).
HELD_PHOTOS = "associations/voorgesteld/"

# Paths under /verenigingen/ that are not associations.
RESERVED_SLUGS = {"in-beeld", "kaart", "open-data"}


def validate_association_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is taken by another part of the site; choose another slug."))


postcode_validator = RegexValidator(r"^[1-9]\d{3}$", _("A Belgian postcode has four digits, for example 2870."))


def province_for_postcode(postcode):
    """The province a Belgian postcode belongs to, or None for something that is no postcode."""
    if not (postcode or "").isdigit() or len(postcode) != 4:
        return None
    number = int(postcode)
    return next((province for low, high, province in POSTCODE_PROVINCES if low <= number <= high), None)


class AssociationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_province(self, province):
        return self.filter(province=province)

    def nearest(self, place):
        """Nearest to `place` first; those without coordinates last.

        The database orders by a flat-earth distance (longitude scaled by the cosine of the latitude),
        which over Belgium orders as the great-circle distance does, so sorting and paging stay in SQL.
        """
        scale = math.cos(math.radians(place.latitude))
        north = Cast("latitude", FloatField()) - place.latitude
        east = (Cast("longitude", FloatField()) - place.longitude) * scale
        nearness = north * north + east * east
        return self.annotate(nearness=nearness).order_by(F("nearness").asc(nulls_last=True), "name", "pk")

    def search(self, text):
        """Associations whose name, place, postcode or intro contain every word of `text`."""
        queryset = self
        for word in text.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(municipality__icontains=word)
                | Q(postcode__startswith=word)
                | Q(intro__icontains=word)
            )
        return queryset


class Association(models.Model):
    owner = Owner("network", public=True)
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="associations"
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True, validators=[validate_association_slug])
    municipality = models.CharField(_("municipality"), max_length=80)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    province = models.CharField(
        _("province"),
        max_length=20,
        choices=Province,
        blank=True,
        help_text=_("Left empty, it follows from the postcode."),
    )
    street_address = models.CharField(_("street and number"), max_length=150, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(49.4), MaxValueValidator(51.6)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(2.5), MaxValueValidator(6.5)],
    )
    coordinates_by_editor = models.BooleanField(
        _("coordinates set by an editor"),
        default=False,
        help_text=_(
            "Ticked, the latitude and longitude stay as given; otherwise they follow the postcode and "
            "municipality. Typing coordinates ticks it."
        ),
    )
    intro = models.CharField(
        _("short introduction"), max_length=300, help_text=_("One or two plain sentences, shown in the directory.")
    )
    description = RichTextField(_("description"))
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="associations")
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive associations are hidden from the directory.")
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Made-up demo content, marked as such on the site.")
    )
    closed_on_public_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_(
            "Ticked, the opening hours do not apply on Belgian public holidays (Easter Monday, 11 November, ...)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The yearly "klopt dit nog?" mail (associations/checkup.py): when it last went out, and when
    # somebody of the association last said the page is right.
    checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    check_asked_at = models.DateTimeField(_("check last asked"), null=True, blank=True, editable=False)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "name"]), models.Index(fields=["postcode"])]
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.province:
            self.province = province_for_postcode(self.postcode) or ""
        if self._state.adding and not self.coordinates_by_editor:
            self.note_given_coordinates()  # created with coordinates: someone chose them
        self.place_on_map()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("associations:detail", kwargs={"slug": self.slug})

    @property
    def province_label(self):
        """The province's name ("Antwerpen"), as get_province_display() gives it at a fraction of the cost
        (Django's display method makes the choices hashable on every call: a directory page of cards
        paid for it once per card)."""
        try:
            return Province(self.province).label
        except ValueError:
            return self.province

    def clean(self):
        expected = province_for_postcode(self.postcode)
        if expected and not self.province:
            self.province = expected
        elif expected and self.province != expected:
            raise ValidationError(
                {
                    "province": _("Postcode %(postcode)s lies in %(province)s.")
                    % {"postcode": self.postcode, "province": Province(expected).label}
                }
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def place_on_map(self):
        """Coordinates follow the postcode (and the place, "2140 Borgerhout") unless an editor set them."""
        if self.coordinates_by_editor and self.latitude is not None and self.longitude is not None:
            return
        self.coordinates_by_editor = False
        found = coordinates_for(self.postcode, self.municipality)
        self.latitude, self.longitude = (Decimal(f"{value:.6f}") for value in found) if found else (None, None)

    def note_given_coordinates(self):
        """An editor typed coordinates (admin, spreadsheet): keep them unless empty or the postcode's own."""
        found = coordinates_for(self.postcode, self.municipality)
        derived = tuple(Decimal(f"{value:.6f}") for value in found) if found else (None, None)
        given = (self.latitude, self.longitude)
        self.coordinates_by_editor = None not in given and given != derived

    @property
    def social_links(self):
        links = [("Facebook", self.facebook_url), ("Instagram", self.instagram_url)]
        return [(label, url) for label, url in links if url]


class Activity(models.Model):
    """Something an association does again and again, e.g. a weekly meeting on Tuesday morning."""

    owner = Owner("association__network", public=True)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="activities"
    )
    what = models.CharField(_("what"), max_length=150)
    when = models.CharField(_("when"), max_length=150, help_text=_("For example: every Tuesday from 9.30 to 12.00."))
    where = models.CharField(_("where"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["association", "position", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.what} ({self.when})"


class OpeningHours(models.Model):
    """A weekly time an association is open: Tuesday 9.30 to 12, "soep en babbel" in the parish hall.

    A day may have several rows (morning and afternoon, or two places); rows at the same place must
    not overlap (checked over the whole inline, see `overlapping()`).
    """

    owner = Owner("association__network", public=True)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField(_("from"))
    closes = models.TimeField(_("until"))
    what = models.CharField(
        _("what happens"), max_length=100, blank=True, help_text=_("For example: soup and a chat, social grocery.")
    )
    place = models.CharField(
        _("place"), max_length=150, blank=True, help_text=_("Left empty, it is the association's own address.")
    )

    class Meta:
        ordering = ["association", "weekday", "opens", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_close_after_opening",
                violation_error_message=_("The closing time must come after the opening time."),
            )
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must come after the opening time.")})

    def same_place(self, other):
        return " ".join(self.place.split()).casefold() == " ".join(other.place.split()).casefold()


def overlapping(rows):
    """The pairs of rows on the same day at the same place whose times overlap (touching is fine)."""
    rows = [row for row in rows if row.opens is not None and row.closes is not None]
    return [
        (first, second)
        for index, first in enumerate(rows)
        for second in rows[index + 1 :]
        if first.weekday == second.weekday
        and first.same_place(second)
        and first.opens < second.closes
        and second.opens < first.closes
    ]


class ClosureQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def not_over(self, day):
        return self.filter(ends_on__gte=day)


class Closure(models.Model):
    """Days an association is closed despite its opening hours: a holiday, a move, building works."""

    owner = Owner("association__network", public=True)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("closed from"))
    ends_on = models.DateField(_("closed until"), help_text=_("The last closed day; the same day for one day."))
    reason = models.CharField(_("reason"), max_length=100, blank=True, help_text=_("For example: Christmas holidays."))

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["association", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="closure_ends_after_it_starts",
                violation_error_message=_("The last closed day cannot come before the first."),
            )
        ]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return f"{self.starts_on:%Y-%m-%d} - {self.ends_on:%Y-%m-%d} {self.reason}".strip()

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last closed day cannot come before the first.")})


class Photo(models.Model):
    owner = Owner("association__network", public=True)
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="photos"
    )
    image = image_field(_("photo"), upload_to="associations/", size_prefix="image", blank=False)
    image_width = image_size_field()
    image_height = image_size_field()
    alt_text = image_alt_field(
        _("alt text"), blank=False, help_text=_("What does the photo show? Write it for someone who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["association", "position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.alt_text

    def clean(self):
        require_alt_text(self, "image", "alt_text")


class StoryQuerySet(PublicationWindowQuerySet):
    def published(self):
        return self.filter(published=True, association__is_active=True).in_window()


class Story(PublicationWindow, models.Model):
    """ "Vereniging in beeld": an association in the spotlight, in the words of its members."""

    owner = Owner("association__network", public=True)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    quote = models.CharField(
        _("quote"), max_length=300, help_text=_("A sentence of the members, without quote marks.")
    )
    body = RichTextField(_("story"))
    photo = image_field(_("photo"), upload_to="stories/", size_prefix="photo")
    photo_width = image_size_field()
    photo_height = image_size_field()
    photo_alt = image_alt_field(_("photo alt text"))
    date = models.DateField(_("date"))
    published = models.BooleanField(_("published"), default=True)
    publish_at = publish_at_field()
    unpublish_at = unpublish_at_field()
    # A story about a real association may be written to show the site (the demo's); its quote then
    # must not pass for the members' own words.
    is_example = models.BooleanField(
        _("example text"),
        default=False,
        help_text=_("Written to show the site, not the members' own words; marked as such on the site."),
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:story", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        require_alt_text(self, "photo", "photo_alt")

    @property
    def is_public(self):
        return self.published and self.association.is_active and self.in_window()


class AssociationMembership(models.Model):
    """Links a user to an association whose profile they may edit (see associations/permissions.py)."""

    owner = Owner("association__network", public=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="association_memberships",
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        ordering = ["association", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "association"], name="unique_association_membership")]
        verbose_name = _("association membership")
        verbose_name_plural = _("association memberships")

    def __str__(self):
        return f"{self.user} · {self.association}"


class ProfileChange(models.Model):
    """Who changed which fields of an association's profile, and when."""

    # An editor's proposed change: public only once staff apply it.
    owner = Owner("association__network", public=False)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    fields = models.JSONField(_("changed fields"), default=list)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")

    def __str__(self):
        return f"{self.association} · {self.at:%Y-%m-%d %H:%M}"


class AssociationVolunteer(models.Model):
    """A volunteer who keeps an association's page on "Mijn vereniging", signed in by a mailed code.

    Not staff: a volunteer proposes changes (HeldChange), an editor of the network approves them.
    """

    owner = Owner("association__network", public=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="volunteering"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="volunteers"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    registers_others = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_(
            "Ticked, this volunteer registers people without an email address for events, in the name of "
            "the association, and sees the people of the association on an event's attendance list."
        ),
    )

    class Meta:
        ordering = ["association", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "association"], name="unique_association_volunteer")]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return f"{self.user.email} · {self.association}"


class HeldChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=HeldChange.Status.PENDING)


class HeldChange(models.Model):
    """A volunteer's proposed profile, held until an editor of the network approves or returns it.

    `proposed` holds the whole proposal (fields, opening hours, closures, activities; see
    associations/volunteers.py); the public page shows the association as it is until approval.
    """

    class Status(models.TextChoices):
        PENDING = "wacht", _("waiting for review")
        APPROVED = "goedgekeurd", _("approved")
        RETURNED = "teruggestuurd", _("returned")

    owner = Owner("association__network", public=False)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="held_changes"
    )
    proposed = models.JSONField(_("proposed profile"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="held_changes",
    )
    submitted_at = models.DateTimeField(_("submitted"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)

    objects = HeldChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association"], condition=Q(status="wacht"), name="one_pending_change_per_association"
            )
        ]
        verbose_name = _("held change")
        verbose_name_plural = _("held changes")

    def __str__(self):
        return f"{self.association} · {self.submitted_at:%Y-%m-%d %H:%M}"


class HeldPhoto(models.Model):
    """A photo a volunteer proposes on "Mijn vereniging": not public until an editor approves its
    HeldChange (then it becomes a Photo; associations/media.py keeps the file from everybody else)."""

    owner = Owner("association__network", public=False)

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="held_photos"
    )
    image = image_field(_("photo"), upload_to=HELD_PHOTOS, size_prefix="image", blank=False)
    image_width = image_size_field()
    image_height = image_size_field()
    alt_text = image_alt_field(
        _("alt text"), blank=False, help_text=_("What does the photo show? Write it for someone who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["association", "added_at", "pk"]
        verbose_name = _("proposed photo")
        verbose_name_plural = _("proposed photos")

    def __str__(self):
        return self.caption or self.alt_text

    def clean(self):
        require_alt_text(self, "image", "alt_text")
