"""Forms infrastructure: the one flow of every public form post, its honeypot, and the form renderer.

The renderer: Django's own form templates through Jinja2, every other one through Django templates.

Rendering a form field with Django's template language runs a template per field, per
widget and per select option; the directory's filter form alone cost a quarter of the
page's time. Django ships the same form templates for Jinja2 (django/forms/jinja2), which
renders them several times faster with the same markup (tests/test_forms_renderer.py
compares the two). Templates only Django templates know (the admin's widgets, an app's own
widget) are still found there.
"""

import enum

from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

from core import ratelimit


class FormRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)


def _attributes(attrs):
    """django/forms/jinja2/django/forms/widgets/attrs.html in Python."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A <select> written in Python, to the byte what FormRenderer writes with Django's Jinja2 templates
    (tests/test_forms_renderer.py compares the two), without a template per option.

    A filter form's selects were most of its cost: each option is an included template. Another
    renderer, or a subclass with its own templates, renders through the templates as usual.
    """

    def render(self, name, value, attrs=None, renderer=None):
        own_templates = (self.template_name, self.option_template_name) != (
            forms.Select.template_name,
            forms.Select.option_template_name,
        )
        if own_templates or not isinstance(renderer, FormRenderer):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


class HoneypotMixin(forms.Form):
    """A field people never see (templates/includes/honeypot.html) and simple bots fill in.

    A view treats a filled-in honeypot like a success, without storing or sending anything,
    so a bot learns nothing.
    """

    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def is_spam(self):
        return bool(self.data.get("website"))


class PublicPost(enum.Enum):
    """What became of a public form post; the view answers each in its own words."""

    INVALID = "invalid"
    BOT = "bot"
    LIMITED = "limited"
    OK = "ok"


def check_public_post(request, form, *, scope):
    """Validate, then the honeypot, then the rate limit of `scope` (settings.RATE_LIMITS), in that order.

    Counted only last: an invalid post (a typo, or a bot's junk with someone's address) and a
    bot's post use up nobody's limit. `form` is a bound form with HoneypotMixin and an email field.
    """
    if not form.is_valid():
        return PublicPost.INVALID
    if form.is_spam():
        return PublicPost.BOT
    if not ratelimit.allow(request, scope, email=form.cleaned_data["email"]):
        return PublicPost.LIMITED
    return PublicPost.OK
