"""Redirects in the admin, per network; the missing addresses, shared by all networks, to read."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin import NoAddOrChangeAdminMixin
from network.permissions import NetworkScopedAdmin
from redirects.models import MissingPath, Redirect


@admin.register(Redirect)
class RedirectAdmin(NetworkScopedAdmin):
    list_display = ["old_path", "new_path", "network", "hits", "created_at"]
    list_filter = ["network"]
    search_fields = ["old_path", "new_path"]
    list_select_related = ["network"]
    fields = ["network", "old_path", "new_path", "hits", "created_at"]
    readonly_fields = ["hits", "created_at"]


@admin.register(MissingPath)
class MissingPathAdmin(NoAddOrChangeAdminMixin, admin.ModelAdmin):
    """The addresses visitors miss most, for every network's editors: an address belongs to no network
    until a redirect gives it one. Only superusers delete (the list is shared)."""

    list_display = ["path", "count", "first_seen", "last_seen"]
    search_fields = ["path"]
    actions = ["make_redirect"]

    @admin.action(description=_("Make a redirect from this address"), permissions=["add_redirect"])
    def make_redirect(self, request, queryset):
        """The new redirect's form, with the chosen address as its old address."""
        paths = list(queryset.values_list("path", flat=True)[:2])
        if len(paths) != 1:
            self.message_user(request, _("Choose one address at a time."), messages.WARNING)
            return None
        url = reverse("admin:redirects_redirect_add")
        return HttpResponseRedirect(f"{url}?{urlencode({'old_path': paths[0]})}")

    def has_add_redirect_permission(self, request):
        return request.user.has_perm("redirects.add_redirect")
