"""Personal data held by Django, django-allauth, django-auditlog, django-reversion and django-tasks:
staff accounts and what hangs off them (addresses, second factors, sessions), the admin's and the audit
trail's entries, the content revisions staff saved, and background tasks.

A staff account is never deleted: the admin history and the audit trail keep referring to it.
Erasure turns it into "verwijderd-<id>": no name, no address, no password, no way to sign in,
no groups or rights; its addresses, second factors and sessions are deleted.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import personaldata
from core.personaldata import ANONYMISED, REMOVED, Kind, UserOwnedKind, describe


class StaffAccounts(Kind):
    key = "auth.user"
    label = gettext_lazy("Staff accounts")
    models = ("auth.User",)
    order = 70
    outcome = ANONYMISED

    def find(self, subject):
        return subject.users

    def export(self, user):
        return describe(
            user,
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
            **{_("roles"): sorted(user.groups.values_list("name", flat=True))},
        )

    def refusal(self, users):
        User = get_user_model()
        erased = [user.pk for user in users]
        if any(user.is_superuser and user.is_active for user in users) and not (
            User.objects.filter(is_superuser=True, is_active=True).exclude(pk__in=erased).exists()
        ):
            return _("This is the last active superuser: make someone else superuser first.")
        return None

    def erase(self, users, subject):
        for user in users:
            anonymise_user(user)
        return len(users)


def anonymise_user(user):
    """Keep the row the admin history and audit trail point at, with nothing left that leads to the person."""
    name = f"verwijderd-{user.pk}"
    user.username = name
    # Empty rather than "verwijderd-<id>": that is no address, and the admin's form would refuse it.
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


class EmailAddresses(Kind):
    key = "account.emailaddress"
    label = gettext_lazy("Sign-in email addresses")
    models = ("account.EmailAddress", "account.EmailConfirmation")
    order = 53

    def find(self, subject):
        from allauth.account.models import EmailAddress

        return list(
            EmailAddress.objects.filter(Q(user_id__in=subject.user_ids) | Q(email__iexact=subject.email))
            .prefetch_related("emailconfirmation_set")
            .order_by("pk")
        )

    def export(self, address):
        sent = [confirmation.sent or confirmation.created for confirmation in address.emailconfirmation_set.all()]
        return describe(address, "email", "verified", "primary", **{_("confirmation mails sent"): sent})


class SecondFactors(UserOwnedKind):
    key = "mfa.authenticator"
    label = gettext_lazy("Second factors for signing in")
    models = ("mfa.Authenticator",)
    order = 52

    def export(self, authenticator):
        # That a second factor exists and since when; never its secret or codes.
        return describe(authenticator, "type", "created_at", "last_used_at")


class SignInSessions(UserOwnedKind):
    key = "usersessions.usersession"
    label = gettext_lazy("Signed-in sessions (address and browser)")
    models = ("usersessions.UserSession",)
    order = 51

    def export(self, session):
        return describe(session, "ip", "user_agent", "created_at", "last_seen_at")


class Sessions(Kind):
    key = "sessions.session"
    label = gettext_lazy("Open sessions")
    models = ("sessions.Session",)
    order = 50

    def find(self, subject):
        from allauth.usersessions.models import UserSession

        user_ids = {str(pk) for pk in subject.user_ids}
        if not user_ids:
            return []
        keys = set(UserSession.objects.filter(user_id__in=user_ids).values_list("session_key", flat=True))
        # Sessions begun before allauth tracked them: only a decoded session says whose it is.
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key__in=keys):
            if session.get_decoded().get("_auth_user_id") in user_ids:
                keys.add(session.session_key)
        return list(Session.objects.filter(session_key__in=keys).order_by("expire_date"))

    def export(self, session):
        return describe(session, "expire_date")


class BackgroundTasks(Kind):
    key = "django_tasks_database.dbtaskresult"
    label = gettext_lazy("Background tasks")
    models = ("django_tasks_database.DBTaskResult",)
    order = 40

    def find(self, subject):
        from django_tasks_db.models import DBTaskResult

        # Today's tasks (the newsletter's batches) carry no address; this keeps any future one honest.
        return list(
            DBTaskResult.objects.annotate(
                arguments=Cast("args_kwargs", TextField()), result=Cast("return_value", TextField())
            )
            .filter(
                Q(arguments__icontains=subject.email)
                | Q(result__icontains=subject.email)
                | Q(traceback__icontains=subject.email)
            )
            .order_by("enqueued_at")
        )

    def export(self, result):
        return describe(result, "task_path", "status", "enqueued_at", "finished_at", "args_kwargs")

    def erase(self, results, subject):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        # A task being run right now finishes; every other one, done or waiting, goes.
        return (
            DBTaskResult.objects.filter(pk__in=[result.pk for result in results])
            .exclude(status=TaskResultStatus.RUNNING)
            .delete()[0]
        )


# The admin's history and the audit trail -------------------------------------------------------


def _entries_about(entry_model, pk_field, subject):
    """A filter for the log entries about any record found for the subject."""
    condition = Q(pk__in=[])
    for model, pks in subject.objects.items():
        # The admin logs a proxy model under its own type, the audit trail under the concrete one.
        types = {ContentType.objects.get_for_model(model, for_concrete_model=concrete) for concrete in (True, False)}
        condition |= Q(content_type__in=types, **{f"{pk_field}__in": [str(pk) for pk in pks]})
    return entry_model.objects.filter(condition)


class AdminActions(UserOwnedKind):
    """What a staff member did in the admin. Kept: the entries then name "verwijderd-<id>"."""

    key = "admin.logentry.actions"
    label = gettext_lazy("Actions you performed in the admin")
    models = ("admin.LogEntry",)
    order = 90
    outcome = ANONYMISED
    history_is_personal = False
    select_related = ("content_type",)

    def export(self, entry):
        return describe(
            entry,
            "action_time",
            "object_repr",
            **{
                _("action"): {ADDITION: _("added"), CHANGE: _("changed"), DELETION: _("deleted")}.get(
                    entry.action_flag, ""
                ),
                _("kind of object"): entry.content_type.name if entry.content_type else "",
                _("change"): entry.get_change_message(),
            },
        )

    def erase(self, entries, subject):
        # The account itself is anonymised (StaffAccounts); the entries stay as the admin's history.
        return len(entries)


class AdminEntriesAboutYou(Kind):
    """The admin's history of the person's own records: the names in it go."""

    key = "admin.logentry.about"
    label = gettext_lazy("Admin history of your data")
    models = ("admin.LogEntry",)
    order = 91
    outcome = ANONYMISED
    history_is_personal = False

    def find(self, subject):
        return list(_entries_about(AdminLogEntry, "object_id", subject).order_by("pk"))

    def export(self, entry):
        return describe(entry, "action_time", "object_repr", **{_("change"): entry.get_change_message()})

    def erase(self, entries, subject):
        return _entries_about(AdminLogEntry, "object_id", subject).update(object_repr=REMOVED)


def _audit_entries():
    from auditlog.models import LogEntry

    return LogEntry


def _redacted(changes):
    """The changed fields' names stay, their values go."""
    if not isinstance(changes, dict):
        return None
    return dict.fromkeys(changes, REMOVED)


