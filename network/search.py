"""The network app's kinds in the site search (core/search.py): pages and documents."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.search import Result, date_label, register_kind, register_scope
from network.forms import NetworkField, filter_choices, use_kept_choices
from network.models import Document, Page

# get_kind_display() makes the field's choices hashable on every call (a lazy label: translated when shown).
KIND_LABELS = dict(Document.Kind.choices)


def network_field():
    """The search's network filter, its choices and the chosen network those of the list filters (no query)."""
    field = NetworkField()
    use_kept_choices(field, filter_choices()[0])
    return field


def register():
    """Called by the app's AppConfig.ready()."""
    # ?netwerk= narrows every kind to what that network shows: its own and its regional networks' content.
    register_scope(field=network_field, narrow=lambda network, path: network.with_regional_networks(path))
    register_kind(
        "paginas",
        label=_("Pages"),
        queryset=lambda: Page.objects.published().select_related("network"),
        fields={"A": ["title"], "B": ["intro"], "C": ["body"]},
        describe=lambda page: Result(page.title, page.get_absolute_url(), (page.network.short_name,)),
        position=30,
        stored=True,
        columns=["title", "slug", "network__short_name", "network__slug"],
    )
    register_kind(
        "documenten",
        label=_("Documents"),
        queryset=lambda: Document.objects.published().select_related("network"),
        fields={"A": ["title"], "B": ["description"]},
        describe=lambda document: Result(
            document.title,
            document.file.url,
            (
                document.network.short_name,
                str(KIND_LABELS.get(document.kind, document.kind)),
                date_label(document.date),
                f"{document.format}, {filesizeformat(document.size)}",
            ),
        ),
        position=40,
        stored=True,
        columns=["title", "file", "kind", "date", "size", "network__short_name"],
    )
