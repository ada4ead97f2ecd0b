from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from audit.actions import PublicationActions
from core.admin import ContentChecksAdminMixin, PublicationWindowAdminMixin
from core.revisions import RevisionsAdmin
from network.donations import DONATION_FIELDS, donation_details, notify_donation_details_changed
from network.models import Document, Network, NetworkMembership, Page, Partner, Theme
from network.permissions import NetworkScopedAdmin
from network.readability import checked_texts
from network.sharing import PreviewAdminMixin

admin.site.site_header = _("Site management")
admin.site.site_title = _("Site management")


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    formfield_overrides = NetworkScopedAdmin.formfield_overrides
    fields = ["name", "kind", "url", "attribution", "logo", "logo_alt", "position"]


@admin.register(Network)
class NetworkAdmin(NetworkScopedAdmin):
    list_display = ["name", "short_name", "region", "parent", "domain"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerInline]
    change_list_template = "network/admin/network_change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "region", "parent", "position", "domain"]}),
        (_("Presentation"), {"fields": ["tagline", "mission", "logo", "logo_alt", "brand_colour"]}),
        (_("Contact"), {"fields": ["email", "phone", "address"]}),
        (
            _("Social media"),
            {"fields": ["facebook_url", "instagram_url", "linkedin_url", "youtube_url", "bluesky_url"]},
        ),
        (_("Donations"), {"fields": ["iban", "bic", "beneficiary", "donation_reference", "tax_certificate"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Where a network sits and which domain it answers to is the superusers' decision, and so
        # is where gifts go: an editor's account must not be able to redirect them.
        if request.user.is_superuser:
            return []
        return ["slug", "parent", "position", "domain", *DONATION_FIELDS]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def get_urls(self):
        readability = path(
            "leesbaarheid/", self.admin_site.admin_view(self.readability_view), name="network_network_readability"
        )
        return [readability, *super().get_urls()]

    def readability_view(self, request):
        """The readability of the published texts of the user's networks, hardest first (network/readability.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Readability"),
            "opts": self.model._meta,
            "texts": checked_texts(request.user),
        }
        return TemplateResponse(request, "network/admin/readability.html", context)

    def save_model(self, request, obj, form, change):
        before = donation_details(Network.objects.get(pk=obj.pk)) if change else None
        if before and before != donation_details(obj) and not request.user.is_superuser:
            # Read-only fields are not in an editor's form; this guards anything that bypasses it.
            raise PermissionDenied(_("Only a site administrator may change the bank details."))
        super().save_model(request, obj, form, change)
        if before and before != donation_details(obj):
            # Told once the change is committed, to every editor of the network (IBAN masked).
            transaction.on_commit(
                lambda: notify_donation_details_changed(network=obj, before=before, actor=request.user)
            )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Page)
class PageAdmin(
    PreviewAdminMixin,
    RevisionsAdmin,
    ContentChecksAdminMixin,
    PublicationWindowAdminMixin,
    PublicationActions,
    NetworkScopedAdmin,
):
    list_display = ["title", "network", "position", "published", "last_reviewed"]
    list_filter = ["network", "published", "themes"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    list_select_related = ["network"]


@admin.register(Document)
class DocumentAdmin(RevisionsAdmin, PublicationWindowAdminMixin, PublicationActions, NetworkScopedAdmin):
    list_display = ["title", "network", "kind", "date", "format", "size", "published"]
    list_filter = ["network", "published", "kind", "themes"]
    search_fields = ["title", "description"]
    filter_horizontal = ["themes"]
    date_hierarchy = "date"
    list_select_related = ["network"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        # A refused upload (wrong type, too big, an SVG that can act) is bad input: say so with a 400.
        if request.method == "POST" and context["adminform"].form.errors:
            response.status_code = 400
        return response


@admin.register(Partner)
class PartnerAdmin(NetworkScopedAdmin):
    list_display = ["name", "network", "kind", "position"]
    list_filter = ["network", "kind"]
    list_select_related = ["network"]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "network"]
    list_filter = ["network"]
    autocomplete_fields = ["user"]
