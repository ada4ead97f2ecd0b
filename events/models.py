"""The calendar: events of the networks and the registrations for them.

An event happens on Brussels wall-clock time: staff give a start date and, unless it
lasts all day, a start and end time. From those the moments `starts_at` and `ends_at`
are derived on every save (timezone-aware, stored in UTC) for ordering and filtering,
so a time across a daylight-saving change is never an hour off. An all-day event runs
from midnight of its start date to midnight after its end date.
"""

import datetime
import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.listing import ALL_ROWS
from core.owners import Owner
from core.publication import (
    PublicationWindow,
    PublicationWindowQuerySet,
    publish_at_field,
    unpublish_at_field,
    window_q,
)
from core.richtext import RichTextField
from core.tokens import new_nonce
from network.models import Document, Network, Theme

# The time zone every event's wall-clock times are in, whatever the visitor's.
EVENT_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Brussels")

# Paths under /agenda/ that are not events; a slug of digits only would be a year.
RESERVED_SLUGS = {"archief", "inschrijving", "inschrijven", "agenda", "ics", "feed", "zoeken", "open-data"}

MAX_PEOPLE_PER_REGISTRATION = 10
# From this many people a registration says who they are: seats for a group are booked by one
# address, so the network must be able to see why (yourself and one companion need no reason).
GROUP_REASON_FROM_PEOPLE = 3

postcode_validator = RegexValidator(r"^[1-9]\d{3}$", _("A Belgian postcode has four digits, for example 3500."))

# Separators people type in a phone number; the digits (and a leading + or 00) are what is checked.
PHONE_SEPARATORS = re.compile(r"[\s./()-]")
# A Belgian number with its leading 0 (10 digits for a mobile, 04.., 9 for any other), or an
# international one with + or 00 and a country code (E.164: at most 15 digits).
PHONE_MESSAGE = _(
    "Give a Belgian phone number (for example 0470 12 34 56 or 011 12 34 56) or an international one with +."
)
PHONE_NUMBER = re.compile(r"^(04\d{8}|0[1-35-9]\d{7}|(\+|00)[1-9]\d{7,14})$")


def validate_event_slug(value):
    if value.isdigit():
        raise ValidationError(_("A slug of digits only would be read as a year; add a word."))
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is taken by another part of the site; choose another slug."))


def validate_https(value):
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Give a secure link that starts with https://."))


def validate_phone(value):
    """A Belgian or an international phone number, with or without spaces, dots, slashes or dashes."""
    if not PHONE_NUMBER.match(PHONE_SEPARATORS.sub("", value)):
        raise ValidationError(PHONE_MESSAGE)


def brussels_moment(date, time):
    """The aware moment of a Brussels wall-clock date and time, or None if that time does not exist there.

    On the night the clocks go forward the hour from 02:00 to 03:00 never happens; in the
    night they go back, the first of the two 02:00-03:00 hours is meant.
    """
    moment = datetime.datetime.combine(date, time, tzinfo=EVENT_TIME_ZONE)
    round_trip = moment.astimezone(datetime.UTC).astimezone(EVENT_TIME_ZONE)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return round_trip


def _midnight(date):
    return datetime.datetime.combine(date, datetime.time(0), tzinfo=EVENT_TIME_ZONE).astimezone(datetime.UTC)


class EventFormat(models.TextChoices):
    """How people take part: on location, online (the digital alternative) or both."""

    PHYSICAL = "fysiek", _("On location")
    ONLINE = "online", _("Online")
    HYBRID = "hybride", _("On location and online")


def event_format(place_name, online_url):
    """On location, online or both: with a place, a link or both."""
    if place_name and online_url:
        return EventFormat.HYBRID
    return EventFormat.ONLINE if online_url else EventFormat.PHYSICAL


