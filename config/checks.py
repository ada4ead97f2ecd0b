"""System checks for settings that must never reach production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_mfa_required(app_configs, **kwargs):
    if settings.STAFF_MFA_WAIVED:
        return [
            Warning(
                "DJANGO_STAFF_MFA_WAIVED is on: staff reach the admin without a second factor.",
                hint="Only `make run` (a local demo) may set it. Remove it from this environment.",
                id="config.W001",
            )
        ]
    return []
