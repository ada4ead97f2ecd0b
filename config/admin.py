"""The project's admin site: Django's, with the staff dashboard as its start page and "view on site" scoped
like the rest of the admin."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core import dashboard


class AdminSite(admin.AdminSite):
    index_title = _("What is waiting for you")

    def index(self, request, extra_context=None):
        """The staff dashboard (core/dashboard.py), with every part of the admin below it."""
        board = dashboard.build(request)
        response = super().index(request, {**(extra_context or {}), "dashboard": board})
        if board.error:
            response.status_code = 400  # ?netwerk= names none of the user's networks
        return response

    def get_urls(self):
        urls = super().get_urls()
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [scoped if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's redirect to an object's public address, only for an object the user may see in
        this admin: its model admin's queryset (an editor's own networks) and view permission.
        Anything else is 404, as if it did not exist: Django's own view checks only is_staff, so an
        editor walking ids learned the addresses of other networks' drafts."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, obj.pk)
