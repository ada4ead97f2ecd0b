from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.actions import PublicationActions
from campaigns.models import Campaign, CampaignDocument, Face, KeyDate, Signature
from core.admin import ContentChecksAdminMixin, NoAddOrChangeAdminMixin, PublicationWindowAdminMixin
from core.csvexport import csv_download
from core.revisions import RevisionsAdmin
from network.models import Document
from network.permissions import NetworkScopedAdmin, network_ids
from network.sharing import PreviewAdminMixin
from privacy.admin import PersonalDataActionMixin

SIGNATURE_HEADER = [
    _("campaign"),
    _("name"),
    _("municipality or postcode"),
    _("email address"),
    _("show name publicly"),
    _("signed"),
    _("confirmed"),
]


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def signatures_csv(filename, signatures):
    rows = (
        [
            signature.campaign.title,
            signature.name,
            signature.place,
            signature.email,
            _("yes") if signature.show_name else _("no"),
            _when(signature.created_at),
            _when(signature.confirmed_at),
        ]
        for signature in signatures.select_related("campaign").order_by("campaign", "created_at", "pk")
    )
    return csv_download(filename, SIGNATURE_HEADER, rows)


class KeyDateInline(admin.TabularInline):
    model = KeyDate
    extra = 0
    fields = ["label", "date"]


class FaceInline(admin.StackedInline):
    model = Face
    extra = 0
    fields = ["name", "role", "quote", "photo", "photo_alt", "consent_recorded", "consent_recorded_on", "position"]


class CampaignDocumentInline(admin.TabularInline):
    model = CampaignDocument
    extra = 0
    fields = ["document", "version", "position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Document and not request.user.is_superuser:
            kwargs["queryset"] = Document.objects.filter(network_id__in=network_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(
    PreviewAdminMixin,
    RevisionsAdmin,
    ContentChecksAdminMixin,
    PublicationWindowAdminMixin,
    PublicationActions,
    NetworkScopedAdmin,
):
    list_display = ["title", "network", "starts_on", "ends_on", "status_label", "is_published", "signature_link"]
    list_filter = ["network", "is_published", "themes"]
    search_fields = ["title", "hashtag", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    date_hierarchy = "starts_on"
    list_select_related = ["network"]
    inlines = [KeyDateInline, FaceInline, CampaignDocumentInline]
    actions = ["export_signatures"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "network",
                    "title",
                    "hashtag",
                    "slug",
                    "starts_on",
                    "ends_on",
                    "is_published",
                    "publish_at",
                    "unpublish_at",
                ]
            },
        ),
        (_("Content"), {"fields": ["intro", "body", "hero_image", "hero_alt", "themes"]}),
        (
            _("Call to action and signatures"),
            {"fields": ["call_to_action", "call_to_action_url", "collects_signatures", "consent_text"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(confirmed_count=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False)))
        )

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.status().label

    @admin.display(description=_("confirmed signatures"), ordering="confirmed_count")
    def signature_link(self, obj):
        url = reverse("admin:campaigns_signature_changelist") + f"?campaign__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.confirmed_count)

    @admin.action(description=_("Export the confirmed signatures (CSV)"), permissions=["view"])
    def export_signatures(self, request, queryset):
        # The queryset comes from get_queryset: other networks' campaigns are never in it.
        signatures = Signature.objects.confirmed().filter(campaign__in=queryset)
        return signatures_csv("handtekeningen.csv", signatures)

    def get_view_on_site_url(self, obj=None):
        return obj.get_absolute_url() if obj is not None and obj.is_published else None


class SignatureCampaignFilter(admin.SimpleListFilter):
    """Only the campaigns of the user's networks, so no other network's campaign title shows up."""

    title = _("campaign")
    parameter_name = "campaign__id__exact"

    def lookups(self, request, model_admin):
        campaigns = Campaign.objects.order_by("-starts_on")
        if not request.user.is_superuser:
            campaigns = campaigns.filter(network_id__in=network_ids(request.user))
        return [(str(campaign.pk), campaign.title) for campaign in campaigns]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            campaign_id = int(self.value())
        except ValueError as error:
            raise IncorrectLookupParameters(self.value()) from error  # the admin answers with its "?e=1" list
        return queryset.filter(campaign_id=campaign_id)


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "bevestigd"

    def lookups(self, request, model_admin):
        return [("ja", _("Confirmed")), ("nee", _("Waiting for confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.confirmed()
        if self.value() == "nee":
            return queryset.pending()
        return queryset


@admin.register(Signature)
class SignatureAdmin(NoAddOrChangeAdminMixin, PersonalDataActionMixin, NetworkScopedAdmin):
    """Signatures are the signers' own: staff read, export and erase them, never edit them."""

    list_display = ["name", "place", "email", "campaign", "show_name", "created_at", "confirmed_at"]
    list_filter = [SignatureCampaignFilter, ConfirmedFilter, "show_name"]
    search_fields = ["name", "email", "place"]
    list_select_related = ["campaign"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "personal_data"]
    fields = ["campaign", "name", "place", "email", "show_name", "consent_text", "created_at", "confirmed_at"]
    readonly_fields = fields

    @admin.action(description=_("Export the selected signatures (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return signatures_csv("handtekeningen.csv", queryset)
