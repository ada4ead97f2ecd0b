import re

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Signature
from core.forms import HoneypotMixin
from core.plaintext import clean_person_name, clean_plain_text
from network.forms import ListFilterForm

# A Belgian postcode, or a place name: letters (also accented), spaces, hyphens, apostrophes and dots.
PLACE = re.compile(r"^(?:[1-9][0-9]{3}|[^\W\d_](?:[^\W\d_]|[ '\u2019.-])*)$")


class CampaignFilterForm(ListFilterForm):
    """The filters of /acties/: network and theme."""


class SignatureForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["name", "place", "email", "show_name"]
        labels = {"place": _("Municipality or postcode"), "show_name": _("Show my name on this page")}
        help_texts = {
            "email": _("We send you a link to confirm your signature. Your address is never shown."),
            "show_name": _("Without this tick your signature counts, but your name stays hidden."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "place": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_place(self):
        place = clean_plain_text(self.cleaned_data["place"])
        if not PLACE.match(place):
            raise forms.ValidationError(_("Give the name of your municipality or its four-digit postcode."))
        return place

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """A second signature from an address is not an error the visitor may see (views.sign handles it)."""
