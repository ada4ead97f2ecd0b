"""Who sees a preview, and share links: the staff preview of any registered content (core/previews.py),
time-limited links to it for a colleague without an account, and the admin part of both. (The
network's own content pages register their preview in network/previews.py.)

A staff member previews an object when `can_preview` admits them (the one rule). Whoever may preview
an object may also make a share link to it and revoke its links. A link carries the id of a
`ShareLink` row, signed; the row holds its expiry and revocation, so a link stops working when it
expires, when it is revoked, and when the staff member who made it may no longer preview the object.
A revoked or expired link answers 410 Gone with a Dutch page; a made-up or damaged one 404.
"""

import datetime

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import pagecache, previews
from core.tokens import TokenError, make_token, read_token_parts
from network.models import ShareLink
from network.permissions import can_preview

SHARE_PURPOSE = "preview-share"
# How long a new link works: the editor picks one of these; the longest is the default.
SHARE_DAYS = (1, 3, 7)
DEFAULT_SHARE_DAYS = 7


def preview_url(obj):
    """The staff preview of `obj`, or None for a kind without a preview."""
    if not previews.previewable(type(obj)):
        return None
    return reverse("network:preview", args=[obj._meta.label_lower, obj.pk])


def share_url(link, request=None):
    """The address of a share link (absolute with `request`)."""
    url = reverse("network:shared_preview", kwargs={"token": make_token(SHARE_PURPOSE, [link.pk])})
    return request.build_absolute_uri(url) if request is not None else url


def _object(label, pk):
    """The object of a registered kind, or 404."""
    if not previews.previewable_label(label):
        raise Http404
    model = apps.get_model(label)
    return get_object_or_404(previews.queryset(model), pk=pk)


@never_cache
@staff_member_required
@require_safe
def staff_preview(request, label, pk):
    """The object as it will be published, with the content checks, for staff who may preview it."""
    obj = _object(label, pk)
    if not can_preview(request.user, obj):
        raise PermissionDenied
    return previews.respond(request, obj, shared=False)


@pagecache.token_page
@require_safe
def shared_preview(request, token):
    """The preview behind a share link, for anybody holding it: no account, session or second factor."""
    try:
        (link_id,) = read_token_parts(SHARE_PURPOSE, token, int, max_age=0)
    except TokenError as error:
        raise Http404 from error
    link = ShareLink.objects.select_related("content_type", "created_by").filter(pk=link_id).first()
    if link is None:
        raise Http404
    model = link.content_type.model_class()
    obj = previews.queryset(model).filter(pk=link.object_id).first() if model else None
    if obj is None:
        raise Http404
    if not link.is_active() or link.created_by is None or not can_preview(link.created_by, obj):
        return render(request, "network/share_link_gone.html", {"link": link}, status=410)
    return previews.respond(request, obj, shared=True)


def create_share_link(*, obj, user, days=DEFAULT_SHARE_DAYS):
    """A new share link to `obj`, valid for `days` days, made by `user` (who may preview it)."""
    if not can_preview(user, obj):
        raise PermissionDenied
    now = timezone.now()
    return ShareLink.objects.create(
        network_id=type(obj).owner.network_id(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        created_by=user,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )


def revoke_share_link(*, link, user):
    """End a share link now (kept, for the audit trail and the list)."""
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    return link


class PreviewAdminMixin:
    """Admin mixin for public content: a "Voorbeeld" link in the change form's tools (the staff preview)
    and a panel "Share the preview" listing the object's active share links, to make one and revoke one.

    The panel's buttons submit two small forms outside the change form (their `form` attribute), so
    pressing Enter in the change form still saves it. Put it before the ModelAdmin in the bases."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        own = [
            path("<path:object_id>/delen/", view(self.share_create_view), name="{}_{}_share".format(*info)),
            path(
                "<path:object_id>/delen/intrekken/",
                view(self.share_revoke_view),
                name="{}_{}_share_revoke".format(*info),
            ),
        ]
        return own + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "share_links"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        """The share panel as a fieldset of its own, last; none on the add form (nothing to share yet)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not can_preview(request.user, obj):
            return fieldsets
        without = [
            (name, {**options, "fields": [field for field in options["fields"] if field != "share_links"]})
            for name, options in fieldsets
        ]
        return [*without, (gettext_lazy("Share the preview"), {"fields": ["share_links"]})]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and can_preview(request.user, obj):
            info = self.opts.app_label, self.opts.model_name
            context["preview_url"] = preview_url(obj)
            context["share_create_url"] = reverse("admin:{}_{}_share".format(*info), args=[quote(obj.pk)])
            context["share_revoke_url"] = reverse("admin:{}_{}_share_revoke".format(*info), args=[quote(obj.pk)])
            # The panel (a read-only field, rendered with the object alone) shows absolute addresses.
            obj._share_request = request
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _active_links(obj):
        return list(ShareLink.objects.for_object(obj).active().select_related("created_by"))

    @admin.display(description=gettext_lazy("share links"))
    def share_links(self, obj):
        request = getattr(obj, "_share_request", None)
        links = [(link, share_url(link, request)) for link in self._active_links(obj)]
        return render_to_string(
            "network/admin/share_links.html",
            {"links": links, "days": SHARE_DAYS, "default_days": DEFAULT_SHARE_DAYS},
        )

    def _share_object(self, request, object_id):
        """The object, for a user who may see its change page and preview it; 403 otherwise."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj) or not can_preview(request.user, obj):
            raise PermissionDenied
        return obj

    def _back(self, obj):
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", quote(obj.pk))

    @staticmethod
    def _days(request):
        value = request.POST.get("days", str(DEFAULT_SHARE_DAYS))
        return int(value) if value.isdigit() and int(value) in SHARE_DAYS else None

    def share_create_view(self, request, object_id):
        """POST: a new share link to the object's preview; its address is shown in the message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._share_object(request, object_id)
        days = self._days(request)
        if days is None:
            messages.error(request, _("Choose how long the link works: 1, 3 or 7 days."))
            return self._back(obj)
        link = create_share_link(obj=obj, user=request.user, days=days)
        messages.success(
            request,
            _("Share link made; it works until %(until)s: %(url)s")
            % {"until": _local(link.expires_at), "url": share_url(link, request)},
        )
        return self._back(obj)

    def share_revoke_view(self, request, object_id):
        """POST: revoke one of the object's share links (`link`: its id)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._share_object(request, object_id)
        link_id = request.POST.get("link", "")
        link = (
            ShareLink.objects.for_object(obj).filter(pk=int(link_id), revoked_at__isnull=True).first()
            if link_id.isdigit()
            else None
        )
        if link is None:
            messages.error(request, _("This share link does not exist or was revoked already."))
            return self._back(obj)
        revoke_share_link(link=link, user=request.user)
        messages.success(request, _("The share link is revoked: it no longer opens the preview."))
        return self._back(obj)


def _local(moment):
    return localize(timezone.localtime(moment))
