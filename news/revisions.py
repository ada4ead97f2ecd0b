"""Which of the news app's models keep revisions (core/revisions.py): posts with their links, so a
restore brings back the links the post had then."""

from core.revisions import versioned
from news.models import NewsLink, NewsPost


def register():
    """Called by the app's AppConfig.ready()."""
    # The links are registered too: an inline saved after its post then updates the post's revision.
    versioned(NewsLink)
    versioned(NewsPost, follow=("links",))