class Repeat(models.TextChoices):
    """How a series repeats its first event: every week, or every month on the same weekday
    ("every 2nd Tuesday", from the first event's date; its 5th weekday reads as the last) or date."""

    WEEKLY = "wekelijks", _("Every week")
    MONTHLY_WEEKDAY = "maandelijks-weekdag", _("Every month, on the same weekday (for example every 2nd Tuesday)")
    MONTHLY_DATE = "maandelijks-datum", _("Every month, on the same date")


MAX_REPEAT_INTERVAL = 12
MAX_REPEAT_COUNT = 100
SKIP_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


def parse_skip_dates(text):
    """The dates of a series' `repeat_skip` text, one per line; ValidationError naming a line that is no date."""
    dates = set()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for date_format in SKIP_DATE_FORMATS:
            try:
                dates.add(datetime.datetime.strptime(line, date_format).date())
                break
            except ValueError:
                continue
        else:
            raise ValidationError(
                _("%(line)s is not a date: write one date per line, as 24-12-2026.") % {"line": line}
            )
    return dates


# The columns an event card shows (events/cards.py), and its network's short name as `network_short_name`.
CARD_FIELDS = (
    "title",
    "slug",
    "status",
    "start_date",
    "end_date",
    "start_time",
    "starts_at",
    "ends_at",
    "place_name",
    "online_url",
    "municipality",
    "is_example",
    "intro",
)
CARD_COLUMNS = (*CARD_FIELDS, "network_short_name")


class EventQuerySet(PublicationWindowQuerySet):
    def published(self):
        return self.filter(published=True).in_window()

    def cards(self, counted=False):
        """Only what an event card shows (events/cards.py), as rows (named tuples) rather than model instances:
        CARD_FIELDS and the network's short name as `network_short_name`, joined in the same query;
        `counted`: and in each row as `total` the number of rows without a slice (a window count)."""
        queryset = self.annotate(network_short_name=F("network__short_name"))
        if not counted:
            return queryset.values_list(*CARD_COLUMNS, named=True)
        return queryset.annotate(total=ALL_ROWS).values_list(*CARD_COLUMNS, "total", named=True)

    def upcoming(self, now=None):
        """Events that have not ended yet (ongoing ones included), soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "title", "pk")

    def past(self, now=None):
        """Events that are over, the latest first."""
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "title", "pk")

    def in_year(self, year):
        """Events that take place (at least partly) in `year`, Brussels time."""
        return self.filter(
            starts_at__lt=_midnight(datetime.date(year + 1, 1, 1)), ends_at__gt=_midnight(datetime.date(year, 1, 1))
        ).order_by("starts_at", "title", "pk")

    def of_network(self, network):
        """The events of a network; the main network's (no parent) include those of its regional networks."""
        return self.filter(network.with_regional_networks())

    def with_format(self, event_format):
        has_place, has_link = ~Q(place_name=""), ~Q(online_url="")
        return self.filter(
            {
                EventFormat.PHYSICAL: has_place & Q(online_url=""),
                EventFormat.ONLINE: Q(place_name="") & has_link,
                EventFormat.HYBRID: has_place & has_link,
            }[event_format]
        )


