"""Which of the campaigns app's models keep revisions (core/revisions.py): campaigns, never their
signatures nor their faces (a person's name, photo and quote, removed when consent ends)."""

from campaigns.models import Campaign
from core.revisions import versioned


def register():
    """Called by the app's AppConfig.ready()."""
    versioned(Campaign)
