"""Newsletter admin: lists, issues (compose, preview, test, send, progress), read-only subscriptions,
and the copies of an issue, where a newsletter manager decides about the uncertain ones.

Everything is scoped to the user's networks (NetworkScopedAdmin). Network editors have no
newsletter permission at all, so they never see a subscriber; newsletter managers see and
export their own networks' subscribers only.
"""

import smtplib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ContentChecksAdminMixin, NoAddOrChangeAdminMixin, ReadOnlyAdminMixin
from core.csvexport import csv_download
from core.revisions import RevisionsAdmin
from network.permissions import NetworkScopedAdmin, network_ids
from network.sharing import PreviewAdminMixin
from news.models import NewsPost
from newsletter import drafting, numbers, sending, subscribing
from newsletter.models import (
    Bounce,
    Delivery,
    Issue,
    MailingList,
    Subscriber,
    Subscription,
    validate_issue_content,
)
from privacy.admin import PersonalDataActionMixin

SUBSCRIBER_HEADER = [
    _("email address"),
    _("name"),
    _("mailing list"),
    _("network"),
    _("confirmed"),
    _("consent version"),
    _("consent given"),
]


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def subscribers_csv(filename, subscriptions):
    rows = (
        [
            subscription.subscriber.email,
            subscription.subscriber.name,
            subscription.mailing_list.name,
            subscription.mailing_list.network.name,
            _when(subscription.confirmed_at),
            subscription.consent_version,
            _when(subscription.consented_at),
        ]
        for subscription in subscriptions.select_related("subscriber", "mailing_list__network").order_by(
            "mailing_list__network__position", "mailing_list__position", "subscriber__email"
        )
    )
    return csv_download(filename, SUBSCRIBER_HEADER, rows)


class ExportMixin:
    def has_export_permission(self, request):
        return request.user.has_perm("newsletter.export_subscription")


@admin.register(MailingList)
class MailingListAdmin(ExportMixin, NetworkScopedAdmin):
    list_display = [
        "name",
        "network",
        "is_open",
        "confirmed_link",
        "pending_count",
        "unsubscribed_count",
        "erased_count",
    ]
    list_filter = ["network", "is_open"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["network", "name", "slug", "description", "is_open", "position", "unsubscribed_count", "erased_count"]
    readonly_fields = ["unsubscribed_count", "erased_count"]
    actions = ["export_subscribers"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.CONFIRMED)),
                pending_count=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.PENDING)),
            )
        )

    @admin.display(description=_("confirmed subscribers"), ordering="confirmed_count")
    def confirmed_link(self, obj):
        url = reverse("admin:newsletter_subscription_changelist") + f"?lijst={obj.pk}&status__exact=confirmed"
        return format_html('<a href="{}">{}</a>', url, obj.confirmed_count)

    @admin.display(description=_("waiting for confirmation"), ordering="pending_count")
    def pending_count(self, obj):
        return obj.pending_count

    @admin.action(description=_("Export the confirmed subscribers (CSV)"), permissions=["export"])
    def export_subscribers(self, request, queryset):
        # The queryset comes from get_queryset: other networks' lists are never in it.
        return subscribers_csv("abonnees.csv", Subscription.objects.confirmed().filter(mailing_list__in=queryset))


class ListFilter(admin.SimpleListFilter):
    """Only the lists of the user's networks, so no other network's list shows up."""

    title = _("mailing list")
    parameter_name = "lijst"

    def lookups(self, request, model_admin):
        lists = MailingList.objects.select_related("network")
        if not request.user.is_superuser:
            lists = lists.filter(network_id__in=network_ids(request.user))
        return [(str(item.pk), str(item)) for item in lists]

    def queryset(self, request, queryset):
        return queryset.filter(mailing_list_id=self.value()) if self.value() else queryset


class SuspendedFilter(admin.SimpleListFilter):
    """Addresses suspended after bounces or a complaint: they get no issue until they confirm anew."""

    title = _("suspended")
    parameter_name = "geschorst"

    def lookups(self, request, model_admin):
        return [("ja", _("Yes")), ("nee", _("No"))]

    def queryset(self, request, queryset):
        field = f"{model_admin_subscriber_path(queryset.model)}suspended_at__isnull"
        if self.value() == "ja":
            return queryset.filter(**{field: False})
        if self.value() == "nee":
            return queryset.filter(**{field: True})
        return queryset


