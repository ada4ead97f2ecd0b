"""Test data for every app, in one place: factory-boy factories, and shortcuts with the signatures the tests use.

A factory makes a valid object from nothing (`NetworkFactory()`); pass only what the test is
about (`NewsPostFactory(network=own, status=NewsPost.Status.PUBLISHED)`). Related objects are
made on the way (a page without a network gets a network of its own). Staff come with their
group, networks, associations, a verified address and the second factor the admin requires:
`StaffFactory(role=Role.NETWORK_EDITOR, networks=[own])`.

The shortcuts below the factories (make_network, make_event, make_campaign, ...) keep the calls
the tests were written with; they only fill in a factory's arguments.
"""

import datetime
import zoneinfo
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from associations.models import (
    Activity,
    Association,
    AssociationMembership,
    AssociationVolunteer,
    Closure,
    HeldChange,
    OpeningHours,
    Story,
)
from campaigns.models import Campaign, Signature
from events.models import Event, Registration
from linkcheck.models import Link, LinkUse
from network.models import Document, Network, NetworkMembership, Page, Partner, ShareLink, Theme
from news.models import NewsPost
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Delivery, Issue, MailingList, Subscriber, Subscription
from tests.helpers import with_mfa

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# The moment the event tests freeze time at (tests/events/conftest.py): a Thursday in summer time,
# three weeks before the clocks go back (25 October 2026). make_event counts its days from here.
EVENTS_NOW = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=BRUSSELS)


def slugify_title(title):
    return title.lower().replace(" ", "-")


# Network --------------------------------------------------------------------------------------


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda number: f"netwerk{number}")
    name = factory.LazyAttribute(lambda network: f"Netwerk {network.slug}")
    short_name = factory.LazyAttribute(lambda network: network.slug.upper()[:5])
    region = "vlaanderen"
    mission = "<p>Missie</p>"


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda number: f"Thema {number}")
    slug = factory.LazyAttribute(lambda theme: slugify_title(theme.name))


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda number: f"Pagina {number}")
    slug = factory.LazyAttribute(lambda page: slugify_title(page.title))
    body = "<p>Tekst</p>"
    last_reviewed = datetime.date(2026, 1, 1)


class DocumentFactory(DjangoModelFactory):
    """A published document unless `published=False` (a new document in the admin is a draft)."""

    class Meta:
        model = Document

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda number: f"Dossier {number}")
    date = datetime.date(2026, 1, 1)
    file = factory.LazyAttribute(lambda document: SimpleUploadedFile(f"{slugify_title(document.title)}.pdf", PDF))
    published = True


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda number: f"Partner {number}")


class NewsPostFactory(DjangoModelFactory):
    """A draft unless `status` says otherwise."""

    class Meta:
        model = NewsPost

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda number: f"Bericht {number}")
    slug = factory.LazyAttribute(lambda post: slugify_title(post.title))
    lead = "Kort"
    body = "<p>Tekst</p>"


# People ---------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A person with an account but no access to the admin; password "x" unless `password` says otherwise."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"gebruiker{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("x")


class StaffFactory(UserFactory):
    """A staff member: `role` (a network.permissions.Role group name), `networks` and `associations`
    they belong to; a verified address (`verified=False` for one that is not) and the second factor
    (`mfa=False` for none yet: its secret is on `user.totp_secret`)."""

    is_staff = True

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def networks(user, create, extracted, **kwargs):
        for network in extracted or ():
            NetworkMembership.objects.create(user=user, network=network)

    @factory.post_generation
    def associations(user, create, extracted, **kwargs):
        for association in extracted or ():
            AssociationMembership.objects.create(user=user, association=association)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=extracted is not False)

    @factory.post_generation
    def mfa(user, create, extracted, **kwargs):
        if extracted is not False:
            with_mfa(user)


class VolunteerFactory(UserFactory):
    """An association volunteer: no staff flag, no password (signs in with a mailed code), a verified
    address, linked to the `associations` they keep on "Mijn vereniging"."""

    password = "!"  # an unusable password, as set_unusable_password() writes it

    @factory.post_generation
    def associations(user, create, extracted, **kwargs):
        for association in extracted or ():
            AssociationVolunteer.objects.create(user=user, association=association)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


class SuperuserFactory(StaffFactory):
    is_superuser = True
    username = factory.Sequence(lambda number: f"super{number}")


# Associations ---------------------------------------------------------------------------------


class AssociationFactory(DjangoModelFactory):
    class Meta:
        model = Association

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda number: f"Vereniging {number}")
    slug = factory.LazyAttribute(lambda association: slugify_title(association.name))
    municipality = "Puurs"
    postcode = "2870"
    intro = "Kort"


class StoryFactory(DjangoModelFactory):
    """A published story ("Vereniging in beeld") of a new association unless `association` says otherwise."""

    class Meta:
        model = Story

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda number: f"Verhaal {number}")
    slug = factory.LazyAttribute(lambda story: slugify_title(story.title))
    quote = "Hier worden we gehoord"
    body = "<p>Ons verhaal</p>"
    date = datetime.date(2026, 3, 1)


