"""The associations app's Jinja2 templates (associations/jinja2/): the hot fragments of the directory.

Django's template language pays a lookup per variable and a template per include; Jinja2 compiles
a template to Python, several times faster for a list of cards or a form's fields. Django's own
Jinja2 backend, autoescaping; no gettext inside (makemessages does not read Jinja2 templates): the
texts come translated from Python.
"""

from pathlib import Path

from django.template.backends.jinja2 import Jinja2
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

_ENGINE = SimpleLazyObject(
    lambda: Jinja2(
        {"NAME": "associations", "DIRS": [Path(__file__).parent / "jinja2"], "APP_DIRS": False, "OPTIONS": {}}
    )
)


def render(template_name, context):
    """The template's HTML, safe for a Django template (Jinja2 escaped every value)."""
    return mark_safe(_ENGINE.get_template(template_name).render(context))  # noqa: S308
