"""Shaping each audit entry before it is stored, and entries for changes made without save().

Every new entry passes `prepare_entry` (pre_save of the log entry model): personal values are
replaced by a marker, long texts by an excerpt around the change, and the entry gets its
`event` (created, changed, published, taken offline, sent, deleted) so the trail can list and
filter "published" apart from any other change.
"""

import html

from auditlog import get_logentry_model
from auditlog.context import auditlog_disabled
from django.db import models
from django.db.models import TextField
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from audit import registry

# Stored instead of a personal value: the entry says the field changed, not what it held.
REDACTED = "***"
# Longer texts are kept as an excerpt of this many characters around their first difference.
EXCERPT_LENGTH = 200


class Event(models.TextChoices):
    """What an entry means, beyond django-auditlog's create, update and delete."""

    CREATED = "created", _("created")
    CREATED_PUBLISHED = "created_published", _("created and published")
    CHANGED = "changed", _("changed")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("taken offline")
    SENT = "sent", _("sent")
    DELETED = "deleted", _("deleted")


def event_of(action, audited, changes):
    """What an entry means for the public: its action, and whether it put the object online or took it off."""
    LogEntry = get_logentry_model()
    publication = audited.publication
    change = (changes or {}).get(publication.field) if publication else None
    if isinstance(change, dict):  # a many-to-many change
        change = None
    if action == LogEntry.Action.CREATE:
        published = change is not None and publication.is_published(change[1])
        return Event.CREATED_PUBLISHED if published else Event.CREATED
    if action == LogEntry.Action.DELETE:
        return Event.DELETED
    if change is not None:
        old, new = publication.is_published(change[0]), publication.is_published(change[1])
        if new and not old:
            return publication.event
        if old and not new:
            return Event.UNPUBLISHED
    return Event.CHANGED


def _plain(value):
    return " ".join(html.unescape(strip_tags(value)).split())


def _excerpt(text, start):
    piece = text[start : start + EXCERPT_LENGTH]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT_LENGTH < len(text) else "")


def shorten(old, new, rich):
    """Long texts (and rich text as plain text) as excerpts that start just before their first difference."""
    texts = [(_plain(value) if rich else value) if isinstance(value, str) else value for value in (old, new)]
    if not any(isinstance(text, str) and len(text) > EXCERPT_LENGTH for text in texts):
        return texts
    strings = [text for text in texts if isinstance(text, str)]
    same = len(_common_prefix(*strings)) if len(strings) == 2 else 0
    # A little context before the first difference.
    start = max(0, same - 40)
    return [_excerpt(text, start) if isinstance(text, str) else text for text in texts]


def _common_prefix(first, second):
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


def _redact(value):
    return REDACTED if value not in (None, "") else value


def clean_changes(model, audited, changes):
    cleaned = {}
    for name, change in (changes or {}).items():
        if isinstance(change, dict):  # many-to-many: names of the objects added or removed
            cleaned[name] = change
            continue
        # A lazy translation (a field's default) is stored as the text it stands for.
        old, new = (str(value) if isinstance(value, Promise) else value for value in change)
        if name in audited.private:
            old, new = _redact(old), _redact(new)
        else:
            field = next((field for field in model._meta.concrete_fields if field.name == name), None)
            if isinstance(field, TextField) or any(isinstance(v, str) and len(v) > EXCERPT_LENGTH for v in (old, new)):
                old, new = shorten(old, new, rich=isinstance(field, ProseEditorField))
        cleaned[name] = [old, new]
    return cleaned


def prepare_entry(sender, instance, raw=False, **kwargs):
    """pre_save of a new log entry: personal values out, long texts short, and its event."""
    if raw or instance.pk is not None or instance.content_type_id is None:
        return
    model = instance.content_type.model_class()
    audited = registry.config_for(model)
    if audited is None:
        return
    instance.changes = clean_changes(model, audited, instance.changes)
    instance.additional_data = {
        **(instance.additional_data or {}),
        "event": event_of(instance.action, audited, instance.changes),
    }
    if audited.anonymous:
        instance.object_repr = f"{capfirst(model._meta.verbose_name)} {instance.object_pk}"


def record_change(instance, changes):
    """An entry for a change made with a queryset update, which sends no signal; the actor as for any other.

    `changes` maps field names to (old, new). Nothing is recorded while auditlog is disabled.
    """
    if auditlog_disabled.get():
        return None
    LogEntry = get_logentry_model()
    return LogEntry.objects.log_create(
        instance, action=LogEntry.Action.UPDATE, changes={name: list(values) for name, values in changes.items()}
    )
