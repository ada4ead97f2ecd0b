"""Who may touch what: staff roles, network memberships, and the admin base class enforcing them.

One place for the rule "an editor sees and changes only the content of their own
networks", used by the admin (querysets, object permissions, form choices) and by
views (draft previews) alike.
"""

from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.owners import owner_of


class Role:
    NETWORK_EDITOR = "Netwerkredacteur"
    NEWSLETTER_MANAGER = "Nieuwsbriefbeheerder"
    ASSOCIATION_EDITOR = "Verenigingsredacteur"


# Model permissions per role, "app_label.codename"; row-level rules are in each app's permissions.py.
def _crud(app_label, *models):
    return [f"{app_label}.{action}_{model}" for model in models for action in ("view", "add", "change", "delete")]


ROLE_PERMISSIONS = {
    Role.NETWORK_EDITOR: [
        "network.view_network",
        "network.change_network",
        "network.view_theme",
        *_crud("network", "page", "document", "partner"),
        *_crud("news", "newspost", "newslink"),
        *_crud("associations", "association", "activity", "openinghours", "closure", "photo", "story"),
        "associations.view_profilechange",
        # Volunteers of their networks' associations and their proposals ("Mijn vereniging").
        *_crud("associations", "associationvolunteer"),
        "associations.view_heldchange",
        "associations.change_heldchange",
        "associations.view_heldphoto",
        *_crud("events", "event"),
        "events.view_registration",
        # Registering people without an email address on the site (events/permissions.py).
        "events.register_others",
        *_crud("campaigns", "campaign", "keydate", "face", "campaigndocument"),
        "campaigns.view_signature",
        "campaigns.delete_signature",
        # Their networks' redirects; the addresses visitors miss, shared by all networks, to read.
        *_crud("redirects", "redirect"),
        "redirects.view_missingpath",
        # Their networks' audit trail, for the kinds of content above (audit/permissions.py).
        "audit.view_auditentry",
        # The broken links in their networks' content (linkcheck/admin.py).
        "linkcheck.view_brokenlink",
    ],
    Role.NEWSLETTER_MANAGER: [
        "network.view_network",
        *_crud("newsletter", "issue"),
        "newsletter.send_issue",
        "newsletter.view_mailinglist",
        "newsletter.add_mailinglist",
        "newsletter.change_mailinglist",
        "newsletter.view_subscription",
        "newsletter.export_subscription",
    ],
    Role.ASSOCIATION_EDITOR: [
        "associations.view_association",
        "associations.change_association",
        *_crud("associations", "activity", "openinghours", "closure", "photo"),
    ],
}


def sync_roles(**kwargs):
    """Create the role groups with exactly their permissions (post_migrate; idempotent)."""
    for name, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                permissions.append(permission)
        group.permissions.set(permissions)


def network_ids(user):
    """Ids of the networks a user belongs to, fetched once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_network_ids"):
        user._network_ids = frozenset(user.network_memberships.values_list("network_id", flat=True))
    return user._network_ids


def can_edit_network(user, network_id):
    return user.is_active and (user.is_superuser or network_id in network_ids(user))


def can_preview(user, obj):
    """May this user see `obj` before the public does: a draft post, an unpublished event or document, an issue.

    The one rule for every preview: staff with the model's view permission, for an object of one of
    their networks (found through the model's owner declaration, core/owners.py).
    """
    network_id = owner_of(type(obj)).network_id(obj)
    permission = f"{obj._meta.app_label}.view_{obj._meta.model_name}"
    return user.is_staff and user.has_perm(permission) and can_edit_network(user, network_id)


class NetworkScopedAdmin(admin.ModelAdmin):
    """Admin for a model that belongs to a network: staff see and change only their networks' objects.

    The way from the model to its network is the model's owner declaration (core/owners.py).
    """

    # Editors type "www.example.org"; https is what every site here speaks (and Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @property
    def owner(self):
        return owner_of(self.model)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.owner.lookup}__in": network_ids(request.user)})

    def object_network_id(self, obj):
        return self.owner.network_id(obj)

    def _allowed(self, request, obj):
        return obj is None or can_edit_network(request.user, self.object_network_id(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _scope_choices(db_field, request, kwargs):
        """Choices are the user's networks, or objects that belong to them (a post's campaign, attachments)."""
        from network.models import Network

        if request.user.is_superuser:
            return
        related = db_field.related_model
        if related is Network:
            kwargs["queryset"] = Network.objects.filter(pk__in=network_ids(request.user))
        elif any(field.name == "network" and field.related_model is Network for field in related._meta.fields):
            kwargs["queryset"] = related._default_manager.filter(network_id__in=network_ids(request.user))

    def save_model(self, request, obj, form, change):
        # Form choices already refuse other networks; this guards anything that bypasses them.
        if not can_edit_network(request.user, self.object_network_id(obj)):
            raise PermissionDenied(_("You may only edit content of your own networks."))
        super().save_model(request, obj, form, change)
