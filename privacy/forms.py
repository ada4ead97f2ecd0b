from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from privacy.registry import normalise_email

# At most this many addresses at once (an admin action on a long selection).
MAX_ADDRESSES = 100


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("Upper or lower case and spaces around it make no difference."),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class AddressesField(forms.Field):
    """Addresses carried from one step to the next in hidden fields, each checked and normalised again."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        addresses = []
        for item in value or []:
            try:
                email = normalise_email(item)
            except ValidationError:
                raise ValidationError(_("Not a valid email address: %(value)s"), params={"value": item}) from None
            if email not in addresses:
                addresses.append(email)
        if len(addresses) > MAX_ADDRESSES:
            raise ValidationError(_("At most %(count)d addresses at once."), params={"count": MAX_ADDRESSES})
        return addresses


class AddressesForm(forms.Form):
    addresses = AddressesField()