class HeldChangeFactory(DjangoModelFactory):
    """A volunteer's proposal for an association's page, waiting for an editor (Mijn vereniging)."""

    class Meta:
        model = HeldChange

    association = factory.SubFactory(AssociationFactory)
    proposed = factory.LazyFunction(dict)
    submitted_at = factory.LazyFunction(timezone.now)


# Campaigns ------------------------------------------------------------------------------------


class CampaignFactory(DjangoModelFactory):
    """A published campaign that started `days_ago` days ago and runs `days_left` more days."""

    class Meta:
        model = Campaign

    class Params:
        days_ago = 10
        days_left = 30

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda number: f"actie{number}")
    title = factory.LazyAttribute(lambda campaign: f"Actie {campaign.slug}")
    hashtag = factory.LazyAttribute(lambda campaign: campaign.slug.replace("-", ""))
    starts_on = factory.LazyAttribute(lambda c: timezone.localdate() - datetime.timedelta(days=c.days_ago))
    ends_on = factory.LazyAttribute(lambda c: timezone.localdate() + datetime.timedelta(days=c.days_left))
    is_published = True
    intro = "Een korte uitleg van de actie."


class SignatureFactory(DjangoModelFactory):
    """A confirmed signature (`confirmed=False` for one waiting for its mail to be confirmed)."""

    class Meta:
        model = Signature

    class Params:
        confirmed = True

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda number: f"Ondertekenaar {number}")
    place = "Gent"
    email = factory.Sequence(lambda number: f"teken{number}@example.org")
    show_name = True
    consent_text = factory.SelfAttribute("campaign.consent_text")
    confirmed_at = factory.LazyAttribute(lambda signature: timezone.now() if signature.confirmed else None)


# Events ---------------------------------------------------------------------------------------


class EventFactory(DjangoModelFactory):
    """A published physical event `days` days after EVENTS_NOW, 14:00-16:00 Brussels time; validated
    (full_clean) like the admin does, so starts_at and ends_at are set."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    class Params:
        days = 10

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda number: f"activiteit{number}")
    title = factory.LazyAttribute(lambda event: f"Activiteit {event.slug}")
    intro = factory.LazyAttribute(lambda event: f"Inleiding {event.slug}")
    description = "<p>Beschrijving</p>"
    start_date = factory.LazyAttribute(lambda event: (EVENTS_NOW + datetime.timedelta(days=event.days)).date())
    start_time = datetime.time(14, 0)
    end_time = datetime.time(16, 0)
    place_name = "Zaal De Kring"
    street_address = "Kerkstraat 1"
    postcode = "3500"
    municipality = "Hasselt"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        event = model_class(*args, **kwargs)
        event.full_clean()
        event.save()
        return event

    @factory.post_generation
    def themes(event, create, extracted, **kwargs):
        if extracted:
            event.themes.set(extracted)


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda number: f"Deelnemer {number}")
    email = factory.LazyAttribute(lambda registration: f"{slugify_title(registration.name)}@example.org")


# Newsletter -----------------------------------------------------------------------------------


class MailingListFactory(DjangoModelFactory):
    class Meta:
        model = MailingList

    network = factory.SubFactory(NetworkFactory)
    slug = "nieuwsbrief"
    name = factory.LazyAttribute(lambda mailing_list: f"Nieuwsbrief {mailing_list.network.short_name}")


class SubscriberFactory(DjangoModelFactory):
    """A confirmed subscriber; with `lists`, a subscription to each (confirmed unless `lists__status=...`)."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda number: f"lezer{number}@example.org")
    name = ""
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lists(subscriber, create, extracted, **kwargs):
        for mailing_list in extracted or ():
            SubscriptionFactory(subscriber=subscriber, mailing_list=mailing_list, **kwargs)


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    mailing_list = factory.SubFactory(MailingListFactory)
    status = Subscription.Status.CONFIRMED
    consent_version = CONSENT_VERSION
    consent_text = factory.LazyFunction(lambda: str(CONSENT_TEXT))
    consented_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda subscription: None if subscription.status == Subscription.Status.PENDING else subscription.consented_at
    )
    unsubscribed_at = factory.LazyAttribute(
        lambda subscription: (
            subscription.consented_at if subscription.status == Subscription.Status.UNSUBSCRIBED else None
        )
    )


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    mailing_list = factory.SubFactory(MailingListFactory)
    subject = "Nieuws uit het netwerk"
    intro = "Een eerste alinea.\n\nEen tweede alinea."


class ShareLinkFactory(DjangoModelFactory):
    """A share link to the preview of `shared` (a draft news post unless given), made by `created_by`,
    working 7 days from now."""

    class Meta:
        model = ShareLink
        exclude = ["shared"]

    shared = factory.SubFactory(NewsPostFactory)
    network_id = factory.LazyAttribute(lambda link: type(link.shared).owner.network_id(link.shared))
    content_type = factory.LazyAttribute(lambda link: ContentType.objects.get_for_model(link.shared))
    object_id = factory.LazyAttribute(lambda link: link.shared.pk)
    created_by = factory.SubFactory(SuperuserFactory)
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda link: link.created_at + datetime.timedelta(days=7))


