from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from associations.hours import span
from associations.models import (
    Activity,
    Association,
    AssociationMembership,
    Closure,
    OpeningHours,
    Photo,
    ProfileChange,
    Story,
    overlapping,
)
from associations.permissions import (
    AssociationScopedAdmin,
    can_edit_association,
    edits_whole_networks,
    record_profile_change,
)
from associations.resources import AssociationResource
from audit.actions import PublicationActions
from core.admin import ContentChecksAdminMixin, NoAddOrChangeAdminMixin, PublicationWindowAdminMixin
from core.revisions import RevisionsAdmin
from network.sharing import PreviewAdminMixin


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["what", "when", "where", "position"]


class OpeningHoursFormSet(BaseInlineFormSet):
    """Rows at the same place may not overlap on a day: checked over the whole inline, as rows change together."""

    def clean(self):
        super().clean()
        rows = [
            form.instance
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]
        if clashes := overlapping(rows):
            first, second = clashes[0]
            raise ValidationError(
                _("On %(day)s, %(first)s and %(second)s overlap at the same place.")
                % {
                    "day": first.get_weekday_display(),
                    "first": span(first.opens, first.closes),
                    "second": span(second.opens, second.closes),
                }
            )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["weekday", "opens", "closes", "what", "place"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ["starts_on", "ends_on", "reason"]


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 0
    fields = ["image", "alt_text", "caption", "position"]


class ProfileChangeInline(NoAddOrChangeAdminMixin, admin.TabularInline):
    """The record of who changed this profile: read-only, for the network's editors to follow."""

    model = ProfileChange
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["at", "user", "changed_fields"]
    readonly_fields = fields
    verbose_name_plural = _("changes to this profile")

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        return ", ".join(obj.fields)

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Association)
class AssociationAdmin(
    PreviewAdminMixin, RevisionsAdmin, ContentChecksAdminMixin, ImportExportModelAdmin, AssociationScopedAdmin
):
    resource_classes = [AssociationResource]
    list_display = ["name", "municipality", "province", "network", "is_active", "updated_at"]
    list_filter = ["network", "province", "is_active", "is_example", "themes"]
    search_fields = ["name", "municipality", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes"]
    list_select_related = ["network"]
    inlines = [OpeningHoursInline, ClosureInline, ActivityInline, PhotoInline, ProfileChangeInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "network", "is_active", "member_since", "is_example"]}),
        (
            _("Where"),
            {
                "fields": [
                    "street_address",
                    "postcode",
                    "municipality",
                    "province",
                    "latitude",
                    "longitude",
                    "coordinates_by_editor",
                ]
            },
        ),
        (_("About"), {"fields": ["intro", "description", "themes", "closed_on_public_holidays"]}),
        (_("Contact"), {"fields": ["contact_person", "phone", "email", "website", "facebook_url", "instagram_url"]}),
    ]
    # Where an association belongs and whether it is listed is for its network's editors.
    network_fields = ["network", "slug", "is_active", "member_since", "is_example"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))  # the content checks' panel
        return fields if edits_whole_networks(request.user) else [*fields, *self.network_fields]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if edits_whole_networks(request.user) else {}

    # Imports and exports are scoped to the user's networks (see associations/resources.py).
    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # The confirm step imports again: a file that changed in between must not be half saved.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if {"latitude", "longitude"} & changed and "coordinates_by_editor" not in changed:
            obj.note_given_coordinates()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_profile_change(request.user, form, formsets)


@admin.register(Story)
class StoryAdmin(
    PreviewAdminMixin,
    RevisionsAdmin,
    ContentChecksAdminMixin,
    PublicationWindowAdminMixin,
    PublicationActions,
    AssociationScopedAdmin,
):
    association_path = "association__"
    list_display = ["title", "association", "date", "published"]
    list_filter = ["published", "association__network"]
    search_fields = ["title", "quote"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    list_select_related = ["association"]
    autocomplete_fields = ["association"]


@admin.register(ProfileChange)
class ProfileChangeAdmin(NoAddOrChangeAdminMixin, AssociationScopedAdmin):
    """Every recorded change, for the network's editors (read only)."""

    association_path = "association__"
    list_display = ["at", "association", "user", "changed_fields"]
    list_filter = ["association__network"]
    list_select_related = ["association", "user"]
    date_hierarchy = "at"

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        return ", ".join(obj.fields)

    def has_delete_permission(self, request, obj=None):
        # Records go with their association (whose delete page asks this), never one by one.
        return (
            obj is not None
            and request.user.has_perm("associations.delete_association")
            and self._allowed(request, obj)
        )

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def get_actions(self, request):
        return {}


@admin.register(AssociationMembership)
class AssociationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "association"]
    list_filter = ["association__network"]
    autocomplete_fields = ["user", "association"]
    list_select_related = ["user", "association"]

    def has_delete_permission(self, request, obj=None):
        # Who may delete an association may also unlink its editors (its delete page asks this).
        if request.user.is_superuser:
            return True
        return (
            obj is not None
            and request.user.has_perm("associations.delete_association")
            and can_edit_association(request.user, obj.association)
        )
