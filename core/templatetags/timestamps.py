"""Times in the form HTML's `datetime` attribute accepts."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value):
    """`value` in local time as "2026-03-26T12:00:00+01:00": whole seconds, since HTML refuses more than
    three digits of a fraction and the date filter's "c" gives six."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
