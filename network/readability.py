"""The editors' list "Leesbaarheid": the content checks (core/contentchecks.py) of their networks'
published texts, hardest first.

Every kind of public content has a preview and declares there what of it is published
(core/previews.py), so a new kind of public text is listed without a list to keep up to date here.
The figures are computed when the list is asked for: one query per kind of text, whatever the
amount of content.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from core import previews
from core.contentchecks import Report, check_text
from core.owners import owner_of
from network.models import Network
from network.permissions import network_ids


@dataclass(frozen=True)
class CheckedText:
    title: str
    kind: str
    network: str
    change_url: str | None
    report: Report

    @property
    def sort_key(self):
        """Hardest first: the highest LIX, then the most findings; texts without words last."""
        readability = self.report.readability
        return (readability is None, -(readability.lix if readability else 0), -len(self.report.findings))


def _checked_kinds(user):
    """(kind, its published objects the user may see) for each kind of text."""
    for model, queryset in previews.published_kinds():
        owner = owner_of(model)
        permission = f"{model._meta.app_label}.view_{model._meta.model_name}"
        if not previews.has_text(model) or owner is None or not user.has_perm(permission):
            continue
        if not user.is_superuser:
            if owner.lookup is None:  # shared by every network: nobody's to improve
                continue
            queryset = queryset.filter(**{f"{owner.lookup}__in": network_ids(user)})
        yield capfirst(model._meta.verbose_name_plural), queryset


def _change_url(obj):
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


def checked_texts(user):
    """The published texts of the user's networks (every network for a superuser) with their
    content checks, hardest first; none for staff who may not see a kind of content."""
    if not (user.is_active and user.is_staff):
        return []
    names = dict(Network.objects.values_list("pk", "short_name"))
    texts = [
        CheckedText(
            title=str(obj),
            kind=str(kind),
            network=names.get(owner_of(type(obj)).network_id(obj), ""),
            change_url=_change_url(obj),
            report=check_text(previews.text_of(obj)),
        )
        for kind, queryset in _checked_kinds(user)
        for obj in queryset
    ]
    return sorted(texts, key=lambda text: text.sort_key)
