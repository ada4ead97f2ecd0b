import re

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.models import Province
from network.models import Network, Theme

POSTCODE = re.compile(r"^\d{4}$")


class DirectoryFilterForm(forms.Form):
    """The filters of /verenigingen/, read from the query string so every result is a shareable URL."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=_("A name, a place or a word from the introduction."),
    )
    gemeente = forms.CharField(
        label=_("Municipality or postcode"),
        required=False,
        max_length=80,
        help_text=_("For example Puurs or 2870."),
    )
    provincie = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Province.choices]
    )
    netwerk = forms.ModelChoiceField(
        Network.objects.all(), label=_("Network"), required=False, to_field_name="slug", empty_label=_("All networks")
    )
    thema = forms.ModelChoiceField(
        Theme.objects.all(), label=_("Theme"), required=False, to_field_name="slug", empty_label=_("All themes")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filter(self, associations):
        data = self.cleaned_data
        if data["q"]:
            associations = associations.search(data["q"])
        if place := data["gemeente"]:
            if POSTCODE.match(place):
                associations = associations.filter(postcode=place)
            else:
                associations = associations.filter(municipality__icontains=place)
        if data["provincie"]:
            associations = associations.in_province(data["provincie"])
        if data["netwerk"]:
            associations = associations.filter(network=data["netwerk"])
        if data["thema"]:
            associations = associations.filter(themes=data["thema"])
        return associations
