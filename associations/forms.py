import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from associations.models import OpeningHours, Province
from associations.places import find_place
from network.forms import ListFilterForm

POSTCODE = re.compile(r"^\d{4}$")
# ?open=za: the weekday by its Dutch abbreviation, as people write it.
OPEN_ON_DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]


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
    waar = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=80,
        help_text=_("A postcode or a municipality, for example 2870 or Malines: the nearest associations first."),
    )
    open = forms.ChoiceField(
        label=_("Open on"),
        required=False,
        choices=[("", _("Any day")), *((code, WEEKDAYS[day]) for day, code in enumerate(OPEN_ON_DAYS))],
    )
    field_order = ["waar", "q", "gemeente", "provincie", "open", "netwerk", "thema"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.place = None

    def clean_waar(self):
        """The place to measure from: a postcode or a name (Dutch or French, a part of a municipality too)."""
        text = " ".join(self.cleaned_data["waar"].split())
        if text:
            self.place = find_place(text)
            if self.place is None:
                raise ValidationError(
                    _(
                        "We do not know the place “%(place)s”. Type a Belgian postcode (for example 2870) or the name "
                        "of a municipality."
                    ),
                    code="unknown_place",
                    params={"place": text},
                )
        return text

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
        if data["open"]:
            day = OPEN_ON_DAYS.index(data["open"])
            hours = OpeningHours.objects.filter(association=OuterRef("pk"), weekday=day)
            associations = associations.filter(Exists(hours))
        if self.place:
            associations = associations.nearest(self.place)
        return associations
