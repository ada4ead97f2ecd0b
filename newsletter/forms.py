from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotMixin
from core.plaintext import clean_person_name
from newsletter.models import MailingList

# The largest id a database column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class MailingListsField(forms.ModelMultipleChoiceField):
    """Mailing lists by id; an id larger than any column holds is refused like an unknown one.

    Django passes such a number on to the query, where SQLite cannot bind it (OverflowError, a 500).
    """

    def _check_values(self, value):
        for pk in value:
            try:
                out_of_range = abs(int(pk)) > MAX_ID
            except (TypeError, ValueError):
                out_of_range = False  # not a number at all: Django's own check refuses it
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ListChoiceMixin(forms.Form):
    lists = MailingListsField(
        MailingList.objects.none(),
        label=_("Newsletters"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one newsletter."),
            "invalid_choice": _("Choose newsletters from the list."),
            "invalid_pk_value": _("Choose newsletters from the list."),
        },
    )

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = lists

    def list_groups(self):
        """[(network, [(checkbox, mailing list), ...]), ...] for a fieldset per network."""
        groups = {}
        for checkbox in self["lists"]:
            mailing_list = checkbox.data["value"].instance
            groups.setdefault(mailing_list.network, []).append((checkbox, mailing_list))
        return list(groups.items())


class NameMixin(forms.Form):
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=120,
        required=False,
        help_text=_("Only to greet you in the mail."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])


class SubscribeForm(HoneypotMixin, NameMixin, ListChoiceMixin):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your subscription."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["email", "name", "lists"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(NameMixin, ListChoiceMixin):
    field_order = ["name", "lists"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].required = False
