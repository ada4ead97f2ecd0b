"""The "Versions" link of an admin change page (core/revisions.py)."""

import reversion
from django import template
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def revisions_url(obj):
    """The versions page of `obj`; "" when its model keeps no revisions or its admin shows none."""
    if obj is None or obj.pk is None or not reversion.is_registered(type(obj)):
        return ""
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revisions", args=[quote(obj.pk)])
    except NoReverseMatch:
        return ""
