"""Which network owns a model's objects, declared once on the model and read by the permissions,
the page cache's invalidation and the audit trail.

Every model of the project's apps has an `owner` class attribute:

    class KeyDate(models.Model):
        owner = Owner("campaign__network", public=True)

`path` leads from the model to its network ("network", "campaign__network"); "pk" is a network
itself; None is shared by all networks (themes) or belongs to none (a subscriber, a heartbeat).
`public` says whether the objects show on public pages, so that changing one makes pages stale.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist


@dataclass(frozen=True)
class Owner:
    path: str | None
    public: bool

    @property
    def lookup(self):
        """The ORM lookup of the network's id ("campaign__network_id"), None when no network owns it."""
        if self.path is None or self.path == "pk":
            return self.path
        return f"{self.path}_id"

    @property
    def attribute(self):
        """The attribute path of the network's id from an object ("campaign.network_id")."""
        return self.lookup.replace("__", ".") if self.lookup else None

    def network_id(self, obj):
        """The id of the network owning `obj`; None where a link is missing (or no network owns it)."""
        return follow(obj, self.attribute) if self.attribute else None


def follow(obj, path):
    """The value at `path` ("campaign.network_id") from `obj`; None where a link is missing."""
    value = obj
    for name in path.split("."):
        if value is None:
            return None
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:  # deleted along with its parent (a cascade)
            return None
    return value


def owner_of(model):
    """The model's declaration, or None when it has none."""
    owner = getattr(model, "owner", None)
    return owner if isinstance(owner, Owner) else None


def undeclared_models(app_configs):
    """Labels of the models of these apps without a declaration: the page cache would not see their changes."""
    return sorted(
        model._meta.label_lower for config in app_configs for model in config.get_models() if owner_of(model) is None
    )
