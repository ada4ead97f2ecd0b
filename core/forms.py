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
from django.utils.translation import gettext_lazy as _

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
