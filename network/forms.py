from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Document, Network, Theme


class DocumentFilterForm(forms.Form):
    """The filters of /documenten/, read from the query string so every result is a shareable URL."""

    netwerk = forms.ModelChoiceField(
        Network.objects.all(), label=_("Network"), required=False, to_field_name="slug", empty_label=_("All networks")
    )
    soort = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + [c for c in Document.Kind.choices if c[0] != Document.Kind.LOGO],
    )
    thema = forms.ModelChoiceField(
        Theme.objects.all(), label=_("Theme"), required=False, to_field_name="slug", empty_label=_("All themes")
    )

    def filter(self, documents):
        data = self.cleaned_data
        if data["netwerk"]:
            documents = documents.filter(network=data["netwerk"])
        if data["soort"]:
            documents = documents.filter(kind=data["soort"])
        if data["thema"]:
            documents = documents.filter(themes=data["thema"])
        return documents


class NewsFilterForm(forms.Form):
    """The filters of /nieuws/, read from the query string."""

    netwerk = forms.ModelChoiceField(
        Network.objects.all(), label=_("Network"), required=False, to_field_name="slug", empty_label=_("All networks")
    )
    thema = forms.ModelChoiceField(
        Theme.objects.all(), label=_("Theme"), required=False, to_field_name="slug", empty_label=_("All themes")
    )
    jaar = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [("", _("All years"))] + [(year, year) for year in years]

    def filter(self, posts):
        data = self.cleaned_data
        if data["netwerk"]:
            posts = posts.filter(network=data["netwerk"])
        if data["thema"]:
            posts = posts.filter(themes=data["thema"])
        if data["jaar"]:
            posts = posts.filter(publish_at__year=data["jaar"])
        return posts
