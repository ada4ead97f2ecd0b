import datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.recording import REDACTED, Event
from core.owners import Owner

# Shown for a value that is empty (an en dash).
EMPTY = "\u2013"


class AuditEntryQuerySet(models.QuerySet):
    def with_network(self):
        """Each entry's network id (`network_ref`) and short name (`network_name`), from its stored JSON."""
        from network.models import Network

        network_ref = Cast(KeyTextTransform("network_id", "additional_data"), models.BigIntegerField())
        return self.annotate(
            network_ref=network_ref,
            network_name=models.Subquery(
                Network.objects.filter(pk=models.OuterRef("network_ref")).values("short_name")[:1]
            ),
            # Cast, so that `__in` compares plain text (a JSON key lookup would read the values as JSON).
            event_ref=Cast(KeyTextTransform("event", "additional_data"), models.CharField()),
        )


class AuditEntry(LogEntry):
    """An entry of django-auditlog's log, as the audit trail shows it: read only, in Dutch, with its network."""

    # Staff-only; an entry's network is in its additional data, not a link.
    owner = Owner(None, public=False)

    Event = Event
    ACTION_EVENTS = {
        LogEntry.Action.CREATE: Event.CREATED,
        LogEntry.Action.UPDATE: Event.CHANGED,
        LogEntry.Action.DELETE: Event.DELETED,
    }

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        proxy = True
        ordering = ["-timestamp", "-pk"]
        # Only to read: nobody can be given a permission to add, change or delete entries.
        default_permissions = ("view",)
        verbose_name = _("audit trail entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return _("%(event)s: %(object)s") % {"event": capfirst(self.get_event_display()), "object": self.object_repr}

    @property
    def event(self):
        return (self.additional_data or {}).get("event") or self.ACTION_EVENTS.get(self.action, Event.CHANGED)

    def get_event_display(self):
        try:
            return self.Event(self.event).label
        except ValueError:
            return self.event

    @property
    def network_id(self):
        return (self.additional_data or {}).get("network_id")

    @property
    def model_class(self):
        return self.content_type.model_class()

    def _field(self, name):
        model = self.model_class
        try:
            return model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            return None

    def field_label(self, name):
        field = self._field(name)
        return capfirst(getattr(field, "verbose_name", None) or name.replace("_", " "))

    def changed_field_labels(self):
        """The names of the fields this entry changed, as staff know them."""
        if self.event == Event.DELETED:
            return []
        return [self.field_label(name) for name in (self.changes or {})]

    def change_rows(self):
        """(field, old value, new value) for every change, ready to show."""
        rows = []
        for name, change in (self.changes or {}).items():
            if isinstance(change, dict):  # many-to-many: the objects added or removed
                objects = ", ".join(str(item) for item in change.get("objects", []))
                if change.get("operation") == "add":
                    rows.append((self.field_label(name), EMPTY, _("added: %(objects)s") % {"objects": objects}))
                else:
                    rows.append((self.field_label(name), EMPTY, _("removed: %(objects)s") % {"objects": objects}))
                continue
            old, new = change
            field = self._field(name)
            rows.append((self.field_label(name), self.display_value(field, old), self.display_value(field, new)))
        return rows

    @staticmethod
    def display_value(field, value):
        if value is None or value == "":
            return EMPTY
        if value == REDACTED:
            return _("(not kept)")
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            # Stored as UTC without a zone (django-auditlog); shown in Brussels time.
            try:
                moment = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
            except ValueError:
                return value
            return localize(timezone.localtime(moment))
        return str(value)
