"""Revisions of the public content: every admin save keeps a snapshot (who, when, what), which an
editor lists, compares and restores as a new revision.

django-reversion stores the snapshots (a `Revision` per save with its user, time and comment, a
serialised `Version` per object in it); the pages that show and restore them are here, in
`RevisionsAdmin`, because reversion's own admin restores through a raw save (no model `save()`,
no audit entry) and offers no comparison. An app says which of its models are versioned in its
`revisions.py` (`register()`, called by its AppConfig.ready()) with `versioned()`.

What is never versioned: uploaded files and the fields that describe them (a restore must not
point at a file that was replaced or removed), fields that are not edited (counters, timestamps),
and what an app excludes because it is a person's data (an association's contact person): a
restore must not bring back what someone had removed.
"""

import difflib
import html

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import localize
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from reversion.models import Version


def _file_prefixes(model):
    """Name prefixes of the fields that describe a model's uploads ("hero" for hero_image, hero_alt...)."""
    return {field.name.removesuffix("_image") for field in model._meta.fields if isinstance(field, models.FileField)}


def versioned_fields(model, exclude=()):
    """The edited fields of `model` a revision keeps: not files nor what describes them, not `exclude`."""
    prefixes = _file_prefixes(model)
    return [
        field.name
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable
        and not field.primary_key
        and not isinstance(field, models.FileField)
        and not any(field.name.startswith(f"{prefix}_") for prefix in prefixes)
        and field.name not in exclude
    ]


def versioned(model, *, exclude=(), follow=()):
    """Keep revisions of `model` (from an app's revisions.py); `follow` names inlines saved with it."""
    if not reversion.is_registered(model):
        reversion.register(model, fields=versioned_fields(model, exclude), follow=follow)


def versions_of(obj):
    return Version.objects.get_for_object(obj).select_related("revision__user")


# Comparison


def plain_words(value):
    """The words of a text or of rich text's visible text."""
    return html.unescape(strip_tags(str(value or ""))).split()


