"""Everything the site stores about an email address, across every app: find it, export it, erase it.

Each app declares the kinds of personal data it holds in its own `personal_data.py`: a
subclass of `Kind` per kind, registered with `@register`, that finds the records for an
address, describes one record for the export and erases them. The privacy app imports
those modules when it starts (privacy/apps.py). tests/privacy/test_coverage.py fails when
a model holding personal data is covered by no kind.

An address matches whatever its case and surrounding spaces: every app stores addresses
stripped (and most lower-cased), and every kind looks them up with `iexact`.
"""

import datetime
import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger("privacy")

# What erasure does with the records of a kind.
ERASED = "erased"  # deleted
ANONYMISED = "anonymised"  # kept, without anything that leads to the person
KEPT = "kept"  # kept as they are: not the person's own data (an organisation's public contact address)

OUTCOME_LABELS = {
    ERASED: gettext_lazy("erased"),
    ANONYMISED: gettext_lazy("kept anonymously"),
    KEPT: gettext_lazy("kept (not personal data)"),
}

# Put in place of a name or an address that erasure removed from a record that stays.
REMOVED = "[verwijderd]"

_KINDS = {}


class ErasureRefused(Exception):
    """Erasing would break the site (the last superuser); nothing was erased."""


def normalise_email(value):
    """The address as the apps store it: stripped and lower-cased; ValidationError for no address at all."""
    email = (value or "").strip().lower()
    validate_email(email)
    return email


class Kind:
    """One kind of personal data an app holds about an email address. Subclass it and `@register` it."""

    key = ""  # "app_label.what", stable: the export names the kind by it
    label = ""  # what the records are, plural: gettext_lazy("Campaign signatures")
    models = ()  # "app_label.ModelName" of every model whose personal data this kind covers
    # Finding and erasing run kind by kind in this order: the person's records first, their staff
    # account (70) after its memberships, the audit trails (90+) last: they look for entries about
    # the records found before them, and see what erasure itself logged.
    order = 50
    outcome = ERASED
    # Whether the admin's history and the audit trail of these records are about the person, so
    # that erasure anonymises them too: yes for their own records, no for content they wrote.
    history_is_personal = True

    def find(self, subject):
        """The records of this kind for `subject.email` (and `subject.users`), as a list."""
        raise NotImplementedError

    def export(self, record):
        """One record for the export: a dict of Dutch labels and plain JSON values (see `describe`)."""
        raise NotImplementedError

    def refusal(self, records):
        """Why these records must not be erased, or None."""
        return None

    def erase(self, records, subject):
        """Erase (or anonymise) `records`; runs inside the erasure's transaction. The number of records."""
        for record in records:
            record.delete()
        return len(records)


class UserOwnedKind(Kind):
    """A kind whose records are the rows of its one model (`models`) that point at the person's staff accounts."""

    user_field = "user"  # the model's foreign key to the account
    select_related = ()  # what `export` reads of each record, fetched with it

    def find(self, subject):
        (label,) = self.models
        records = apps.get_model(label).objects.filter(**{f"{self.user_field}__in": subject.user_ids})
        if self.select_related:
            records = records.select_related(*self.select_related)
        return list(records.order_by("pk"))


def register(kind_class):
    """Class decorator: add a kind to the registry."""
    kind = kind_class()
    if not kind.key or kind.key in _KINDS:
        raise ImproperlyConfigured(f"Personal data kind {kind_class.__name__} needs a unique key, not {kind.key!r}.")
    _KINDS[kind.key] = kind
    return kind_class


def unregister(key):
    """Remove a kind (tests prove the coverage check notices); the kind removed."""
    return _KINDS.pop(key)


