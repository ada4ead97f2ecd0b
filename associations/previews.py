"""The previews of an association's profile and of a story (core/previews.py): their public pages,
inactive associations and unpublished stories included."""

from associations.models import Association, Story
from associations.views import profile_associations, render_association, render_story
from core import previews


def _stories():
    return Story.objects.select_related("association")


def register():
    """Called by the app's AppConfig.ready()."""
    previews.register(
        Association, render_association, queryset=profile_associations, published=Association.objects.active
    )
    previews.register(Story, render_story, queryset=_stories, published=lambda: _stories().published())
