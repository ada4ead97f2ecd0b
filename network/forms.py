from django import forms
from django.utils.translation import gettext_lazy as _

from core import pagecache
from network.models import Document, Network, Theme


def _filter_choices():
    """(networks, themes) as (slug, name) pairs, in their own order."""
    return (
        [(network.slug, str(network)) for network in Network.objects.only("slug", "name")],
        [(theme.slug, str(theme)) for theme in Theme.objects.only("slug", "name")],
    )


class ListFilterForm(forms.Form):
    """Filters of a public list, read from the query string so every result is a shareable URL.

    Every list filters on network and theme (by slug); subclasses add their own fields
    and extend `filter()`.
    """

    netwerk = forms.ModelChoiceField(
        Network.objects.all(), label=_("Network"), required=False, to_field_name="slug", empty_label=_("All networks")
    )
    thema = forms.ModelChoiceField(
        Theme.objects.all(), label=_("Theme"), required=False, to_field_name="slug", empty_label=_("All themes")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices every list page shows, built once per generation of the networks and themes
        # (both bump the whole site's); a chosen slug is still looked up in the database.
        networks, themes = pagecache.kept("filter-choices", [pagecache.SITE], _filter_choices)
        self.fields["netwerk"].choices = [("", self.fields["netwerk"].empty_label), *networks]
        self.fields["thema"].choices = [("", self.fields["thema"].empty_label), *themes]

    def filter(self, queryset):
        data = self.cleaned_data
        if data["netwerk"]:
            queryset = queryset.filter(network=data["netwerk"])
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
