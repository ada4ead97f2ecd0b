"""Who may touch which association: network editors their networks' associations, association
editors only the associations they are linked to. Used by the admin and by views alike."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.permissions import NetworkScopedAdmin, network_ids


def association_ids(user):
    """Ids of the associations a user is linked to, fetched once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_association_ids"):
        user._association_ids = frozenset(user.association_memberships.values_list("association_id", flat=True))
    return user._association_ids


def edits_whole_networks(user):
    """Network editors (who may add associations) work on every association of their networks."""
    return user.has_perm("associations.add_association")


def association_scope(user, prefix=""):
    """A Q filter for the associations (reached through `prefix`, e.g. "association__") a user may edit."""
    if user.is_superuser:
        return Q()
    scope = Q(**{f"{prefix}pk__in": association_ids(user)})
    if edits_whole_networks(user):
        scope |= Q(**{f"{prefix}network_id__in": network_ids(user)})
    return scope


def can_edit_association(user, association):
    if not user.is_active:
        return False
    if user.is_superuser or association.pk in association_ids(user):
        return True
    return edits_whole_networks(user) and association.network_id in network_ids(user)


class AssociationScopedAdmin(NetworkScopedAdmin):
    """Admin for an association or something belonging to one (`association_path` leads to it)."""

    association_path = ""

    def get_queryset(self, request):
        queryset = super(NetworkScopedAdmin, self).get_queryset(request)
        return queryset.filter(association_scope(request.user, self.association_path))

    def association_of(self, obj):
        return getattr(obj, self.association_path.rstrip("_")) if self.association_path else obj

    def _allowed(self, request, obj):
        return obj is None or can_edit_association(request.user, self.association_of(obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from associations.models import Association

        if db_field.related_model is Association:
            kwargs["queryset"] = Association.objects.filter(association_scope(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Form choices already refuse other associations; this guards anything that bypasses them.
        if not self._allowed(request, obj):
            raise PermissionDenied(_("You may only edit your own associations."))
        super(NetworkScopedAdmin, self).save_model(request, obj, form, change)


def record_profile_change(user, form, formsets):
    """Note who changed which fields of an association (its own fields and its activities and photos)."""
    from associations.models import ProfileChange

    fields = [str(form.instance._meta.get_field(name).verbose_name) for name in form.changed_data]
    fields += [str(formset.model._meta.verbose_name_plural) for formset in formsets if formset.has_changed()]
    if fields:
        ProfileChange.objects.create(association=form.instance, user=user, fields=fields)
