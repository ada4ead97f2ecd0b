"""Forms infrastructure: the honeypot of every public form, and the form renderer.

The renderer: Django's own form templates through Jinja2, every other one through Django templates.

Rendering a form field with Django's template language runs a template per field, per
widget and per select option; the directory's filter form alone cost a quarter of the
page's time. Django ships the same form templates for Jinja2 (django/forms/jinja2), which
renders them several times faster with the same markup (tests/test_forms_renderer.py
compares the two). Templates only Django templates know (the admin's widgets, an app's own
widget) are still found there.
"""

from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _


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
