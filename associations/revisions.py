"""Which of the associations app's models keep revisions (core/revisions.py): profiles and stories.

A profile's contact person, phone and email are left out, as the audit trail keeps them without
their values: a restore must not bring back a person's details the association had removed.
"""

from associations.models import Association, Story
from core.revisions import versioned

CONTACT_FIELDS = ("contact_person", "phone", "email")


def register():
    """Called by the app's AppConfig.ready()."""
    versioned(Association, exclude=CONTACT_FIELDS)
    versioned(Story)
