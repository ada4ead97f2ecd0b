from django import forms
from django.utils.translation import gettext_lazy as _

from core import pagecache, sites
from core.forms import PlainSelect
from core.sites import ALL_NETWORKS
from network.models import Document, Network, Theme


def _filter_choices():
    """(networks, themes), each {slug: instance} in their own order, with what a filter reads of them: the
    name for its choices, and of a network its parent and domain (Network.with_regional_networks, the
    canonical address)."""
    return (
        {network.slug: network for network in Network.objects.only("slug", "name", "parent", "domain")},
        {theme.slug: theme for theme in Theme.objects.only("slug", "name")},
    )


def filter_choices():
    """(networks, themes) of `_filter_choices()`, built once per generation of the networks and themes
    (both bump the whole site's)."""
    return pagecache.kept("filters", [pagecache.SITE], _filter_choices)


def use_kept_choices(field, kept):
    """`field` (a KeptChoiceField) offers the kept instances and finds a chosen one among them."""
    field.kept = kept
    field.choices = [("", field.empty_label), *((slug, str(instance)) for slug, instance in kept.items())]


class KeptChoiceField(forms.ModelChoiceField):
    """A model by its slug, found among `kept` ({slug: instance}, the furniture of core.pagecache.kept())
    without a query when it is there; otherwise as ModelChoiceField finds it (or refuses it)."""

    kept = None

    def to_python(self, value):
        if self.kept is not None and isinstance(value, str) and value in self.kept:
            return self.kept[value]
        return super().to_python(value)


class NetworkField(KeptChoiceField):
    """A network by its slug, with its regional networks; `alle` (or nothing) is every network."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            Network.objects.all(), label=_("Network"), to_field_name="slug", empty_label=_("All networks"), **kwargs
        )

    def to_python(self, value):
        return None if value == ALL_NETWORKS else super().to_python(value)


class ListFilterForm(forms.Form):
    """Filters of a public list, read from the query string so every result is a shareable URL.

    Every list filters on network and theme (by slug); subclasses add their own fields
    and extend `filter()`. A network is chosen with its regional networks (one rule,
    `Network.with_regional_networks`), reached through `network_path`.
    """

    network_path = "network"

    netwerk = NetworkField(widget=PlainSelect)
    thema = KeptChoiceField(
        Theme.objects.all(),
        label=_("Theme"),
        required=False,
        to_field_name="slug",
        empty_label=_("All themes"),
        widget=PlainSelect,
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        # The choices every list page shows, and the chosen network and theme: no query for either.
        networks, themes = filter_choices()
        use_kept_choices(self.fields["netwerk"], networks)
        use_kept_choices(self.fields["thema"], themes)

    def filter(self, queryset):
        data = self.cleaned_data
        if self.request is not None:
            # The list of one network is canonical on its own domain, when it has one (core/sites.py).
            sites.canonical(self.request, data["netwerk"], listing=True)
        if data["netwerk"]:
            queryset = queryset.filter(data["netwerk"].with_regional_networks(self.network_path))
        if data["thema"]:
            queryset = queryset.filter(themes=data["thema"])
        return queryset

    def apply(self, queryset):
        """(queryset, status): unfiltered without a query string, filtered when valid, empty with 400 when not."""
        if not self.is_bound:
            return queryset, 200
        if not self.is_valid():
            return queryset.none(), 400
        return self.filter(queryset), 200


class DocumentFilterForm(ListFilterForm):
    """The filters of /documenten/."""

    soort = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + [c for c in Document.Kind.choices if c[0] != Document.Kind.LOGO],
    )
    field_order = ["netwerk", "soort", "thema"]

    def filter(self, documents):
        documents = super().filter(documents)
        if self.cleaned_data["soort"]:
            documents = documents.filter(kind=self.cleaned_data["soort"])
        return documents
