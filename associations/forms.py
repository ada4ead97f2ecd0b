import re

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.models import Province
from network.forms import ListFilterForm

POSTCODE = re.compile(r"^\d{4}$")


class DirectoryFilterForm(ListFilterForm):
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
    field_order = ["q", "gemeente", "provincie", "netwerk", "thema"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filter(self, associations):
        associations = super().filter(associations)
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
        return associations
