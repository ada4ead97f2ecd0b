"""The associations' part of the staff dashboard (core/dashboard.py): the changes volunteers propose
for their association's page, waiting for review; draft and scheduled "Vereniging in beeld" stories."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from associations.models import HeldChange, Story
from core import dashboard


def draft_stories(scope):
    stories = Story.objects.filter(published=False).select_related("association__network").order_by("-date", "pk")
    return dashboard.objects_section(
        scope,
        stories,
        _("Stories"),
        lambda story: (
            _("%(network)s · %(association)s · %(date)s")
            % {
                "network": story.association.network.short_name,
                "association": story.association.name,
                "date": date_format(story.date, "j F Y"),
            }
        ),
        "?published__exact=0",
    )


def scheduled_stories(scope):
    stories = Story.objects.filter(published=True).select_related("association__network")
    return dashboard.scheduled_section(scope, stories, _("Stories"))


def profile_changes(scope):
    """Proposals of volunteers (Mijn vereniging) waiting for an editor of the association's network,
    the longest waiting first."""
    changes = HeldChange.objects.pending().select_related("association__network").order_by("submitted_at", "pk")
    return dashboard.objects_section(
        scope,
        changes,
        _("Proposed by volunteers"),
        lambda change: (
            _("%(network)s · sent %(date)s")
            % {
                "network": change.association.network.short_name,
                "date": date_format(timezone.localtime(change.submitted_at), "j F Y"),
            }
        ),
        "?status__exact=wacht",
    )


def register():
    dashboard.register_section(dashboard.PROFILE_CHANGES, 10, profile_changes)
    dashboard.register_section(dashboard.DRAFTS, 50, draft_stories)
    dashboard.register_section(dashboard.SCHEDULED, 50, scheduled_stories)