def kinds():
    """Every registered kind, in erasure order."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def covered_models():
    """{"app_label.ModelName": [kind keys]} for every model some kind covers."""
    covered = defaultdict(list)
    for kind in kinds():
        for label in kind.models:
            covered[label].append(kind.key)
    return dict(covered)


class Subject:
    """The person behind one email address, as far as this site knows them."""

    def __init__(self, email):
        self.email = normalise_email(email)
        # The usernames and addresses of the person's staff accounts, lower-cased (see `users`).
        self.account_names = set()
        # {model class: {pk, ...}} of the records found so far; the audit trails look for entries about them.
        self.objects = defaultdict(set)

    @cached_property
    def users(self):
        """Staff accounts with this address: as their email, their username, or one of their allauth addresses."""
        from allauth.account.models import EmailAddress

        users = list(
            get_user_model()
            .objects.filter(
                Q(email__iexact=self.email)
                | Q(username__iexact=self.email)
                | Q(pk__in=EmailAddress.objects.filter(email__iexact=self.email).values("user_id"))
            )
            .order_by("pk")
        )
        # Taken before erasure renames the accounts: what other records may still call them.
        self.account_names = {
            name.lower() for user in users for name in (user.get_username(), str(user), user.email) if name
        }
        return users

    @property
    def user_ids(self):
        return [user.pk for user in self.users]

    def remember(self, records):
        for record in records:
            if isinstance(record, models.Model):
                self.objects[type(record)].add(record.pk)


@dataclass
class Finding:
    kind: Kind
    records: list

    @property
    def count(self):
        return len(self.records)

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.kind.outcome]


def find(email):
    """(subject, [Finding per kind]) for an address; ValidationError when it is no address."""
    subject = Subject(email)
    findings = []
    for kind in kinds():
        records = kind.find(subject)
        findings.append(Finding(kind, records))
        if kind.history_is_personal:
            subject.remember(records)
    return subject, findings


# Export ------------------------------------------------------------------------------------------


def plain(value):
    """A value as JSON can hold it, readable: local ISO 8601 times, text for labels and objects."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Promise | models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def describe(record, *field_names, **extra):
    """{field label: value} of a record's fields (choices as their label), then `extra` {label: value}."""
    data = {}
    for name in field_names:
        field = record._meta.get_field(name)
        value = getattr(record, f"get_{name}_display")() if field.choices else getattr(record, name)
        data[str(field.verbose_name)] = plain(value)
    data.update({str(label): plain(value) for label, value in extra.items()})
    return data


def export(email):
    """Everything stored about an address, as one JSON-ready dict with Dutch labels."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, findings = find(email)
        return {
            "email_address": subject.email,
            "exported_at": plain(timezone.now()),
            "site": settings.SITE_NAME,
            "explanation": _(
                "Everything this website stores about this email address, grouped by kind. Kinds without "
                "anything about you are listed under 'checked'."
            ),
            "data": [
                {
                    "kind": finding.kind.key,
                    "label": str(finding.kind.label),
                    "count": finding.count,
                    "on_erasure": str(finding.outcome_label),
                    "records": [finding.kind.export(record) for record in finding.records],
                }
                for finding in findings
                if finding.records
            ],
            "checked": [str(finding.kind.label) for finding in findings],
        }


def export_json(email):
    return json.dumps(export(email), ensure_ascii=False, indent=2) + "\n"


# Erasure -----------------------------------------------------------------------------------------


def refusals(findings):
    return [reason for finding in findings if finding.records and (reason := finding.kind.refusal(finding.records))]


def erase(email, *, actor=None):
    """Erase everything stored about an address, all or nothing; [(kind, count)] of what it touched.

    ErasureRefused (and nothing erased) when a kind refuses. Logged without the address:
    who erased how many records of which kinds.
    """
    with transaction.atomic():
        subject, findings = find(email)
        reasons = refusals(findings)
        if reasons:
            raise ErasureRefused(" ".join(str(reason) for reason in reasons))
        done = [(finding.kind, finding.kind.erase(finding.records, subject)) for finding in findings]
        done = [(kind, count) for kind, count in done if count]
        log_erasure(done, actor)
    return done


def summary_line(done):
    """What erasure did, per kind ("Campaign signatures: 2 erased; ..."), never with the address."""
    if not done:
        return _("nothing was stored")
    return "; ".join(f"{kind.label}: {count} {OUTCOME_LABELS[kind.outcome]}" for kind, count in done)


def log_erasure(done, actor):
    counts = ", ".join(f"{kind.key}={count}" for kind, count in done) or "nothing"
    logger.info("Personal data erased by %s: %s", f"user {actor.pk}" if actor else "manage.py", counts)
    if actor is not None:
        from django.contrib.admin.models import DELETION, LogEntry

        LogEntry.objects.create(
            user=actor,
            content_type=None,
            object_id=None,
            object_repr=_("Personal data of an email address"),
            action_flag=DELETION,
            change_message=summary_line(done),
        )