def word_diff(old, new):
    """A readable HTML diff of two texts: removed words in <del>, added ones in <ins>, each also named
    in words (hidden but read aloud), so the difference does not rest on colour or strikethrough."""
    before, after = plain_words(old), plain_words(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(_marked("del", _("removed:"), before[i1:i2]))
        if j2 > j1:
            parts.append(_marked("ins", _("added:"), after[j1:j2]))
    return mark_safe(" ".join(parts))  # noqa: S308 (every part is escaped above)


def _marked(tag, label, words):
    return format_html(
        '<{tag}><span class="visually-hidden">[{label} </span>{words}<span class="visually-hidden">]</span></{tag}>',
        tag=tag,
        label=label,
        words=" ".join(words),
    )


def _display(model, name, data):
    """A field's value in a version, as an editor reads it (names, choice labels, yes/no)."""
    field = model._meta.get_field(name)
    value = data.get(field.attname)
    if field.many_to_many:
        related = field.related_model._base_manager.filter(pk__in=value or [])
        return ", ".join(sorted(str(item) for item in related)) or "—"
    if field.is_relation:
        target = field.related_model._base_manager.filter(pk=value).first() if value is not None else None
        return str(target) if target else ("—" if value is None else _("(removed)"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return "—"
    return localize(value)


def _followed_lines(version):
    """The inlines saved with a version (a post's links), one line each, in their order."""
    others = version.revision.version_set.exclude(pk=version.pk).select_related("content_type")
    return [str(other.object_repr) for other in sorted(others, key=lambda other: (other.content_type_id, other.pk))]


def compare(model, old, new):
    """One row per versioned field: its label, both values and whether it changed; text as a word diff."""
    rows = []
    old_data, new_data = old.field_dict, new.field_dict
    for name in reversion.revisions._get_options(model).fields:
        field = model._meta.get_field(name)
        before, after = _display(model, name, old_data), _display(model, name, new_data)
        changed = old_data.get(field.attname) != new_data.get(field.attname)
        is_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        diff = word_diff(old_data.get(field.attname), new_data.get(field.attname)) if changed and is_text else None
        rows.append({"label": field.verbose_name, "old": before, "new": after, "changed": changed, "diff": diff})
    old_lines, new_lines = _followed_lines(old), _followed_lines(new)
    if old_lines or new_lines:
        rows.append(
            {
                "label": _("linked items"),
                "old": "; ".join(old_lines) or "—",
                "new": "; ".join(new_lines) or "—",
                "changed": old_lines != new_lines,
                "diff": word_diff("; ".join(old_lines), "; ".join(new_lines)) if old_lines != new_lines else None,
            }
        )
    return rows


# Restoring


def _existing(field, value):
    """Whether a foreign key's target still exists (None is fine where the field allows it)."""
    if value is None:
        return field.null
    return field.related_model._base_manager.filter(pk=value).exists()


def apply_version(obj, version, writable):
    """Put the version's values of the `writable` fields on `obj` (not saved); m2m values are returned.

    A foreign key or m2m entry whose object was deleted since is left as it is now (or dropped).
    """
    data = version.field_dict
    m2m = {}
    for name in reversion.revisions._get_options(type(obj)).fields:
        field = obj._meta.get_field(name)
        if name not in writable or field.attname not in data:
            continue
        value = data[field.attname]
        if field.many_to_many:
            m2m[name] = list(field.related_model._base_manager.filter(pk__in=value or []).values_list("pk", flat=True))
        elif not field.is_relation or _existing(field, value):
            setattr(obj, field.attname, value)
    return m2m


def restore_followed(obj, version):
    """Make the inlines saved with `obj` (a post's links) those of the version: saved again or deleted."""
    for follow_name in reversion.revisions._get_options(type(obj)).follow:
        related = getattr(obj, follow_name)
        model = related.model
        old = [
            other._object_version.object
            for other in version.revision.version_set.all()
            if other._model is model and getattr(other._object_version.object, related.field.attname) == obj.pk
        ]
        related.exclude(pk__in=[item.pk for item in old]).delete()
        for item in old:
            item.save()


class RevisionsAdmin:
    """Admin mixin: a "Versies" page per object (who, when, comment), a comparison of any two
    versions and restoring one as a new revision. Every page answers like the object's change page:
    403 without the model's permission, the admin's "does not exist" redirect for an object outside
    the user's networks (the admin's queryset and object permissions decide, e.g. NetworkScopedAdmin)."""

    revisions_template = "admin/revisions/list.html"
    revisions_compare_template = "admin/revisions/compare.html"
    revisions_restore_template = "admin/revisions/restore.html"

    # Recording: each admin save (and each list action) is one revision with its user and message.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or _("Added."))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or _("No fields changed."))
        return entry

    # Pages

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        own = [
            path("<path:object_id>/versies/", view(self.revisions_view), name="{}_{}_revisions".format(*info)),
            path(
                "<path:object_id>/versies/vergelijk/",
                view(self.revisions_compare_view),
                name="{}_{}_revisions_compare".format(*info),
            ),
            path(
                "<path:object_id>/versies/<int:version_id>/herstellen/",
                view(self.revisions_restore_view),
                name="{}_{}_revisions_restore".format(*info),
            ),
        ]
        return own + super().get_urls()

    def _revisions_object(self, request, object_id, change=False):
        """The object, checked the way the admin's change page checks it; a response when refused."""
        obj = self.get_object(request, unquote(object_id))
        allowed = (
            self.has_change_permission(request, obj) if change else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        if obj is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return obj, None

    def _revisions_context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "object_id": quote(obj.pk),
            "can_restore": self.has_change_permission(request, obj),
            **extra,
        }

    def revisions_view(self, request, object_id):
        """The versions of an object, newest first, with a form to compare two of them."""
        obj, refused = self._revisions_object(request, object_id)
        if refused:
            return refused
        versions = list(versions_of(obj))
        context = self._revisions_context(
            request, obj, _("Versions of “%(object)s”") % {"object": obj}, versions=versions
        )
        return TemplateResponse(request, self.revisions_template, context)

    def revisions_compare_view(self, request, object_id):
        """Two versions side by side, field by field (?a=<older id>&b=<newer id>)."""
        obj, refused = self._revisions_object(request, object_id)
        if refused:
            return refused
        ids = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(value.isdigit() for value in ids):
            messages.error(request, _("Choose two versions to compare."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_revisions", quote(obj.pk))
        old, new = sorted(
            (get_object_or_404(versions_of(obj), pk=int(value)) for value in ids), key=lambda v: v.revision_id
        )
        rows = compare(self.model, old, new)
        context = self._revisions_context(
            request, obj, _("Compare versions of “%(object)s”") % {"object": obj}, old=old, new=new, rows=rows
        )
        return TemplateResponse(request, self.revisions_compare_template, context)

    def revisions_restore_view(self, request, object_id, version_id):
        """GET asks for confirmation (showing what would change); POST restores it as a new revision."""
        obj, refused = self._revisions_object(request, object_id, change=request.method == "POST")
        if refused:
            return refused
        version = get_object_or_404(versions_of(obj), pk=version_id)
        if request.method == "POST":
            return self._restore(request, obj, version)
        current = versions_of(obj).first()
        rows = [row for row in compare(self.model, current, version) if row["changed"]] if current else []
        context = self._revisions_context(
            request, obj, _("Restore a version of “%(object)s”") % {"object": obj}, version=version, rows=rows
        )
        return TemplateResponse(request, self.revisions_restore_template, context)

    def revision_writable_fields(self, request, obj):
        """What a restore may write: the fields this user may edit in the change form now."""
        return set(self.get_fields(request, obj)) - set(self.get_readonly_fields(request, obj))

    def _restore(self, request, obj, version):
        change_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        when = localize(template_localtime(version.revision.date_created))
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(request.user)
                m2m = apply_version(obj, version, self.revision_writable_fields(request, obj))
                # The restored values must keep the object where this user may edit it (its network).
                if not self.has_change_permission(request, obj):
                    raise PermissionDenied
                obj.full_clean()
                obj.save()
                for name, values in m2m.items():
                    getattr(obj, name).set(values)
                restore_followed(obj, version)
                self.log_change(request, obj, [{"changed": {"fields": [_("restored version of %s") % when]}}])
                reversion.set_comment(_("Restored the version of %(when)s.") % {"when": when})
        except ValidationError as error:
            messages.error(
                request, _("This version cannot be restored: %(errors)s") % {"errors": " ".join(error.messages)}
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_revisions", quote(obj.pk))
        messages.success(request, _("The version of %(when)s is restored as a new version.") % {"when": when})
        return redirect(change_url, quote(obj.pk))
