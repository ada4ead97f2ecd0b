from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotMixin, PlainSelect
from core.plaintext import clean_person_name, clean_plain_text
from events.models import (
    GROUP_REASON_FROM_PEOPLE,
    MAX_PEOPLE_PER_REGISTRATION,
    EventFormat,
    group_reason_error,
    validate_phone,
)
from network.forms import ListFilterForm


class EventFilterForm(ListFilterForm):
    """The filters of the calendar pages: network, theme and how people take part."""

    formaat = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Every format")), *EventFormat.choices],
        widget=PlainSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The network's and theme's selects too: the same markup, without a template per option.
        for name in ("netwerk", "thema"):
            field = self.fields[name]
            widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            widget.is_required = field.widget.is_required
            field.widget = widget

    def filter(self, events):
        events = super().filter(events)
        if self.cleaned_data["formaat"]:
            events = events.with_format(self.cleaned_data["formaat"])
        return events


class FeedFilterForm(ListFilterForm):
    """The filters of /agenda.ics: network and theme."""


class PartyForm(forms.Form):
    """What every registration form asks about the party: association, how many, who comes along, needs, remarks."""

    association = forms.CharField(
        label=_("Your association (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    people = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=MAX_PEOPLE_PER_REGISTRATION,
        initial=1,
        help_text=_("Yourself included, at most %(count)d.") % {"count": MAX_PEOPLE_PER_REGISTRATION},
        error_messages={
            "min_value": _("Register at least one person."),
            "max_value": _("Register at most %(limit_value)s people at once; for a larger group, contact us."),
            "invalid": _("Give the number of people as a number, for example 2."),
        },
    )
    group_reason = forms.CharField(
        label=_("Who comes with you?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs_transport = forms.BooleanField(label=_("Transport to get there"), required=False)
    needs_childcare = forms.BooleanField(label=_("Childcare"), required=False)
    needs_diet = forms.BooleanField(label=_("A special diet"), required=False)
    needs_accessibility = forms.BooleanField(
        label=_("Accessibility: a wheelchair place, an interpreter, large print or the like"), required=False
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example which diet, or what else would help you to take part."),
    )

    NEEDS = ["needs_transport", "needs_childcare", "needs_diet", "needs_accessibility"]
    TEXT_FIELDS = ["name", "association", "group_reason", "remarks"]

    def __init__(self, *args, event=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Only the needs the event asks about (every need without an event): nothing else is stored.
        for name in self.NEEDS:
            if event is not None and name not in event.needs_asked:
                del self.fields[name]
        self.fields["people"].error_messages["required"] = _("Give the number of people.")
        self.fields["group_reason"].help_text = _(
            "Needed from %(count)d people, for example: my two children, or four members of our association."
        ) % {"count": GROUP_REASON_FROM_PEOPLE}
        for name in (name for name in self.TEXT_FIELDS if name in self.fields):
            self.fields[name].error_messages["max_length"] = _(
                "Use at most %(limit_value)d characters (now %(show_value)d)."
            )

    def clean_name(self):
        # The name greets the registrant in every mail ("Beste ..."): no links or markup in it.
        return clean_person_name(self.cleaned_data["name"])

    def clean_association(self):
        return clean_plain_text(self.cleaned_data["association"])

    def clean_group_reason(self):
        return clean_plain_text(self.cleaned_data["group_reason"])

    def clean(self):
        cleaned_data = super().clean()
        error = group_reason_error(cleaned_data.get("people"), cleaned_data.get("group_reason", ""))
        if error and "group_reason" not in self.errors:
            self.add_error("group_reason", error)
        return cleaned_data

    def needs_fields(self):
        return [self[name] for name in self.NEEDS if name in self.fields]

    def registration_data(self):
        return {name: self.cleaned_data[name] for name in self.fields if name != "website"}


class RegistrationForm(HoneypotMixin, PartyForm):
    """The site's public registration form; the needs are checkboxes in a fieldset of their own."""

    name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a link to confirm your registration to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["website", "name", "email", "association", "people", "group_reason", *PartyForm.NEEDS, "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give your name.")
        self.fields["email"].error_messages.update(
            required=_("Give your email address."),
            invalid=_("Give a valid email address, for example naam@voorbeeld.be."),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class StaffRegistrationForm(PartyForm):
    """Staff register people who have no email address: their names and, if they have one, a phone number."""

    name = forms.CharField(
        label=_("Name(s)"),
        max_length=120,
        help_text=_("Of everyone you register, for example: Jan Peeters and Mia Peeters."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("So the organisers can reach them, for example 0470 12 34 56 or +32 470 12 34 56."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    field_order = ["name", "phone", "association", "people", "group_reason", *PartyForm.NEEDS, "remarks"]

    def __init__(self, *args, associations=None, **kwargs):
        """`associations`: the names a coordinator registers for (one of them is required); None for staff."""
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give the name of the people you register.")
        self.fields["association"].label = _("Association (optional)")
        if associations is not None:
            self.fields["association"] = forms.ChoiceField(
                label=_("Association"),
                choices=[(name, name) for name in associations],
                initial=associations[0] if associations else None,
            )
        self.fields["people"].help_text = _("At most %(count)d.") % {"count": MAX_PEOPLE_PER_REGISTRATION}
        self.fields["group_reason"].label = _("Who comes along?")
        self.fields["remarks"].help_text = _("For example which diet, or what else would help them to take part.")

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone:
            validate_phone(phone)
        return phone
