"""The admin's personal-data page (/beheer/privacy/persoonsgegevens/) and the changelist action leading to it.

The page belongs to no model, so it is added to the admin site's URLs and to its app list
(for superusers) here rather than through a ModelAdmin.
"""

import functools

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from privacy import views
from privacy.forms import AddressesForm


def add_personal_data_page(site):
    """Give `site` the page at privacy/persoonsgegevens/ and a "Privacy" entry in its app list."""
    site_urls, site_app_list = site.get_urls, site.get_app_list

    def get_urls():
        view = site.admin_view(functools.partial(views.personal_data, admin_site=site))
        return [path("privacy/persoonsgegevens/", view, name="privacy_personal_data"), *site_urls()]

    def get_app_list(request, app_label=None):
        app_list = site_app_list(request, app_label)
        if views.can_use(request.user) and app_label in (None, "privacy"):
            url = reverse("admin:privacy_personal_data", current_app=site.name)
            app_list.append(
                {
                    "name": str(_("Privacy")),
                    "app_label": "privacy",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": str(_("Personal data of an email address")),
                            "object_name": "PersonalData",
                            "admin_url": url,
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
            app_list.sort(key=lambda app: str(app["name"]).lower())
        return app_list

    site.get_urls, site.get_app_list = get_urls, get_app_list


add_personal_data_page(admin.site)


class PersonalDataActionMixin:
    """A changelist action for superusers: export or erase everything about the selected records' addresses.

    Add it before the admin's base class and list "personal_data" in `actions`.
    """

    personal_data_email_field = "email"

    def has_personal_data_permission(self, request):
        return views.can_use(request.user)

    @admin.action(permissions=["personal_data"], description=_("Export or erase everything about these addresses"))
    def personal_data(self, request, queryset):
        form = AddressesForm({"addresses": list(queryset.values_list(self.personal_data_email_field, flat=True))})
        if not form.is_valid():
            self.message_user(request, " ".join(form.errors["addresses"]), messages.ERROR)
            return None
        return views.summary(request, self.admin_site, sorted(form.cleaned_data["addresses"]))
