from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.actions import PublicationActions
from core.admin import ContentChecksAdminMixin, NoAddOrChangeAdminMixin, PublicationWindowAdminMixin
from core.csvexport import csv_download
from core.revisions import RevisionsAdmin
from events.models import Event, Registration
from events.registrations import notify_status_change, promote_waiting
from events.series import sync_series
from network.permissions import NetworkScopedAdmin
from network.sharing import PreviewAdminMixin
from privacy.admin import PersonalDataActionMixin


def _yes_no(value):
    return _("yes") if value else _("no")


REGISTRATION_COLUMNS = [
    _("event"),
    _("start date"),
    _("name"),
    _("email"),
    _("association"),
    _("number of people"),
    _("who comes along"),
    _("needs transport"),
    _("needs childcare"),
    _("has dietary needs"),
    _("remarks"),
    _("status"),
    _("registered at"),
    _("phone"),
    _("registered by"),
    _("has accessibility needs"),
]


def registrations_csv(registrations, filename):
    """Registrations as a CSV download (core/csvexport.py: byte order mark, formulas neutralised)."""
    rows = (
        [
            registration.event.title,
            registration.event.start_date.isoformat(),
            registration.name,
            registration.email,
            registration.association,
            registration.people,
            registration.group_reason,
            _yes_no(registration.needs_transport),
            _yes_no(registration.needs_childcare),
            _yes_no(registration.needs_diet),
            registration.remarks,
            registration.get_status_display(),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            registration.phone,
            str(registration.registered_by or ""),
            _yes_no(registration.needs_accessibility),
        ]
        for registration in registrations.select_related("event", "registered_by").order_by(
            "event__starts_at", "created_at", "pk"
        )
    )
    return csv_download(filename, REGISTRATION_COLUMNS, rows)


class RegistrationInline(NoAddOrChangeAdminMixin, admin.TabularInline):
    """The event's registrations, read only: they come from the form on the site."""

    model = Registration
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["name", "email", "phone", "association", "people", "group_reason", "needs", "status", "created_at"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    @admin.display(description=_("needs"))
    def needs(self, obj):
        return ", ".join(obj.needs)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("events.view_registration")


SERIES_FIELDSET = (
    _("Series"),
    {
        "fields": ["repeat", "repeat_interval", ("repeat_until", "repeat_count"), "repeat_skip"],
        "description": _(
            "A repeating event: on saving, each date of the coming 12 months becomes an event of its own, with "
            "its own registrations. Later changes to this first event reach the future dates without "
            "registrations; a date with registrations stays as it is. Change the series here, not on its dates."
        ),
    },
)
# On a date of a series: which series, instead of the rule.
OCCURRENCE_FIELDSET = (
    _("Series"),
    {
        "fields": ["series"],
        "description": _(
            "This date belongs to a series. Changes made here are overwritten when the series' first event is "
            "saved, unless people registered for this date."
        ),
    },
)


def _dates(dates):
    return ", ".join(formats.date_format(date, "j F Y") for date in dates)


@admin.register(Event)
class EventAdmin(
    PreviewAdminMixin,
    RevisionsAdmin,
    ContentChecksAdminMixin,
    PublicationWindowAdminMixin,
    PublicationActions,
    NetworkScopedAdmin,
):
    list_display = ["title", "network", "start_date", "start_time", "format_label", "status", "published", "seats"]
    list_filter = ["network", "status", "published", "registration_mode", "themes", "is_example"]
    search_fields = ["title", "intro", "place_name", "municipality"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    date_hierarchy = "start_date"
    list_select_related = ["network"]
    inlines = [RegistrationInline]
    actions = ["export_registrations", "make_series"]
    readonly_fields = ["series"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "network", "published", "publish_at", "unpublish_at", "is_example"]}),
        (_("When"), {"fields": ["start_date", "start_time", "end_date", "end_time"]}),
        (
            _("Where"),
            {
                "fields": ["place_name", "street_address", "postcode", "municipality", "online_url"],
                "description": _(
                    "A place, an online link or both: with both the event is hybrid, with the online link as "
                    "the digital alternative."
                ),
            },
        ),
        (_("About"), {"fields": ["intro", "description", "audience", "themes"]}),
        (
            _("Practical"),
            {"fields": ["wheelchair_accessible", "childcare", "travel_costs_refunded", "access_notes"]},
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "registration_mode",
                    "registration_url",
                    "capacity",
                    "registration_closes_at",
                    ("asks_transport", "asks_childcare", "asks_diet", "asks_accessibility"),
                ]
            },
        ),
        (_("Cancelled or postponed"), {"fields": ["status", "status_reason"]}),
        SERIES_FIELDSET,
        (
            _("After the event"),
            {
                "fields": ["report_text", "report_document"],
                "description": _("The report shows on the event's page once the event has ended."),
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        # After the mixins' (the content checks' panel); an occurrence shows its series instead of the rule.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.series_id is None:
            return fieldsets
        return [OCCURRENCE_FIELDSET if name == SERIES_FIELDSET[0] else (name, options) for name, options in fieldsets]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_people=Sum(
                    "registrations__people", filter=Q(registrations__status=Registration.Status.CONFIRMED)
                ),
                waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
            )
        )

    @admin.display(description=_("format"))
    def format_label(self, obj):
        return obj.format_label

    @admin.display(description=_("seats taken"))
    def seats(self, obj):
        if not obj.has_form:
            return "\u2013"
        taken = obj.confirmed_people or 0
        text = f"{taken} / {obj.capacity}" if obj.capacity else str(taken)
        return f"{text} (+{obj.waiting_count})" if obj.waiting_count else text

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promote_waiting(event=obj, request=request)
        if change and "status" in form.changed_data:
            notified = notify_status_change(event=obj, request=request)
            if notified:
                message = ngettext(
                    "%(count)d registered person was told by mail.",
                    "%(count)d registered people were told by mail.",
                    notified,
                ) % {"count": notified}
                self.message_user(request, message)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event = form.instance
        # After the themes are saved: the dates take them over.
        if (event.repeat or event.occurrences.exists()) and self.has_series_permission(request):
            self._report_series(request, event, sync_series(event))

    def has_series_permission(self, request):
        """Making a series adds, changes and removes events: staff who may do all three."""
        return all(
            check(request)
            for check in (self.has_add_permission, self.has_change_permission, self.has_delete_permission)
        )

    @admin.action(permissions=["series"], description=_("Create or update the series of the selected events"))
    def make_series(self, request, queryset):
        # `queryset` comes from get_queryset(): only events of the user's networks, whatever ids were posted.
        for event in queryset.filter(repeat__gt="").order_by("starts_at", "pk"):
            self._report_series(request, event, sync_series(event))

    def _report_series(self, request, event, result):
        message = _("Series %(event)s: %(created)d dates made, %(updated)d updated, %(removed)d removed.") % {
            "event": event,
            "created": len(result.created),
            "updated": len(result.updated),
            "removed": len(result.removed),
        }
        self.message_user(request, message)
        if result.kept:
            message = _("These dates have registrations and were left as they are: %(dates)s.")
            self.message_user(request, message % {"dates": _dates(result.kept)}, messages.WARNING)
        if result.impossible:
            message = _("No event on %(dates)s: its times do not exist in Brussels, the clocks go forward that night.")
            self.message_user(request, message % {"dates": _dates(result.impossible)}, messages.WARNING)

    def has_export_permission(self, request):
        return request.user.has_perm("events.view_registration")

    @admin.action(permissions=["export"], description=_("Export the registrations of the selected events (CSV)"))
    def export_registrations(self, request, queryset):
        # `queryset` comes from get_queryset(): only events of the user's networks, whatever ids were posted.
        registrations = Registration.objects.filter(event__in=queryset.values("pk"))
        return registrations_csv(registrations, "inschrijvingen.csv")


