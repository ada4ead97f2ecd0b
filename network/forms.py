from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Document, Network, Theme


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
