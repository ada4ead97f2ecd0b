"""Admin actions that publish or take offline the selected objects.

Each object is saved on its own, never with one queryset update, so the audit trail records
every one of them with its actor, as "published" or "taken offline".
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.utils.translation import gettext_lazy as _

from audit import registry


class PublicationActions:
    """Mix into a ModelAdmin of a model with a publication field (audit.registry) to get both actions."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if registry.publication_of(self.model) is not None and self.has_change_permission(request):
            for name in ("publish_selected", "unpublish_selected"):
                actions[name] = self.get_action(name)
        return actions

    @admin.action(description=_("Publish the selected %(verbose_name_plural)s"))
    def publish_selected(self, request, queryset):
        count = self._set_publication(request, queryset, published=True)
        message = _("Published: %(count)d %(items)s.")
        self.message_user(
            request, message % {"count": count, "items": model_ngettext(self.opts, count)}, messages.SUCCESS
        )

    @admin.action(description=_("Take the selected %(verbose_name_plural)s offline"))
    def unpublish_selected(self, request, queryset):
        count = self._set_publication(request, queryset, published=False)
        message = _("Taken offline: %(count)d %(items)s.")
        self.message_user(
            request, message % {"count": count, "items": model_ngettext(self.opts, count)}, messages.SUCCESS
        )

    def _set_publication(self, request, queryset, *, published):
        """Set the publication field of every object the user may change (the queryset is already scoped)."""
        publication = registry.publication_of(self.model)
        value = publication.published[0] if published else publication.offline
        # Saved with the field alone, and "updated" where the model keeps it.
        update_fields = [publication.field] + [
            field.name for field in self.opts.concrete_fields if getattr(field, "auto_now", False)
        ]
        label = str(self.opts.get_field(publication.field).verbose_name)
        count = 0
        for obj in queryset:
            if getattr(obj, publication.field) == value or not self.has_change_permission(request, obj):
                continue
            setattr(obj, publication.field, value)
            obj.save(update_fields=update_fields)
            self.log_change(request, obj, [{"changed": {"fields": [label]}}])
            count += 1
        return count
