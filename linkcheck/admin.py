"""The editors' list of broken links: per network, each use with a way to the page that fixes it."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from linkcheck.models import BrokenLink
from network.permissions import NetworkScopedAdmin


def field_label(model, name):
    """The field's name as the editor sees it on the change form: "tekst", or "externe links: adres"."""
    labels = []
    if model is None:  # a kind of content that no longer exists
        return name
    try:
        for part in name.split("."):
            field = model._meta.get_field(part)
            if field.is_relation and field.auto_created:  # a related model edited inline
                model = field.related_model
                labels.append(str(model._meta.verbose_name_plural))
            else:
                labels.append(str(field.verbose_name))
    except FieldDoesNotExist:  # renamed since the last check
        return name
    return ": ".join(labels)


@admin.register(BrokenLink)
class BrokenLinkAdmin(ReadOnlyAdminMixin, NetworkScopedAdmin):
    list_display = ["address", "answer", "failing_since", "where", "field_name", "network"]
    # The address is a link to the outside address itself; a link to the entry around it would nest links.
    list_display_links = ["answer"]
    list_filter = ["network", "link__status"]
    search_fields = ["link__url", "object_repr"]
    list_select_related = ["link", "network", "content_type"]
    fields = ["address", "answer", "failing_since", "where", "field_name", "network"]
    readonly_fields = fields

    @admin.display(description=_("address"), ordering="link__url")
    def address(self, obj):
        return format_html('<a href="{0}" rel="noopener noreferrer">{0}</a>', obj.link.url)

    @admin.display(description=_("answer"))
    def answer(self, obj):
        detail = obj.link.http_status or obj.link.error
        return f"{obj.link.get_status_display()} ({detail})" if detail else obj.link.get_status_display()

    @admin.display(description=_("failing since"), ordering="link__first_failed_at")
    def failing_since(self, obj):
        return obj.link.first_failed_at

    @admin.display(description=_("where"))
    def where(self, obj):
        content_type = obj.content_type
        try:
            url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.object_id])
            kind = content_type.model_class()._meta.verbose_name
        except (NoReverseMatch, AttributeError):  # no admin page, or a kind of content that no longer exists
            return obj.object_repr
        return format_html('<a href="{}">{}</a> ({})', url, obj.object_repr, kind)

    @admin.display(description=_("field"))
    def field_name(self, obj):
        return field_label(obj.content_type.model_class(), obj.field)