class Event(PublicationWindow, models.Model):
    owner = Owner("network", public=True)

    class Status(models.TextChoices):
        SCHEDULED = "gepland", _("Takes place")
        POSTPONED = "uitgesteld", _("Postponed")
        CANCELLED = "geannuleerd", _("Cancelled")

    class RegistrationMode(models.TextChoices):
        NONE = "geen", _("No registration needed")
        EXTERNAL = "extern", _("Through a link elsewhere")
        FORM = "formulier", _("With the form on this site")

    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, validators=[validate_event_slug])
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished events appear nowhere on the site.")
    )
    publish_at = publish_at_field()
    unpublish_at = unpublish_at_field()
    intro = models.CharField(
        _("short introduction"), max_length=300, help_text=_("One or two plain sentences, shown in the calendar.")
    )
    description = RichTextField(_("description"))
    audience = models.CharField(
        _("for whom"),
        max_length=200,
        blank=True,
        help_text=_("For example: members of the associations, or everyone who is interested."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="events")

    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Brussels time. Leave empty for an all-day event.")
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty when the event ends on the day it starts.")
    )
    end_time = models.TimeField(
        _("end time"), null=True, blank=True, help_text=_("Brussels time. Leave empty for an all-day event.")
    )
    starts_at = models.DateTimeField(_("starts at"), editable=False, db_index=True)
    ends_at = models.DateTimeField(_("ends at"), editable=False, db_index=True)

    place_name = models.CharField(
        _("place"), max_length=150, blank=True, help_text=_("The name of the building or room. Empty for online only.")
    )
    street_address = models.CharField(_("street and number"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[postcode_validator])
    municipality = models.CharField(_("municipality"), max_length=80, blank=True)
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        validators=[validate_https],
        help_text=_("The digital alternative: a link to take part online. With a place too, the event is hybrid."),
    )

    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.SCHEDULED)
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the event is cancelled or postponed; shown on the site.")
    )

    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    childcare = models.BooleanField(_("childcare provided"), default=False)
    travel_costs_refunded = models.BooleanField(_("travel costs refunded"), default=False)
    access_notes = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_("For example the nearest bus stop, the entrance, or what to bring."),
    )

    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=RegistrationMode, default=RegistrationMode.NONE
    )
    registration_url = models.URLField(
        _("registration link"),
        max_length=500,
        blank=True,
        validators=[validate_https],
        help_text=_("Only for registration through a link elsewhere."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many people can come, for the form on this site. Once full, people join the waiting list. "
            "Empty: no limit."
        ),
    )
    # Which needs the registration forms ask about (events/forms.py PartyForm); the answers are
    # personal data, erased with the registrations (purge_registrations).
    asks_transport = models.BooleanField(_("ask who needs transport"), default=True)
    asks_childcare = models.BooleanField(_("ask who needs childcare"), default=True)
    asks_diet = models.BooleanField(_("ask about dietary needs"), default=True)
    asks_accessibility = models.BooleanField(
        _("ask about accessibility needs"),
        default=False,
        help_text=_("For example a wheelchair place, a sign language interpreter or large print."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_(
            "For the form on this site: after this moment nobody can register or confirm any more. "
            "Empty: until the event begins."
        ),
    )

    # After the event: minutes or a report, as text and/or a document of the network's documents
    # (which has its own publication state). Shown on the event page once the event has ended.
    report_text = RichTextField(
        _("report"), help_text=_("Minutes or a report of the event, shown on its page once it has ended.")
    )
    report_document = models.ForeignKey(
        Document,
        verbose_name=_("report document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_events",
        help_text=_(
            "A document of the same network with the minutes or the report; shown once the event has ended "
            "and the document is published."
        ),
    )

    # A series: the first event holds the rule, and events/series.py makes each later date a real
    # event of its own (own page, seats, registrations), linked back by `series`.
    repeat = models.CharField(_("repeats"), max_length=20, choices=Repeat, blank=True)
    repeat_interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPEAT_INTERVAL)],
        help_text=_("1: every week or month; 2: every other week or month; and so on."),
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(
        _("number of dates"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(MAX_REPEAT_COUNT)],
        help_text=_("Instead of an end date: how many dates the series has, this one and skipped ones included."),
    )
    repeat_skip = models.TextField(
        _("skipped dates"),
        blank=True,
        help_text=_("Dates without a meeting (for example holidays), one per line, as 24-12-2026."),
    )
    series = models.ForeignKey(
        "self",
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="occurrences",
        help_text=_("The first event of the series this date belongs to."),
    )

    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Made-up demo content, marked as such on the site.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "title"]
        indexes = [models.Index(fields=["published", "ends_at"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.end_date = self.end_date or self.start_date
        starts_at, ends_at = self._moments()
        if starts_at is None or ends_at is None:
            # Only reachable without full_clean(); refuse rather than store a time an hour off.
            raise ValueError(f"{self.start_date} {self.start_time}-{self.end_time} does not exist in Brussels.")
        self.starts_at, self.ends_at = starts_at, ends_at
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    # Time -----------------------------------------------------------------------------------

    @property
    def all_day(self):
        return self.start_time is None

    @property
    def last_date(self):
        return self.end_date or self.start_date

    @property
    def local_start(self):
        """The start as an aware Brussels datetime (timed events only)."""
        return self.starts_at.astimezone(EVENT_TIME_ZONE)

    @property
    def local_end(self):
        return self.ends_at.astimezone(EVENT_TIME_ZONE)

    def _moments(self):
        """(starts_at, ends_at) from the wall-clock fields; None for a time that does not exist in Brussels."""
        if self.all_day:
            return _midnight(self.start_date), _midnight(self.last_date + datetime.timedelta(days=1))
        return brussels_moment(self.start_date, self.start_time), brussels_moment(self.last_date, self.end_time)

    # What kind of event ---------------------------------------------------------------------

    @property
    def is_physical(self):
        return bool(self.place_name)

    @property
    def is_online(self):
        return bool(self.online_url)

    @property
    def format(self):
        return event_format(self.place_name, self.online_url)

    @property
    def format_label(self):
        return EventFormat(self.format).label

    @property
    def address_line(self):
        """Street, postcode and municipality on one line."""
        place = " ".join(part for part in [self.postcode, self.municipality] if part)
        return ", ".join(part for part in [self.street_address, place] if part)

    @property
    def location_line(self):
        return ", ".join(part for part in [self.place_name, self.address_line] if part)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self):
        return self.status == self.Status.POSTPONED

    @property
    def needs_asked(self):
        """The Registration fields of the needs this event asks about, in the forms' order."""
        asked = [
            (self.asks_transport, "needs_transport"),
            (self.asks_childcare, "needs_childcare"),
            (self.asks_diet, "needs_diet"),
            (self.asks_accessibility, "needs_accessibility"),
        ]
        return [name for ask, name in asked if ask]

    @property
    def has_form(self):
        return self.registration_mode == self.RegistrationMode.FORM

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def report(self, now=None):
        """(text, document) of the report to show: nothing before the event has ended, no draft document."""
        if not self.is_over(now):
            return "", None
        document = self.report_document
        return self.report_text, document if document is not None and document.is_public else None

    @property
    def is_public(self):
        return self.published and self.in_window()

    def is_over(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def takes_staff_registrations(self, now=None):
        """Whether staff may still register people (events/registrations.register_for_others).

        Staff vouch for the people they register, so the public deadline does not bind them (an
        organiser adds a latecomer) and neither does publication (an event being prepared); the
        form, the status and the start do.
        """
        return self.has_form and self.status == self.Status.SCHEDULED and not self.has_started(now)

    def registration_open(self, now=None):
        """Whether the site's form takes registrations: published, taking place, not begun, deadline not passed."""
        return (
            self.has_form
            and self.is_public
            and self.status == self.Status.SCHEDULED
            and not self.has_started(now)
            and not self.deadline_passed(now)
        )

    def deadline_passed(self, now=None):
        """Whether the registration deadline (if any) is behind us: the form is closed for good."""
        return self.registration_closes_at is not None and self.registration_closes_at <= (now or timezone.now())

    # Validation -----------------------------------------------------------------------------

    def clean(self):
        errors = self.publication_window_errors()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The event cannot end before the day it starts.")
        if (self.start_time is None) != (self.end_time is None):
            message = _("Give both a start and an end time, or neither for an all-day event.")
            errors["start_time" if self.start_time is None else "end_time"] = message
        if self.start_date and not errors and not self.all_day:
            starts_at, ends_at = self._moments()
            if starts_at is None:
                errors["start_time"] = _("This time does not exist in Brussels: the clocks go forward that night.")
            if ends_at is None:
                errors["end_time"] = _("This time does not exist in Brussels: the clocks go forward that night.")
            if starts_at and ends_at and ends_at <= starts_at:
                errors["end_time"] = _("The event must end after it starts.")

        if not self.place_name and not self.online_url:
            errors["place_name"] = _("Give a place, an online link or both.")
        if self.place_name and not self.municipality:
            errors["municipality"] = _("Give the municipality of the place.")
        if not self.place_name and (self.street_address or self.postcode or self.municipality):
            errors["place_name"] = _("Give the name of the place too, or leave the address empty for online only.")

        if self.status != self.Status.SCHEDULED and not self.status_reason.strip():
            errors["status_reason"] = _("Tell people why the event is cancelled or postponed.")

        if self.registration_mode == self.RegistrationMode.EXTERNAL and not self.registration_url:
            errors["registration_url"] = _("Give the link where people register.")
        if self.registration_url and self.registration_mode != self.RegistrationMode.EXTERNAL:
            errors["registration_url"] = _("A registration link is only for registration through a link elsewhere.")
        if self.capacity is not None and self.registration_mode != self.RegistrationMode.FORM:
            errors["capacity"] = _("A capacity only counts for registration with the form on this site.")
        if self.registration_closes_at is not None:
            if self.registration_mode != self.RegistrationMode.FORM:
                errors["registration_closes_at"] = _(
                    "A registration deadline only counts for registration with the form on this site."
                )
            elif "start_time" not in errors and "end_time" not in errors and self.start_date:
                starts_at = self._moments()[0]
                if starts_at is not None and self.registration_closes_at > starts_at:
                    errors["registration_closes_at"] = _("Registration must close before the event begins.")
        errors.update(self._series_errors())
        document = self.report_document if self.report_document_id else None
        if document is not None and self.network_id is not None and document.network_id != self.network_id:
            errors["report_document"] = _("Choose a document of the event's own network.")
        if errors:
            raise ValidationError(errors)

    @property
    def skip_dates(self):
        return parse_skip_dates(self.repeat_skip)

    def _series_errors(self):
        """The rule's problems: an end date or a count (not both), after the start; skipped dates that are dates."""
        errors = {}
        if not self.repeat:
            if self.repeat_until or self.repeat_count or self.repeat_skip.strip():
                errors["repeat"] = _("Choose how the event repeats, or leave the series fields empty.")
            return errors
        if self.series_id is not None:
            errors["repeat"] = _("This event is a date of a series: change the rule on the series' first event.")
        if self.repeat_until and self.repeat_count:
            errors["repeat_count"] = _("Give an end date or a number of dates, not both.")
        if self.repeat_until and self.start_date and self.repeat_until <= self.start_date:
            errors["repeat_until"] = _("The series must end after its first date.")
        try:
            skipped = self.skip_dates
        except ValidationError as error:
            errors["repeat_skip"] = error.messages
        else:
            if self.start_date in skipped:
                errors["repeat_skip"] = _("The first date cannot be skipped: it is this event itself.")
        return errors


def pending_cutoff(now=None):
    """Registrations not confirmed since before this moment have expired (the confirmation link's lifetime)."""
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.CONFIRMATION_MAX_AGE)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed by the registrant by mail and not cancelled: a seat or a place on the waiting list."""
        return self.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])

    def current(self, now=None):
        """Active, or waiting for the registrant's confirmation and not expired: what a new post must not repeat."""
        return self.filter(
            Q(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])
            | Q(status=Registration.Status.PENDING, created_at__gte=pending_cutoff(now))
        )

    def expired(self, now=None):
        """Never confirmed within the confirmation link's lifetime: nobody will come, the data goes."""
        return self.filter(status=Registration.Status.PENDING, created_at__lt=pending_cutoff(now))

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def due_for_reminder(self, now=None):
        """Confirmed seats with an address, not reminded yet, of a published, scheduled event starting
        within EVENT_REMINDER_DAYS and inside its publication window now (an event taken offline, or
        not online yet, sends no reminder: its page, which the mail links to, would be a 404)."""
        now = now or timezone.now()
        return self.filter(
            window_q(Event, now, prefix="event__"),
            status=Registration.Status.CONFIRMED,
            reminded_at__isnull=True,
            event__published=True,
            event__status=Event.Status.SCHEDULED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + datetime.timedelta(days=settings.EVENT_REMINDER_DAYS),
        ).exclude(email="")

    def waiting(self):
        """The waiting list in the order people confirmed."""
        return self.filter(status=Registration.Status.WAITING).order_by("confirmed_at", "created_at", "pk")


class Registration(models.Model):
    """Someone's registration with the site's form: a seat for `people` people, or a place on the waiting list.

    A registration starts pending and holds nothing: only when the registrant confirms by the
    mailed link does it get a seat (or a place on the waiting list), so made-up addresses take
    no seats. Pending registrations count nowhere and expire with the confirmation link.
    """

    # Shown only as the free seats on the event's page. A save cannot tell whether the confirmed seats
    # changed (a pending post changes nothing, a cancellation of a confirmed seat does), so
    # events/registrations.py says so itself: `_seats_changed` calls pagecache.key_changed("event", pk).
    owner = Owner("event__network", public=False)

    class Status(models.TextChoices):
        PENDING = "onbevestigd", _("Not confirmed yet")
        CONFIRMED = "bevestigd", _("Confirmed")
        WAITING = "wachtlijst", _("On the waiting list")
        CANCELLED = "geannuleerd", _("Cancelled")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=120)
    # Empty for people registered by staff (register_for_others): they get no mail, staff tell them.
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("Only for people registered by staff, who have no email address to be reached at."),
    )
    association = models.CharField(_("association"), max_length=150, blank=True)
    people = models.PositiveSmallIntegerField(
        _("number of people"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE_PER_REGISTRATION)],
    )
    needs_transport = models.BooleanField(_("needs transport"), default=False)
    needs_childcare = models.BooleanField(_("needs childcare"), default=False)
    needs_diet = models.BooleanField(_("has dietary needs"), default=False)
    needs_accessibility = models.BooleanField(_("has accessibility needs"), default=False)
    group_reason = models.TextField(
        _("who comes along"),
        max_length=300,
        blank=True,
        help_text=_("Given by the registrant for a group: why one registration books several seats."),
    )
    remarks = models.TextField(_("remarks"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    # Signed into the cancel link with the primary key, so a link cannot be guessed from a number.
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who registered these people for them; empty when they registered themselves."),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Claimed before the reminder is sent (events/registrations.send_reminders): never two reminders.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        indexes = [models.Index(fields=["event", "status"])]
        permissions = [("register_others", _("Can register people without an email address for an event"))]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self):
        return f"{self.name} · {self.event}"

    def clean(self):
        error = group_reason_error(self.people, self.group_reason)
        if error:
            raise ValidationError({"group_reason": error})

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def has_expired(self, now=None):
        return self.is_pending and self.created_at < pending_cutoff(now)

    @property
    def needs(self):
        """The needs ticked, as labels."""
        labels = [
            (self.needs_transport, _("transport")),
            (self.needs_childcare, _("childcare")),
            (self.needs_diet, _("dietary needs")),
            (self.needs_accessibility, _("accessibility")),
        ]
        return [str(label) for ticked, label in labels if ticked]


def group_reason_error(people, reason):
    """The message when `people` seats need a reason and none is given, else None."""
    if people is not None and people >= GROUP_REASON_FROM_PEOPLE and not reason.strip():
        return _("Tell us who comes with you: from %(count)d people a registration needs a short explanation.") % {
            "count": GROUP_REASON_FROM_PEOPLE
        }
    return None
