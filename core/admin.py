"""Admin building blocks every app shares (the apps' admins are in their own admin.py)."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core import previews
from core.contentchecks import check_text
from core.publication import WindowState


class NoAddOrChangeAdminMixin:
    """Rows the site writes itself (signatures, registrations, subscriptions, change records):
    staff read them, and nobody, superusers included, adds or changes one by hand. Deleting is
    left to the admin that uses this (erasing personal data stays possible).

    Put it before the ModelAdmin or InlineModelAdmin in the bases, so it wins."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(NoAddOrChangeAdminMixin):
    """Records (the audit trail, a newsletter's delivered copies): nobody, superusers included,
    adds, changes or deletes one."""

    def has_delete_permission(self, request, obj=None):
        return False


class ContentChecksAdminMixin:
    """A read-only panel "Readability and accessibility" at the end of a change form: the checks of
    core/contentchecks.py on the object's text as it was saved (the text its preview declares,
    core/previews.py). Advice only: saving is never refused because of it. Put it before the
    ModelAdmin in the bases."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "content_checks"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        """The panel as a fieldset of its own, last; none on the add form (nothing is saved yet)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        without = [
            (name, {**options, "fields": [field for field in options["fields"] if field != "content_checks"]})
            for name, options in fieldsets
        ]
        return [*without, (_("Readability and accessibility"), {"fields": ["content_checks"]})]

    @admin.display(description=_("checks of the saved text"))
    def content_checks(self, obj):
        return render_to_string("includes/content_checks.html", {"report": check_text(previews.text_of(obj))})


class PublicationWindowFilter(admin.SimpleListFilter):
    """Filter a list of content with a publication window (core/publication.py) on "gepland"/"verlopen"."""

    title = _("publication window")
    parameter_name = "venster"

    def lookups(self, request, model_admin):
        return [(state.value, state.label) for state in (WindowState.SCHEDULED, WindowState.EXPIRED)]

    def queryset(self, request, queryset):
        if self.value() == WindowState.SCHEDULED:
            return queryset.scheduled()
        if self.value() == WindowState.EXPIRED:
            return queryset.expired()
        return queryset


class PublicationWindowAdminMixin:
    """A column and a filter for the publication window: "Gepland" before it opens, "Verlopen" after
    it closed. Put it before the ModelAdmin in the bases."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "publication_window"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PublicationWindowFilter]

    @admin.display(description=_("publication window"))
    def publication_window(self, obj):
        state = obj.window_state()
        return "" if state == WindowState.LIVE else state.label
