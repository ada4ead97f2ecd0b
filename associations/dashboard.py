"""The associations' part of the staff dashboard (core/dashboard.py): draft "Vereniging in beeld" stories.

Changes that volunteers propose for review go into the panel dashboard.PROFILE_CHANGES, from here.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from associations.models import Story
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


def register():
    dashboard.register_section(dashboard.DRAFTS, 50, draft_stories)