def model_admin_subscriber_path(model):
    return "" if model is Subscriber else "subscriber__"


def suspension_label(subscriber):
    if not subscriber.is_suspended:
        return "-"
    return f"{_when(subscriber.suspended_at)} ({subscriber.get_suspension_reason_display()})"


@admin.register(Subscription)
class SubscriptionAdmin(NoAddOrChangeAdminMixin, ExportMixin, NetworkScopedAdmin):
    """Subscriptions belong to the subscribers: staff read and export them, never edit them."""

    list_display = [
        "subscriber",
        "subscriber_name",
        "mailing_list",
        "status",
        "suspended",
        "confirmed_at",
        "unsubscribed_at",
    ]
    list_filter = [ListFilter, "status", SuspendedFilter]
    search_fields = ["subscriber__email", "subscriber__name"]
    list_select_related = ["subscriber", "mailing_list__network"]
    actions = ["export_csv"]
    fields = [
        "subscriber",
        "subscriber_name",
        "mailing_list",
        "status",
        "consent_version",
        "consent_text",
        "consented_at",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "suspended",
    ]
    readonly_fields = fields

    @admin.display(description=_("name"))
    def subscriber_name(self, obj):
        return obj.subscriber.name

    @admin.display(description=_("suspended"), ordering="subscriber__suspended_at")
    def suspended(self, obj):
        return suspension_label(obj.subscriber)

    @admin.action(description=_("Export the selected subscriptions (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return subscribers_csv("abonnees.csv", queryset)


@admin.register(Subscriber)
class SubscriberAdmin(NoAddOrChangeAdminMixin, PersonalDataActionMixin, admin.ModelAdmin):
    """For the superuser, to answer an erasure request by mail: deleting erases like the preferences page does."""

    list_display = ["email", "name", "created_at", "confirmed_at", "suspended"]
    list_filter = [SuspendedFilter]
    search_fields = ["email", "name"]
    actions = ["personal_data"]
    fields = ["email", "name", "created_at", "confirmed_at", "suspended", "soft_bounces"]
    readonly_fields = fields

    @admin.display(description=_("suspended"), ordering="suspended_at")
    def suspended(self, obj):
        return suspension_label(obj)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def delete_model(self, request, obj):
        subscribing.erase(obj)

    def delete_queryset(self, request, queryset):
        for subscriber in queryset:
            subscribing.erase(subscriber)


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["mailing_list", "subject", "intro", "news_posts", "events", "campaigns"]

    def clean(self):
        data = super().clean()
        mailing_list = data.get("mailing_list")
        if mailing_list is not None:
            try:
                validate_issue_content(
                    mailing_list,
                    data.get("news_posts") or [],
                    data.get("events") or [],
                    data.get("campaigns") or [],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field, errors)
        return data


class DraftFromContentForm(forms.Form):
    mailing_list = forms.ModelChoiceField(
        label=_("mailing list"), queryset=MailingList.objects.none(), empty_label=None
    )

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailing_list"].queryset = lists


@admin.register(Issue)
class IssueAdmin(ContentChecksAdminMixin, PreviewAdminMixin, RevisionsAdmin, NetworkScopedAdmin):
    form = IssueForm
    change_form_template = "newsletter/admin/issue_change_form.html"
    change_list_template = "newsletter/admin/issue_change_list.html"
    list_display = ["subject", "mailing_list", "state", "sent_at", "progress", "preview_link"]
    list_filter = ["status", "mailing_list__network"]
    search_fields = ["subject", "intro"]
    list_select_related = ["mailing_list__network"]
    filter_horizontal = ["news_posts", "events", "campaigns"]
    fields = ["mailing_list", "subject", "intro", "news_posts", "events", "campaigns"]
    readonly_fields = [
        "state",
        "progress",
        "created_by",
        "send_at",
        "sending_started_at",
        "sent_at",
        "copies_resent",
        "copies_marked_sent",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # The mixins' read-only parts (the share panel) come from super().
        mixins = [name for name in super().get_readonly_fields(request, obj) if name not in self.readonly_fields]
        if obj is not None and not obj.is_draft:
            return [*self.get_fields(request, obj), *mixins]
        return [*self.readonly_fields, *mixins]

    def get_queryset(self, request):
        counts = {
            f"{name}_count": Count("deliveries", filter=Q(deliveries__status=status))
            for status, name in Delivery.PROGRESS_NAMES.items()
        }
        return super().get_queryset(request).annotate(**counts)

    @staticmethod
    def delivery_counts(obj):
        return {name: getattr(obj, f"{name}_count") for name in Delivery.PROGRESS_NAMES.values()}

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        if obj.pk is None:
            return "-"
        label = obj.state_label(self.delivery_counts(obj))
        if not obj.uncertain_count:
            return label
        return format_html('{} · <a href="{}">{}</a>', label, uncertain_url(obj), _("decide"))

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj.pk is None or obj.status in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            return "-"
        return _("%(sent)s sent, %(failed)s failed, %(uncertain)s uncertain, %(remaining)s remaining") % {
            "sent": obj.sent_count,
            "failed": obj.failed_count,
            "uncertain": obj.uncertain_count,
            "remaining": obj.remaining_count + obj.sending_count,
        }

    @staticmethod
    def sending_progress(obj):
        """For the <progress> bar: copies settled (sent, failed, uncertain, skipped) out of all copies."""
        if obj.status in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            return None
        counts = IssueAdmin.delivery_counts(obj)
        total = sum(counts.values())
        if not total:
            return None
        return {"done": total - counts["remaining"] - counts["sending"], "total": total}

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("newsletter:preview", args=[obj.pk]), _("Preview"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        from campaigns.models import Campaign
        from events.models import Event

        choices = {
            "news_posts": NewsPost.objects.published().select_related("network").order_by("-publish_at"),
            "events": Event.objects.published().select_related("network").order_by("-starts_at"),
            "campaigns": Campaign.objects.published().select_related("network").order_by("-starts_on"),
        }
        if db_field.name not in choices:
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # Published items of the user's networks: stricter than NetworkScopedAdmin's scope, so it replaces it.
        queryset = choices[db_field.name]
        if not request.user.is_superuser:
            queryset = queryset.filter(network_id__in=network_ids(request.user))
        return admin.ModelAdmin.formfield_for_manytomany(self, db_field, request, queryset=queryset, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A sent (or sending) issue is a record: it stays as it went out.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    def has_send_permission(self, request, obj=None):
        return request.user.has_perm("newsletter.send_issue") and self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_view_on_site_url(self, obj=None):
        return obj.get_absolute_url() if obj is not None and obj.status == Issue.Status.SENT else None

    def get_urls(self):
        own = [
            path("<int:pk>/proefmail/", self.admin_site.admin_view(self.send_test_view), name="newsletter_issue_test"),
            path("<int:pk>/versturen/", self.admin_site.admin_view(self.send_view), name="newsletter_issue_send"),
            path("ontwerp/", self.admin_site.admin_view(self.draft_view), name="newsletter_issue_draft"),
            path("<int:pk>/cijfers/", self.admin_site.admin_view(self.numbers_view), name="newsletter_issue_numbers"),
        ]
        return own + super().get_urls()

    def _lists_for_drafts(self, request):
        lists = MailingList.objects.select_related("network")
        if request.user.is_superuser:
            return lists
        return lists.filter(network_id__in=network_ids(request.user))

    def draft_view(self, request):
        """GET: choose a list; POST: a new draft of it with its network's content (newsletter/drafting.py)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DraftFromContentForm(request.POST or None, lists=self._lists_for_drafts(request))
        if request.method == "POST" and form.is_valid():
            issue = drafting.draft_from_content(form.cleaned_data["mailing_list"], request.user)
            self.log_addition(request, issue, [{"added": {}}])
            self.message_user(
                request,
                _(
                    "A draft with %(posts)s news posts, %(events)s events and %(campaigns)s campaigns. "
                    "Edit it before you send it."
                )
                % {
                    "posts": issue.news_posts.count(),
                    "events": issue.events.count(),
                    "campaigns": issue.campaigns.count(),
                },
                messages.SUCCESS,
            )
            return redirect("admin:newsletter_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Draft from content"),
            "form": form,
            "draft_days": drafting.DRAFT_DAYS,
        }
        return TemplateResponse(request, "newsletter/admin/draft_from_content.html", context)

    def numbers_view(self, request, pk):
        """The issue's numbers (newsletter/numbers.py), for staff who may see the issue: its network's."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        issue = self.get_queryset(request).select_related("mailing_list__network").filter(pk=pk).first()
        if issue is None or not self.has_view_permission(request, issue):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "issue": issue,
            "title": _("Numbers of “%(subject)s”") % {"subject": issue.subject},
            "numbers": numbers.issue_numbers(issue),
            "leaving_days": numbers.LEAVING_DAYS,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "newsletter/admin/issue_numbers.html", context)

    def _issue_for_sending(self, request, pk):
        issue = self.get_queryset(request).filter(pk=pk).first()
        if issue is None:
            raise Http404
        if not self.has_send_permission(request, issue):
            raise PermissionDenied
        return issue

    def send_test_view(self, request, pk):
        """POST: a copy of the issue to the staff member's own address."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._issue_for_sending(request, pk)
        if not request.user.email:
            self.message_user(request, _("Your account has no email address to send the test to."), messages.ERROR)
        else:
            try:
                sending.send_test(issue, request.user.email)
            except (smtplib.SMTPException, OSError) as error:
                self.message_user(
                    request, _("The test mail was not sent: %(error)s") % {"error": error}, messages.ERROR
                )
            else:
                self.message_user(
                    request, _("A test copy went to %(email)s.") % {"email": request.user.email}, messages.SUCCESS
                )
        return redirect("admin:newsletter_issue_change", issue.pk)

    def send_view(self, request, pk):
        """GET asks for confirmation with the number of recipients; POST starts sending, once."""
        issue = self._issue_for_sending(request, pk)
        if request.method == "POST" and request.POST.get("action") == "unschedule":
            if sending.unschedule(issue):
                self.message_user(request, _("The issue is a draft again; nothing was sent."), messages.SUCCESS)
            return redirect("admin:newsletter_issue_change", issue.pk)
        if request.method == "POST" and request.POST.get("send_at"):
            return self._schedule(request, issue)
        if request.method == "POST":
            if sending.start_sending(issue):
                self.message_user(
                    request,
                    _("Sending started to %(count)s confirmed subscribers.") % {"count": issue.recipient_count},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, _("This issue was sent already; nothing was sent again."), messages.WARNING)
            return redirect("admin:newsletter_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "issue": issue,
            "title": _("Send “%(subject)s”") % {"subject": issue.subject},
            "recipients": Subscription.objects.receiving().filter(mailing_list=issue.mailing_list).count(),
        }
        return TemplateResponse(request, "newsletter/admin/send_confirmation.html", context)

    def _schedule(self, request, issue):
        """POST with a local date and time (an <input type=datetime-local>): send then, not now."""
        when = parse_datetime(request.POST["send_at"])
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when)
        if when is None or when <= timezone.now():
            self.message_user(request, _("Choose a moment in the future to send the issue."), messages.ERROR)
            return redirect("admin:newsletter_issue_send", issue.pk)
        if sending.schedule(issue, when):
            self.message_user(request, _("The issue goes out on %(when)s.") % {"when": _when(when)}, messages.SUCCESS)
        else:
            self.message_user(request, _("This issue was sent already; nothing was sent again."), messages.WARNING)
        return redirect("admin:newsletter_issue_change", issue.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        issue = self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        if issue is not None:
            extra_context["issue"] = issue
            extra_context["can_send"] = self.has_send_permission(request, issue)
            extra_context["state"] = self.state(issue)
            extra_context["progress"] = self.progress(issue)
            extra_context["sending_progress"] = self.sending_progress(issue)
            # While sending, the page follows the progress without JavaScript (the strict CSP allows none inline).
            extra_context["refresh_seconds"] = REFRESH_SECONDS if issue.status == Issue.Status.SENDING else None
            extra_context["uncertain_url"] = uncertain_url(issue)
        return super().change_view(request, object_id, form_url, extra_context)


# How often an issue's admin page reloads itself while the issue is being sent (a meta refresh).
REFRESH_SECONDS = 5


def uncertain_url(issue):
    return reverse("admin:newsletter_delivery_changelist") + f"?nummer={issue.pk}&status__exact=uncertain"


class IssueFilter(admin.SimpleListFilter):
    """Only the issues of the user's networks that went out, so no other network's issue shows up."""

    title = _("issue")
    parameter_name = "nummer"

    def lookups(self, request, model_admin):
        issues = Issue.objects.exclude(status=Issue.Status.DRAFT).select_related("mailing_list__network")
        if not request.user.is_superuser:
            issues = issues.filter(mailing_list__network_id__in=network_ids(request.user))
        return [(str(issue.pk), f"{issue} ({issue.mailing_list})") for issue in issues[:200]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(issue_id=self.value())


class SendersSeeAdminMixin:
    """What the copies of a network's issues became (deliveries, bounces): seen by whoever may send
    that network's issues. Newsletter managers hold no permission on these models: sending issues
    is what lets them see the copies."""

    def _may_send(self, request):
        return request.user.is_active and request.user.has_perm("newsletter.send_issue")

    def has_module_permission(self, request):
        return self._may_send(request)

    def has_view_permission(self, request, obj=None):
        return self._may_send(request) and self._allowed(request, obj)


@admin.register(Delivery)
class DeliveryAdmin(SendersSeeAdminMixin, ReadOnlyAdminMixin, NetworkScopedAdmin):
    """The copies of the issues: read only, except the decision about an uncertain copy.

    Who may send a network's issues decides about their uncertain copies: send again, or mark as sent.
    """

    list_display = ["subscriber", "issue", "status", "explanation", "attempts", "handed_over_at", "sent_at", "error"]
    list_filter = ["status", IssueFilter]
    list_select_related = ["subscriber", "issue"]
    search_fields = ["subscriber__email"]
    actions = ["resend", "mark_sent"]
    fields = [
        "issue",
        "subscriber",
        "status",
        "explanation",
        "attempts",
        "claimed_at",
        "handed_over_at",
        "sent_at",
        "next_attempt_at",
        "error",
        "resolution",
    ]
    readonly_fields = fields

    EXPLANATIONS = {
        Delivery.Status.UNCERTAIN: _(
            "The whole message reached the mail server, but its answer never came: the subscriber may have "
            "it. It is not sent again unless you choose to."
        ),
        Delivery.Status.SENDING: _("A worker is sending it now."),
        Delivery.Status.PENDING: _("Waiting to be sent; after a refusal, it is tried again later."),
    }

    @admin.display(description=_("what it means"))
    def explanation(self, obj):
        return self.EXPLANATIONS.get(obj.status, "")

    def has_decide_permission(self, request):
        return self._may_send(request)

    def _decide(self, request, queryset, decision, done_message):
        # The queryset comes from get_queryset: other networks' copies are never in it.
        selected = queryset.count()
        count = 0
        for issue in Issue.objects.filter(pk__in=queryset.values("issue_id")):
            count += decision(issue, queryset)
        if count:
            self.message_user(request, done_message % {"count": count}, messages.SUCCESS)
        if selected - count:
            self.message_user(
                request,
                _("%(count)s selected copies were not uncertain and were left as they were.")
                % {"count": selected - count},
                messages.WARNING,
            )

    @admin.action(description=_("Send the selected uncertain copies again"), permissions=["decide"])
    def resend(self, request, queryset):
        self._decide(request, queryset, sending.resend_uncertain, _("%(count)s uncertain copies will be sent again."))

    @admin.action(description=_("Mark the selected uncertain copies as sent"), permissions=["decide"])
    def mark_sent(self, request, queryset):
        self._decide(
            request, queryset, sending.mark_uncertain_sent, _("%(count)s uncertain copies were marked as sent.")
        )


@admin.register(Bounce)
class BounceAdmin(SendersSeeAdminMixin, ReadOnlyAdminMixin, NetworkScopedAdmin):
    """Copies that came back and complaints, read only: who may send a network's issues sees them."""

    list_display = ["received_at", "subscriber", "issue", "kind", "source", "detail"]
    list_filter = ["kind", "source"]
    list_select_related = ["delivery__subscriber", "delivery__issue"]
    search_fields = ["delivery__subscriber__email"]
    fields = ["received_at", "subscriber", "issue", "kind", "source", "detail"]
    readonly_fields = fields

    @admin.display(description=_("subscriber"))
    def subscriber(self, obj):
        return obj.delivery.subscriber or "-"

    @admin.display(description=_("issue"))
    def issue(self, obj):
        return obj.delivery.issue
