"""Plain text typed by the public (names, places, short notes): one rule for every public form.

What a visitor types may end up in a mail ("Beste ...") or on a page, so it is normalised to
single spaces, invisible control and direction characters are refused (they can reorder or hide
text), and a name may carry no link or markup.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_plain_text(value):
    """`value` with its whitespace collapsed to single spaces; ValidationError for control characters."""
    value = " ".join(value.split())
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(_("Remove the invisible control characters from this field."))
    return value


def clean_person_name(value):
    """A person's name as plain text, without links or the characters < and >."""
    name = clean_plain_text(value)
    if "<" in name or ">" in name or "://" in name:
        raise forms.ValidationError(_("Give your name without links or the characters < and >."))
    return name
