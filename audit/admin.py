"""The audit trail in the admin: read only, for superusers and, per network, for its editors."""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit import permissions
from audit.models import EMPTY, AuditEntry
from core.admin import ReadOnlyAdminMixin
from network.models import Network
from network.permissions import network_ids

# django-auditlog's own admin shows every entry to anyone with its permission; ours replaces it.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise IncorrectLookupParameters(value) from error  # the admin answers with its "?e=1" list


class EventFilter(admin.SimpleListFilter):
    title = _("what")
    parameter_name = "wat"
    # "Created" includes what was created published, and so does "published".
    EVENTS = {
        AuditEntry.Event.CREATED: [AuditEntry.Event.CREATED, AuditEntry.Event.CREATED_PUBLISHED],
        AuditEntry.Event.CHANGED: [AuditEntry.Event.CHANGED],
        AuditEntry.Event.PUBLISHED: [AuditEntry.Event.PUBLISHED, AuditEntry.Event.CREATED_PUBLISHED],
        AuditEntry.Event.UNPUBLISHED: [AuditEntry.Event.UNPUBLISHED],
        AuditEntry.Event.SENT: [AuditEntry.Event.SENT],
        AuditEntry.Event.DELETED: [AuditEntry.Event.DELETED],
    }

    def lookups(self, request, model_admin):
        return [(event.value, capfirst(event.label)) for event in self.EVENTS]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in self.EVENTS:
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(event_ref__in=self.EVENTS[self.value()])


class KindFilter(admin.SimpleListFilter):
    """The kinds of content the user may read the trail of."""

    title = _("kind")
    parameter_name = "soort"

    def lookups(self, request, model_admin):
        content_types = ContentType.objects.get_for_models(*permissions.readable_models(request.user))
        choices = [(str(ct.pk), capfirst(model._meta.verbose_name_plural)) for model, ct in content_types.items()]
        return sorted(choices, key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=_number(self.value())) if self.value() else queryset


class NetworkFilter(admin.SimpleListFilter):
    """The user's own networks (every network for a superuser)."""

    title = _("network")
    parameter_name = "netwerk"

    def lookups(self, request, model_admin):
        networks = Network.objects.order_by("position", "name")
        if not request.user.is_superuser:
            networks = networks.filter(pk__in=network_ids(request.user))
        return [(str(pk), short_name) for pk, short_name in networks.values_list("pk", "short_name")]

    def queryset(self, request, queryset):
        return queryset.filter(network_ref=_number(self.value())) if self.value() else queryset


class DateFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("date")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["when", "who", "what", "kind", "object_name", "network", "changed_fields"]
    list_filter = [EventFilter, KindFilter, NetworkFilter, ("timestamp", DateFilter)]
    search_fields = ["object_repr"]
    list_select_related = ["content_type", "actor"]
    list_per_page = 50
    # The unfiltered total costs a second COUNT on a table that only grows.
    show_full_result_count = False
    fields = ["when", "who", "what", "kind", "object_link", "network", "change_table"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_network()
        return permissions.scope(queryset, request.user)

    def get_object(self, request, object_id, from_field=None):
        if not permissions.may_read_trail(request.user):
            raise PermissionDenied
        # Another network's entry is not there for this user: 404, like one that never existed.
        entry = super().get_object(request, object_id, from_field)
        if entry is None:
            raise Http404
        return entry

    def has_module_permission(self, request):
        return permissions.may_read_trail(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_read_trail(request.user)
        return permissions.may_read_entry(request.user, obj)

    def get_actions(self, request):
        return {}

    @admin.display(description=_("when"), ordering="timestamp")
    def when(self, obj):
        return localize(timezone.localtime(obj.timestamp))

    @admin.display(description=_("who"))
    def who(self, obj):
        # The address is kept with the entry, so it still says who after the account is gone.
        if obj.actor_email:
            return obj.actor_email
        return str(obj.actor) if obj.actor_id else _("the system")

    @admin.display(description=_("what"))
    def what(self, obj):
        return capfirst(obj.get_event_display())

    @admin.display(description=_("kind"))
    def kind(self, obj):
        model = obj.model_class
        return capfirst(model._meta.verbose_name) if model else obj.content_type.model

    @admin.display(description=_("object"), ordering="object_repr")
    def object_name(self, obj):
        return obj.object_repr

    @admin.display(description=_("network"))
    def network(self, obj):
        return obj.network_name or EMPTY

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        return ", ".join(str(label) for label in obj.changed_field_labels()) or EMPTY

    @admin.display(description=_("object"))
    def object_link(self, obj):
        trail = (
            reverse("admin:audit_auditentry_changelist") + f"?soort={obj.content_type_id}&object_id={obj.object_id}"
        )
        all_entries = format_html('<a href="{}">{}</a>', trail, _("all entries of this object"))
        model = obj.model_class
        exists = model is not None and model._default_manager.filter(pk=obj.object_id).exists()
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            url = None
        if exists and url:
            return format_html('<a href="{}">{}</a> ({})', url, obj.object_repr, all_entries)
        if not exists:
            return format_html("{} ({}; {})", obj.object_repr, _("no longer exists"), all_entries)
        return format_html("{} ({})", obj.object_repr, all_entries)

    @admin.display(description=_("changes"))
    def change_table(self, obj):
        rows = obj.change_rows()
        if not rows:
            return EMPTY
        body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            capfirst(_("field")),
            capfirst(_("before")),
            capfirst(_("after")),
            body,
        )
