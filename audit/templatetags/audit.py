from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit import permissions, registry

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_trail_url(context, obj):
    """The audit trail of `obj` for its admin page; "" if the trail does not follow it or the user may not read it."""
    request = context.get("request")
    if obj is None or obj.pk is None or request is None or registry.config_for(type(obj)) is None:
        return ""
    if not permissions.may_read_trail(request.user):
        return ""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:audit_auditentry_changelist") + f"?soort={content_type.pk}&object_id={obj.pk}"
