import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.utils import pretty_name
from django.utils.dates import WEEKDAYS
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.models import OpeningHours, Province
from associations.places import find_place
from core import jinja
from core.forms import PlainSelect
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
        label=_("Province"),
        required=False,
        choices=[("", _("All provinces")), *Province.choices],
        widget=PlainSelect,
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
        widget=PlainSelect,
    )
    field_order = ["waar", "q", "gemeente", "provincie", "open", "netwerk", "thema"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.place = None

    def fields_html(self):
        """Every field in its <div class="field">, as Django's form templates write them (a test compares), from
        one Jinja2 template (associations/jinja2/associations/filters.html) instead of four templates a field
        and two an option: the filters were a sixth of the directory's time. With errors, Django's own."""
        if self.errors or not all(map(fast, self)):
            return mark_safe("\n".join(f'<div class="field">{field.as_field_group()}</div>' for field in self))  # noqa: S308
        language = get_language()
        return jinja.render("associations/filters.html", {"fields": [_field_view(field, language) for field in self]})

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


FAST_WIDGETS = (forms.Select, forms.TextInput, forms.SearchInput, forms.EmailInput, forms.URLInput)


def fast(field):
    """Whether filters.html writes this field as Django would: an optional text-like input, or a select of one
    value without groups; anything else goes to Django's templates."""
    widget = field.field.widget
    if field.field.required or field.field.disabled or not isinstance(widget, FAST_WIDGETS):
        return False
    if isinstance(widget, forms.Select):
        return not widget.allow_multiple_selected and not any(
            isinstance(label, (list, tuple)) for _value, label in field.field.choices
        )
    return True


def _field_view(field, language):
    """What filters.html needs of a bound field without errors, the values as Django's widgets format them."""
    widget = field.field.widget
    value = field.value()
    view = {"name": field.html_name, "id": field.auto_id, "attrs": widget.attrs}
    view.update(_texts(type(field.form), field.name, language))
    if isinstance(widget, forms.Select):
        if "choices" not in view:  # a model's choices (the networks and themes): the form's own, per request
            view["choices"] = field.field.choices
        view["selected"] = "" if value is None else str(value)
    else:
        view["type"] = widget.input_type
        view["value"] = widget.format_value(value)
    return view


@functools.cache
def _texts(form_class, name, language):
    """A field's label and help text, and a plain choice field's choices, translated once per language: they
    are the class's own (no form changes them per request), and 48 gettext calls were a quarter of the filters'
    time. A model choice field's choices are content: not kept here."""
    field = form_class.base_fields[name]
    label = pretty_name(name) if field.label is None else str(field.label)
    texts = {"label": label, "help_text": str(field.help_text)}
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        texts["choices"] = [(value, str(label)) for value, label in field.choices]
    return texts


# "Mijn vereniging": a volunteer's proposal (associations/volunteers.py) ----------------------------


class VolunteerProfileForm(forms.Form):
    """The association's own fields a volunteer may propose; the description as plain paragraphs."""

    intro = forms.CharField(
        label=_("Short introduction"),
        max_length=300,
        help_text=_("One or two plain sentences, shown in the directory."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10000,
        help_text=_("Plain text; leave an empty line between paragraphs."),
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    closed_on_public_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)

    def clean(self):
        from core.plaintext import clean_plain_text

        cleaned = super().clean()
        for name in ("intro", "contact_person", "phone"):
            if cleaned.get(name):
                try:
                    cleaned[name] = clean_plain_text(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class VolunteerHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[("", "---------"), *sorted(WEEKDAYS.items())], coerce=int
    )
    opens = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    what = forms.CharField(label=_("What happens"), max_length=100, required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=150,
        required=False,
        help_text=_("Left empty, it is the association's own address."),
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The closing time must come after the opening time."))
        return cleaned


class VolunteerClosureForm(forms.Form):
    starts_on = forms.DateField(label=_("Closed from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Closed until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last closed day; the same day for one day."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last closed day cannot come before the first."))
        return cleaned


class VolunteerActivityForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=150)
    when = forms.CharField(
        label=_("When"), max_length=150, help_text=_("For example: every Tuesday from 9.30 to 12.00.")
    )
    where = forms.CharField(label=_("Where"), max_length=150, required=False)


class VolunteerHoursFormSet(forms.BaseFormSet):
    def clean(self):
        from associations.hours import span
        from associations.models import overlapping

        if any(self.errors):
            return
        rows = [
            OpeningHours(**{key: form.cleaned_data[key] for key in ("weekday", "opens", "closes", "what", "place")})
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if clashes := overlapping(rows):
            first, second = clashes[0]
            raise ValidationError(
                _("On %(day)s, %(first)s and %(second)s overlap at the same place.")
                % {
                    "day": first.get_weekday_display(),
                    "first": span(first.opens, first.closes),
                    "second": span(second.opens, second.closes),
                }
            )


def volunteer_formsets(data=None, initial=None):
    """The three row lists of the volunteer's page, each with two empty rows (no script needed to add one)."""
    initial = initial or {}
    kinds = [
        ("uren", VolunteerHoursForm, VolunteerHoursFormSet, "opening_hours"),
        ("sluitingen", VolunteerClosureForm, forms.BaseFormSet, "closures"),
        ("activiteiten", VolunteerActivityForm, forms.BaseFormSet, "activities"),
    ]
    result = {}
    for prefix, form, base, key in kinds:
        formset_class = forms.formset_factory(
            form, formset=base, extra=2, can_delete=True, max_num=30, validate_max=True
        )
        result[key] = formset_class(data, initial=initial.get(key), prefix=prefix)
    return result


class VolunteerPhotoForm(forms.ModelForm):
    """One new photo, optional: with it, its alt text is required (the image pipeline strips its metadata)."""

    class Meta:
        from associations.models import HeldPhoto

        model = HeldPhoto
        fields = ["image", "alt_text", "caption"]
        labels = {"image": _("New photo"), "alt_text": _("Alt text"), "caption": _("Caption")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = False
        self.fields["alt_text"].required = False

    def has_photo(self):
        return bool(self.cleaned_data.get("image"))

    def _post_clean(self):
        if self.cleaned_data.get("image"):
            super()._post_clean()  # the model's checks: a real image, not too big, alt text given
        elif self.cleaned_data.get("alt_text") or self.cleaned_data.get("caption"):
            self.add_error("image", _("Choose the photo this text belongs to."))


class PhotoRemovalForm(forms.Form):
    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"] = forms.TypedMultipleChoiceField(
            label=_("Remove these photos"),
            choices=[(photo.pk, photo.alt_text) for photo in photos],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