def _without_names(value, names):
    """A JSON value with every string that is one of `names` (any case) replaced."""
    if isinstance(value, str):
        return REMOVED if value.lower() in names else value
    if isinstance(value, list):
        return [_without_names(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _without_names(item, names) for key, item in value.items()}
    return value


def _entries_naming(subject):
    """Audit entries of other records whose changes name the person's staff account: the author of a
    news post is stored as the author's username (AUDITLOG_USE_FK_STRING_REPRESENTATION)."""
    subject.users  # noqa: B018 -- fills subject.account_names
    condition = Q(pk__in=[])
    for name in subject.account_names:
        condition |= Q(changes_as_text__icontains=f'"{name}"')
    return _audit_entries().objects.annotate(changes_as_text=Cast("changes", TextField())).filter(condition)


class AuditActions(Kind):
    """What a staff member changed, from the audit trail. Kept, without their address and IP address."""

    key = "auditlog.logentry.actions"
    label = gettext_lazy("Changes you made (audit trail)")
    models = ("auditlog.LogEntry",)
    order = 92
    outcome = ANONYMISED
    history_is_personal = False

    def find(self, subject):
        entries = _audit_entries().objects.filter(
            Q(actor_id__in=subject.user_ids) | Q(actor_email__iexact=subject.email)
        )
        return list(entries.select_related("content_type").order_by("pk"))

    def export(self, entry):
        return describe(
            entry,
            "timestamp",
            "action",
            "object_repr",
            "changes",
            "remote_addr",
            "actor_email",
            **{_("kind of object"): entry.content_type.name},
        )

    def erase(self, entries, subject):
        return (
            _audit_entries()
            .objects.filter(pk__in=[entry.pk for entry in entries])
            .update(actor_email=None, remote_addr=None, remote_port=None)
        )


class AuditEntriesAboutYou(Kind):
    """The audit trail's entries about the person's own records (erasure's own included): their values go.
    Entries about other records that name the person (a news post's author) lose that name."""

    key = "auditlog.logentry.about"
    label = gettext_lazy("Audit trail of your data")
    models = ("auditlog.LogEntry",)
    order = 93
    outcome = ANONYMISED
    history_is_personal = False

    def find(self, subject):
        about = _entries_about(_audit_entries(), "object_pk", subject)
        naming = _entries_naming(subject)
        return list(_audit_entries().objects.filter(Q(pk__in=about.values("pk")) | Q(pk__in=naming.values("pk"))))

    def export(self, entry):
        return describe(entry, "timestamp", "action", "object_repr", "changes")

    def erase(self, entries, subject):
        # Looked up again: erasing the records above may have added entries (deletions) about them.
        about = list(_entries_about(_audit_entries(), "object_pk", subject))
        for entry in about:
            entry.object_repr = REMOVED
            entry.changes = _redacted(entry.changes)
            entry.changes_text = ""
            entry.serialized_data = None
            entry.additional_data = _without_names(entry.additional_data, subject.account_names)
        naming = list(_entries_naming(subject).exclude(pk__in=[entry.pk for entry in about]))
        for entry in naming:
            entry.object_repr = _without_names(entry.object_repr, subject.account_names)
            entry.changes = _without_names(entry.changes, subject.account_names)
        fields = ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"]
        _audit_entries().objects.bulk_update([*about, *naming], fields)
        return len(about) + len(naming)


class RevisionsYouSaved(UserOwnedKind):
    """The content revisions a staff member saved (core/revisions.py). Kept: they then name "verwijderd-<id>"."""

    key = "reversion.revision"
    label = gettext_lazy("Content versions you saved")
    models = ("reversion.Revision",)
    order = 94
    outcome = ANONYMISED
    history_is_personal = False

    def export(self, revision):
        return describe(revision, "date_created", **{_("comment"): revision.get_comment()})

    def erase(self, revisions, subject):
        # The account itself is anonymised (StaffAccounts); the revisions stay as the content's history.
        return len(revisions)


def register():
    """Called by the app's AppConfig.ready()."""
    personaldata.register(
        StaffAccounts,
        EmailAddresses,
        SecondFactors,
        SignInSessions,
        Sessions,
        BackgroundTasks,
        AdminActions,
        AdminEntriesAboutYou,
        AuditActions,
        AuditEntriesAboutYou,
        RevisionsYouSaved,
    )