class DeliveryFactory(DjangoModelFactory):
    """One copy of an issue to a subscriber, waiting to be sent unless `status` says otherwise."""

    class Meta:
        model = Delivery

    issue = factory.SubFactory(IssueFactory)
    subscriber = factory.SubFactory(SubscriberFactory)
    status = Delivery.Status.PENDING


# Link check -----------------------------------------------------------------------------------


class LinkFactory(DjangoModelFactory):
    """A link that failed its last two checks (`status` and the rest for another state)."""

    class Meta:
        model = Link

    url = factory.Sequence(lambda number: f"https://voorbeeld{number}.example/pagina")
    status = Link.Status.BROKEN
    http_status = 404
    checked_at = factory.LazyFunction(timezone.now)
    failures = 2
    first_failed_at = factory.LazyAttribute(lambda link: link.checked_at - datetime.timedelta(days=1))


class LinkUseFactory(DjangoModelFactory):
    """The link in the body of `used_in` (a news post unless given), in that object's network."""

    class Meta:
        model = LinkUse
        exclude = ["used_in"]

    link = factory.SubFactory(LinkFactory)
    used_in = factory.SubFactory(NewsPostFactory)
    content_type = factory.LazyAttribute(lambda use: ContentType.objects.get_for_model(use.used_in))
    object_id = factory.LazyAttribute(lambda use: use.used_in.pk)
    field = "body"
    object_repr = factory.LazyAttribute(lambda use: str(use.used_in))
    network = factory.LazyAttribute(lambda use: use.used_in.network)


# Shortcuts with the signatures the tests were written with ------------------------------------


def make_network(slug, position):
    return NetworkFactory(slug=slug, position=position, brand_colour="#1d5a8c")


def make_page(network, title, *, published=True, slug=None):
    return PageFactory(network=network, title=title, slug=slug or slugify_title(title), published=published)


def make_post(network, title, *, published=False):
    status = NewsPost.Status.PUBLISHED if published else NewsPost.Status.DRAFT
    return NewsPostFactory(network=network, title=title, status=status)


def make_association(network, name, **fields):
    return AssociationFactory(network=network, name=name, **fields)


def bulk_associations(network, number, *, start=0, themes=(), weekdays=(), closed=None, activity=False):
    """`number` active associations in Puurs ("Vereniging 0000"...), made in a few queries, for counting
    the queries of long lists: each a little further east of Puurs (so sorting by distance has work to
    do), open 9-12 on `weekdays`, closed from closed[0] to closed[1] when given, with an activity when
    `activity`, and `themes`."""
    associations = Association.objects.bulk_create(
        Association(
            network=network,
            name=f"Vereniging {index:04}",
            slug=f"vereniging-{index:04}",
            municipality="Puurs",
            postcode="2870",
            province="antwerpen",
            latitude=Decimal("51.075000"),
            longitude=Decimal("4.280000") + Decimal(index) / 10000,
            intro="Een vereniging die mensen samenbrengt.",
            description="<p>x</p>",
        )
        for index in range(start, start + number)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(association=association, weekday=day, opens=datetime.time(9), closes=datetime.time(12))
        for association in associations
        for day in weekdays
    )
    if closed:
        Closure.objects.bulk_create(
            Closure(association=association, starts_on=closed[0], ends_on=closed[1]) for association in associations
        )
    if activity:
        Activity.objects.bulk_create(
            Activity(association=association, what="Praatgroep", when="dinsdag") for association in associations
        )
    Association.themes.through.objects.bulk_create(
        Association.themes.through(association_id=association.pk, theme_id=theme.pk)
        for association in associations
        for theme in themes
    )
    return associations


def make_campaign(network, slug="lokaalsociaal", *, days_ago=10, days_left=30, **fields):
    return CampaignFactory(network=network, slug=slug, days_ago=days_ago, days_left=days_left, **fields)


def make_signature(campaign, number, *, confirmed=True, place="Gent", show_name=True):
    return SignatureFactory(
        campaign=campaign,
        name=f"Ondertekenaar {number}",
        email=f"teken{number}@example.org",
        place=place,
        show_name=show_name,
        confirmed=confirmed,
    )


def make_event(network, slug, *, days=10, themes=(), **fields):
    return EventFactory(network=network, slug=slug, days=days, themes=themes, **fields)


def make_list(network, slug="nieuwsbrief", **fields):
    return MailingListFactory(network=network, slug=slug, **fields)


def make_subscriber(email, *lists, status=Subscription.Status.CONFIRMED, name=""):
    confirmed_at = None if status == Subscription.Status.PENDING else timezone.now()
    return SubscriberFactory(email=email, name=name, confirmed_at=confirmed_at, lists=lists, lists__status=status)


def make_issue(mailing_list, subject="Nieuws uit het netwerk", **fields):
    return IssueFactory(mailing_list=mailing_list, subject=subject, **fields)
