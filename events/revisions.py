"""Which of the events app's models keep revisions (core/revisions.py): events, never their
registrations (personal data that people can have erased)."""

from core.revisions import versioned
from events.models import Event


def register():
    """Called by the app's AppConfig.ready()."""
    versioned(Event)
