"""Which of the newsletter app's models keep revisions (core/revisions.py): issues, never lists'
subscribers or their deliveries (personal data)."""

from core.revisions import versioned
from newsletter.models import Issue


def register():
    """Called by the app's AppConfig.ready()."""
    versioned(Issue)
