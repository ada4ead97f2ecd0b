"""Jinja2 for the hot fragments of public pages: lists of cards, filter fields.

Django's template language pays a lookup per variable and a template per include; Jinja2 compiles a
template to Python, several times faster for a list of cards. Django's own Jinja2 backend,
autoescaping, reading each app's `jinja2/` folder (`<app>/jinja2/<app>/cards.html`). No gettext
inside (makemessages does not read Jinja2 templates): the texts come translated from Python.
"""

from django.template.backends.jinja2 import Jinja2
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

_ENGINE = SimpleLazyObject(lambda: Jinja2({"NAME": "fragments", "DIRS": [], "APP_DIRS": True, "OPTIONS": {}}))


def render(template_name, context):
    """The fragment's HTML, safe inside a Django template (Jinja2 escaped every value)."""
    return mark_safe(_ENGINE.get_template(template_name).render(context))  # noqa: S308 (autoescaped by Jinja2)
