"""Admin building blocks every app shares (the apps' admins are in their own admin.py)."""


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
