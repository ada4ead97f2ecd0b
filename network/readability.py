"""The editors' list "Leesbaarheid": the content checks (core/contentchecks.py) of their networks'
published texts, hardest first.

What is published is what the site search may show (each app's search kind, core/search.py), so a
new kind of public text is listed without a list to keep up to date here. The figures are computed
when the list is asked for: one query per kind of text, whatever the amount of content.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from core.contentchecks import Report, check_text
from core.owners import owner_of
from core.search import registered_kinds
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
    """(kind, its rich-text fields, its published objects the user may see) for each kind of text."""
    for kind in registered_kinds():
        html_fields = kind.html_fields()
        queryset = kind.queryset()
        model, owner = queryset.model, owner_of(queryset.model)
        permission = f"{model._meta.app_label}.view_{model._meta.model_name}"
        if not html_fields or owner is None or not user.has_perm(permission):
            continue
        if not user.is_superuser:
            if owner.lookup is None:  # shared by every network: nobody's to improve
                continue
            queryset = queryset.filter(**{f"{owner.lookup}__in": network_ids(user)})
        yield kind, [name for name in kind.all_fields() if name in html_fields], queryset


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
            kind=str(kind.label),
            network=names.get(owner_of(type(obj)).network_id(obj), ""),
            change_url=_change_url(obj),
            report=check_text("".join(getattr(obj, name) or "" for name in fields)),
        )
        for kind, fields, queryset in _checked_kinds(user)
        for obj in queryset
    ]
    return sorted(texts, key=lambda text: text.sort_key)
