"""The registry of the kinds of personal data the apps hold, and the base classes of a kind.

Each app declares the kinds it holds in its own personal_data.py and registers them here from
the `register()` its AppConfig.ready() calls; the privacy app finds, exports and erases what
they describe (privacy/registry.py). The registry lives in core so that no app depends on the
privacy app to declare its data.
"""

import datetime
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

# What erasure does with the records of a kind.
ERASED = "erased"  # deleted
ANONYMISED = "anonymised"  # kept, without anything that leads to the person
KEPT = "kept"  # kept as they are: not the person's own data (an organisation's public contact address)

# Put in place of a name or an address that erasure removed from a record that stays.
REMOVED = "[verwijderd]"

_KINDS = {}


class Kind:
    """One kind of personal data an app holds about an email address. Subclass it and register it (`register`)."""

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


def register(*kind_classes):
    """Add kinds to the registry (from the `register()` of an app's personal_data.py)."""
    for kind_class in kind_classes:
        kind = kind_class()
        # Django runs ready() again when a test builds an app registry of its own: the same class is no clash.
        if not kind.key or (kind.key in _KINDS and type(_KINDS[kind.key]) is not kind_class):
            raise ImproperlyConfigured(
                f"Personal data kind {kind_class.__name__} needs a unique key, not {kind.key!r}."
            )
        _KINDS[kind.key] = kind


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
