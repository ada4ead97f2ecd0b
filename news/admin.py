"""The news in the admin: posts with their links, scoped to the editor's networks, with a preview."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.actions import PublicationActions
from core.admin import ContentChecksAdminMixin, PublicationWindowAdminMixin
from core.revisions import RevisionsAdmin
from network.permissions import NetworkScopedAdmin
from network.sharing import PreviewAdminMixin
from news.models import NewsLink, NewsPost


class NewsLinkInline(admin.TabularInline):
    model = NewsLink
    extra = 0
    fields = ["label", "url", "position"]
    formfield_overrides = NetworkScopedAdmin.formfield_overrides


@admin.register(NewsPost)
class NewsPostAdmin(
    PreviewAdminMixin,
    RevisionsAdmin,
    ContentChecksAdminMixin,
    PublicationWindowAdminMixin,
    PublicationActions,
    NetworkScopedAdmin,
):
    list_display = ["title", "network", "status", "publish_at", "is_public", "preview_link"]
    list_filter = ["network", "status", "themes"]
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    autocomplete_fields = ["associations", "attachments"]
    date_hierarchy = "publish_at"
    list_select_related = ["network"]
    inlines = [NewsLinkInline]
    fields = [
        "network",
        "title",
        "slug",
        "status",
        "publish_at",
        "unpublish_at",
        "lead",
        "body",
        "hero_image",
        "hero_alt",
        "themes",
        "associations",
        "attachments",
        "campaign",
    ]

    @admin.display(boolean=True, description=_("visible to the public"))
    def is_public(self, obj):
        return obj.is_public

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("news:preview", args=[obj.pk]), _("Preview"))

    def get_view_on_site_url(self, obj=None):
        return reverse("news:preview", args=[obj.pk]) if obj is not None else None

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
