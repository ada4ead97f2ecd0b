from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from associations.hours import span
from associations.models import (
    Activity,
    Association,
    AssociationMembership,
    AssociationVolunteer,
    Closure,
    HeldChange,
    HeldPhoto,
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
from associations.volunteers import approve_change, changed_parts, return_change
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


class HeldChangeForm(forms.ModelForm):
    """An editor's decision on a volunteer's proposal: approve (applied at once) or return with a reason."""

    APPROVE, RETURN = "goedkeuren", "terugsturen"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve: put it online")), (RETURN, _("Return it to the volunteer"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = HeldChange
        fields = ["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Tell the volunteer why the change is returned."))
        return cleaned


@admin.register(HeldChange)
class HeldChangeAdmin(AssociationScopedAdmin):
    """Volunteers' proposals from "Mijn vereniging", for the editors of the association's network."""

    association_path = "association__"
    form = HeldChangeForm
    list_display = ["submitted_at", "association", "submitted_by", "status"]
    list_filter = ["status", "association__network"]
    list_select_related = ["association", "submitted_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "association",
        "submitted_by",
        "submitted_at",
        "status",
        "changes",
        "proposal",
        "reviewed_by",
        "reviewed_at",
    ]

    def get_queryset(self, request):
        # Only editors of whole networks review; an association's own editor does not approve itself.
        queryset = super().get_queryset(request)
        return queryset if edits_whole_networks(request.user) else queryset.none()

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == HeldChange.Status.PENDING:
            return ["association", "submitted_by", "submitted_at", "changes", "proposal", "decision", "reason"]
        return [
            "association",
            "submitted_by",
            "submitted_at",
            "status",
            "changes",
            "proposal",
            "reviewed_by",
            "reviewed_at",
            "reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != HeldChange.Status.PENDING:
            return [*self.readonly_fields, "reason"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("what changes"))
    def changes(self, obj):
        if obj.status != HeldChange.Status.PENDING:
            return "-"
        return ", ".join(changed_parts(obj.association, obj.proposed)) or "-"

    @admin.display(description=_("proposed profile"))
    def proposal(self, obj):
        from django.utils.dates import WEEKDAYS

        proposed = obj.proposed
        fields = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((name, value) for name, value in proposed["fields"].items() if name != "description"),
        )
        hours = format_html_join(
            "",
            "<li>{} {}\u2013{} {} {}</li>",
            (
                (WEEKDAYS[row["weekday"]], row["opens"], row["closes"], row["what"], row["place"])
                for row in proposed["opening_hours"]
            ),
        )
        closures = format_html_join(
            "",
            "<li>{} \u2013 {} {}</li>",
            ((row["starts_on"], row["ends_on"], row["reason"]) for row in proposed["closures"]),
        )
        activities = format_html_join(
            "", "<li>{}: {} {}</li>", ((row["what"], row["when"], row["where"]) for row in proposed["activities"])
        )
        added = HeldPhoto.objects.filter(association_id=obj.association_id, pk__in=proposed.get("photos_added", []))
        removed = Photo.objects.filter(association_id=obj.association_id, pk__in=proposed.get("photos_removed", []))
        photos = format_html_join(
            "",
            '<li><img src="{}" alt="{}" width="160"> {}</li>',
            ((photo.image.url, photo.alt_text, photo.caption) for photo in added),
        )
        gone = format_html_join("", "<li>{}</li>", ((photo.alt_text,) for photo in removed))
        return format_html(
            "<dl>{}</dl><p>{}</p><div>{}</div><p>{}</p><ul>{}</ul><p>{}</p><ul>{}</ul><p>{}</p><ul>{}</ul>"
            "<p>{}</p><ul>{}</ul><p>{}</p><ul>{}</ul>",
            fields,
            _("description"),
            proposed["fields"]["description"]
            and format_html("<blockquote>{}</blockquote>", proposed["fields"]["description"]),
            _("opening hours"),
            hours,
            _("closures"),
            closures,
            _("activities"),
            activities,
            _("new photos"),
            photos,
            _("photos removed"),
            gone,
        )

    def save_model(self, request, obj, form, change):
        if not self._allowed(request, obj) or not edits_whole_networks(request.user):
            raise PermissionDenied(_("You may only review changes of your own networks' associations."))
        decision = form.cleaned_data.get("decision")
        if decision == HeldChangeForm.APPROVE:
            try:
                approve_change(change=obj, reviewer=request.user, request=request)
            except ValidationError as error:
                transaction.set_rollback(True)
                messages.error(
                    request, _("The change could not be applied: %(error)s") % {"error": "; ".join(error.messages)}
                )
        elif decision == HeldChangeForm.RETURN:
            return_change(
                change=obj, reviewer=request.user, reason=form.cleaned_data["reason"].strip(), request=request
            )

    def save_related(self, request, form, formsets, change):
        pass


class VolunteerForm(forms.ModelForm):
    """A volunteer is added by address: the account (no password; it signs in with a mailed code) is made if needed."""

    email = forms.EmailField(
        label=_("Email address"), help_text=_("The volunteer signs in with a code sent to this address.")
    )

    class Meta:
        model = AssociationVolunteer
        fields = ["association", "registers_others"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip().lower()
        if email and not self.instance.pk:
            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is not None and (user.is_staff or user.is_superuser):
                self.add_error("email", _("This address belongs to a staff account; staff keep their own sign-in."))
            elif (
                user is not None
                and AssociationVolunteer.objects.filter(user=user, association=cleaned.get("association")).exists()
            ):
                self.add_error("email", _("This address already keeps this association."))
        return cleaned

    def save(self, commit=True):
        from allauth.account.models import EmailAddress

        if not self.instance.pk:
            email = self.cleaned_data["email"].strip().lower()
            User = get_user_model()
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(username=email, email=email)  # no usable password
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            self.instance.user = user
        return super().save(commit)


@admin.register(AssociationVolunteer)
class AssociationVolunteerAdmin(AssociationScopedAdmin):
    """Who keeps an association's page on "Mijn vereniging" (network editors add and remove them)."""

    association_path = "association__"
    form = VolunteerForm
    list_display = ["user", "association", "registers_others", "added_at"]
    list_filter = ["association__network"]
    list_select_related = ["user", "association"]
    search_fields = ["user__email", "association__name"]
    autocomplete_fields = ["association"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if edits_whole_networks(request.user) else queryset.none()
