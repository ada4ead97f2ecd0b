"""Who may read which audit entries: superusers all of them; staff with the trail's view permission
(network editors) only the entries of their own networks, and only of the kinds of content they may
view themselves. Nobody adds, changes or deletes an entry. Used by the admin and the history link."""

from django.contrib.contenttypes.models import ContentType

from audit import registry
from network.permissions import network_ids

VIEW_PERMISSION = "audit.view_auditentry"


def may_read_trail(user):
    return user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)


def readable_models(user):
    """The audited models whose entries a user may read: every one for a superuser; for others those
    they may view that belong to a network (entries of shared things, such as themes, are the superusers')."""
    models = registry.audited_models()
    if user.is_superuser:
        return models
    return [
        model
        for model in models
        if registry.network_path(model) is not None
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


def readable_content_type_ids(user):
    return sorted(
        content_type.pk for content_type in ContentType.objects.get_for_models(*readable_models(user)).values()
    )


def scope(queryset, user):
    """The entries of `queryset` (annotated with `network_ref`) that `user` may read."""
    if not may_read_trail(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(network_ref__in=network_ids(user), content_type_id__in=readable_content_type_ids(user))


def may_read_entry(user, entry):
    if not may_read_trail(user):
        return False
    if user.is_superuser:
        return True
    return entry.network_id in network_ids(user) and entry.content_type_id in readable_content_type_ids(user)