class EventNetworkFilter(admin.SimpleListFilter):
    title = _("network")
    parameter_name = "netwerk"

    def lookups(self, request, model_admin):
        from network.models import Network
        from network.permissions import network_ids

        networks = Network.objects.all()
        if not request.user.is_superuser:
            networks = networks.filter(pk__in=network_ids(request.user))
        return [(network.pk, network.short_name) for network in networks]

    def queryset(self, request, queryset):
        return queryset.filter(event__network_id=self.value()) if self.value() else queryset


@admin.register(Registration)
class RegistrationAdmin(NoAddOrChangeAdminMixin, PersonalDataActionMixin, NetworkScopedAdmin):
    """Registrations of the events of the user's networks, to read and export; they come from the site's form."""

    list_display = ["name", "event", "people", "group_reason", "needs_list", "status", "created_at"]
    list_filter = [
        EventNetworkFilter,
        "status",
        "needs_transport",
        "needs_childcare",
        "needs_diet",
        "needs_accessibility",
    ]
    search_fields = ["name", "email", "phone", "association", "event__title"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "personal_data"]
    fields = [
        "event",
        "name",
        "email",
        "phone",
        "association",
        "people",
        "group_reason",
        "needs_transport",
        "needs_childcare",
        "needs_diet",
        "needs_accessibility",
        "remarks",
        "status",
        "registered_by",
        "created_at",
        "confirmed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("needs"))
    def needs_list(self, obj):
        return ", ".join(obj.needs)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        promote_waiting(event=obj.event, request=request)

    def delete_queryset(self, request, queryset):
        events = list(Event.objects.filter(pk__in=queryset.values("event_id")))
        super().delete_queryset(request, queryset)
        for event in events:
            promote_waiting(event=event, request=request)

    @admin.action(permissions=["view"], description=_("Export the selected registrations (CSV)"))
    def export_csv(self, request, queryset):
        # `queryset` comes from get_queryset(): only registrations for the user's networks' events.
        return registrations_csv(queryset, "inschrijvingen.csv")
