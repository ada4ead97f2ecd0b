"""What the audit trail records, in one place: every content and permission model, which fields stay
out, which are kept without their values, and which publishes. An entry finds its network through
the model's owner declaration (core/owners.py).

django-auditlog does the recording (signals on save, delete and many-to-many changes);
`AuditlogMiddleware` makes the signed-in staff member the actor. Models holding personal data of
the public (signatures, registrations, subscribers, subscriptions, deliveries) are deliberately
absent: the trail must keep no copy of data people can have erased.
"""

from dataclasses import dataclass

from auditlog.registry import auditlog
from django.apps import apps

from core.owners import owner_of


@dataclass(frozen=True)
class Publication:
    """The field that puts an object online: `published` are its values that do, `offline` the one that does not."""

    field: str
    published: tuple
    offline: object = False
    # What setting it reads as in the trail; a newsletter issue is sent rather than published.
    event: str = "published"

    def is_published(self, value):
        return value in self.published


@dataclass(frozen=True)
class Audited:
    model: str
    # Derived or bookkeeping fields (image sizes, counters, timestamps): their changes are noise.
    exclude: tuple = ()
    # Only these fields, when given (for models that are mostly something else, such as users).
    include: tuple = ()
    # Personal data: the trail notes that it changed, never the values (they could not be erased).
    private: tuple = ()
    m2m: tuple = ()
    publication: Publication | None = None
    # str() of the object is a person's name: entries name it by its kind and id instead.
    anonymous: bool = False


ON = Publication("published", published=(True,), offline=False)

AUDITED = [
    Audited("network.Network", exclude=("logo_width", "logo_height")),
    Audited("network.Theme"),
    Audited("network.Page", exclude=("updated_at",), m2m=("themes",), publication=ON),
    Audited("network.Partner", exclude=("logo_width", "logo_height")),
    Audited("network.Document", exclude=("size",), m2m=("themes",), publication=ON),
    Audited(
        "news.NewsPost",
        exclude=("hero_width", "hero_height", "created_at", "updated_at"),
        m2m=("themes", "associations", "attachments"),
        publication=Publication("status", published=("published",), offline="draft"),
    ),
    Audited("news.NewsLink"),
    Audited("network.NetworkMembership"),
    # A preview's share link made or revoked (network/sharing.py): who let whom read what, until when.
    Audited("network.ShareLink"),
    Audited(
        "associations.Association",
        exclude=("updated_at", "check_asked_at"),
        private=("contact_person", "phone", "email"),
        m2m=("themes",),
        # Inactive associations are hidden from the site: switching it is taking them offline.
        publication=Publication("is_active", published=(True,), offline=False),
    ),
    Audited("associations.Activity"),
    Audited("associations.OpeningHours"),
    Audited("associations.Closure"),
    Audited("associations.Photo", exclude=("image_width", "image_height")),
    Audited("associations.Story", exclude=("photo_width", "photo_height"), publication=ON),
    Audited("associations.AssociationMembership"),
    # Who may propose changes on "Mijn vereniging", and what became of each proposal.
    Audited("associations.AssociationVolunteer"),
    Audited("associations.HeldChange", exclude=("proposed",)),
    Audited(
        "events.Event",
        exclude=("uid", "starts_at", "ends_at", "created_at", "updated_at"),
        m2m=("themes",),
        publication=ON,
    ),
    Audited(
        "campaigns.Campaign",
        exclude=("hero_width", "hero_height", "created_at", "updated_at"),
        m2m=("themes",),
        publication=Publication("is_published", published=(True,), offline=False),
    ),
    Audited("campaigns.KeyDate"),
    Audited(
        "campaigns.Face",
        exclude=("photo_width", "photo_height"),
        private=("name", "role", "quote", "photo", "photo_alt"),
        anonymous=True,
    ),
    Audited("campaigns.CampaignDocument"),
    Audited("newsletter.MailingList", exclude=("unsubscribed_count", "erased_count")),
    Audited(
        "newsletter.Issue",
        exclude=("created_at", "updated_at", "sending_started_at", "sent_at", "recipient_count"),
        m2m=("news_posts", "events", "campaigns"),
        publication=Publication("status", published=("sending", "sent"), offline=None, event="sent"),
    ),
    # Who may do what: the permission flags and roles of staff accounts, nothing else of them.
    Audited(
        "auth.User",
        include=("is_active", "is_staff", "is_superuser"),
        m2m=("groups", "user_permissions"),
    ),
]

_registered = {}


def config_for(model):
    """The Audited entry of a model class, or None when the trail does not follow it."""
    return _registered.get(model)


def audited_models():
    return list(_registered)


def publication_of(model):
    audited = config_for(model)
    return audited.publication if audited else None


def network_path(model):
    """The attribute path from an object to its network's id ("campaign.network_id"); None: shared by all
    networks or a staff account (their entries are the superusers')."""
    owner = owner_of(model)
    return owner.attribute if owner else None


def _additional_data(model):
    owner = owner_of(model)

    def get_additional_data(self):
        """Stored with every audit entry of this object (django-auditlog calls it): its network."""
        return {"network_id": owner.network_id(self) if owner else None}

    return get_additional_data


def register_all():
    """Register every model of AUDITED with django-auditlog (AuditConfig.ready)."""
    for audited in AUDITED:
        model = apps.get_model(audited.model)
        auditlog.register(
            model,
            include_fields=list(audited.include),
            exclude_fields=list(audited.exclude),
            m2m_fields=set(audited.m2m),
        )
        # django-auditlog asks the object itself for `additional_data`; the network comes from the model's owner.
        model.get_additional_data = _additional_data(model)
        _registered[model] = audited
