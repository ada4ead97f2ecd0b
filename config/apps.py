"""The project's versions of other projects' apps: the admin with the project's site, and Dutch
names in the admin for the apps of django-allauth and django-tasks-db.

allauth's Dutch catalogue names its apps, but its models Authenticator and UserSession have no
verbose name at all (the admin shows "Authenticators", "User sessions", made from the class names),
and django-tasks-db has no Dutch catalogue ("Tasks Database Backend", "Task Results"). Django's way
to rename another project's app is a subclass of its AppConfig in INSTALLED_APPS; the models' names
are set on their _meta when the app is ready. Only _meta's current names change, not the options
migrations are made from (Meta.original_attrs), so no migration of those apps follows.
"""

from allauth.mfa.apps import MFAConfig
from allauth.usersessions.apps import UserSessionsConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with the project's site (config/admin.py)."""

    default_site = "config.admin.AdminSite"

    def ready(self):
        super().ready()
        # The project's system checks (config/checks.py) are registered by the composition root,
        # so no app imports config.
        import config.checks  # noqa: F401


def _name_model(app_config, model_name, singular, plural):
    options = app_config.get_model(model_name)._meta
    options.verbose_name, options.verbose_name_plural = singular, plural


class SecondFactorConfig(MFAConfig):
    verbose_name = _("Two-step sign-in")

    def ready(self):
        super().ready()
        _name_model(self, "Authenticator", _("second step for signing in"), _("second steps for signing in"))


class SignedInDevicesConfig(UserSessionsConfig):
    verbose_name = _("Signed-in devices")

    def ready(self):
        super().ready()
        _name_model(self, "UserSession", _("signed-in session"), _("signed-in sessions"))


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")

    def ready(self):
        super().ready()
        _name_model(self, "DBTaskResult", _("task"), _("tasks"))
