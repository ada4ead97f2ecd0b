from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms import ListFilterForm


class NewsFilterForm(ListFilterForm):
    """The filters of /nieuws/: network, theme and the years that have public news."""

    jaar = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [("", _("All years"))] + [(year, year) for year in years]

    def filter(self, posts):
        posts = super().filter(posts)
        if self.cleaned_data["jaar"]:
            posts = posts.filter(publish_at__year=self.cleaned_data["jaar"])
        return posts
