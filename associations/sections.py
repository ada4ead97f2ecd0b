"""The associations app's sections on home and theme pages (see core/home.py)."""

from associations import cards
from associations.models import Story
from core.home import register_home_section, register_theme_section

THEME_SECTION_LIMIT = 12
# What templates/associations/section_story.html shows: the story's body and the association's row stay behind.
SPOTLIGHT_FIELDS = (
    "title",
    "slug",
    "quote",
    "photo",
    "photo_width",
    "photo_height",
    "photo_alt",
    "is_example",
    "association__name",
    "association__slug",
    "association__municipality",
    "association__is_example",
)


def story_spotlight(request, network):
    """Vereniging in beeld: the latest published story of one of this network's active associations."""
    story = (
        Story.objects.published()
        .filter(association__network=network)
        .select_related("association")
        .only(*SPOTLIGHT_FIELDS)
        .order_by("-date", "title", "pk")
        .first()
    )
    if story:
        return {"template": "associations/section_story.html", "story": story}
    return None


def theme_associations(request, theme):
    """Active associations working on this theme, with a link to all of them in the directory."""
    associations = cards.cards(theme.associations.active().order_by("name", "pk")[:THEME_SECTION_LIMIT])
    if associations:
        return {
            "template": "associations/section_theme.html",
            "cards": cards.render_cards(associations),
            "theme": theme,
        }
    return None


def register():
    """Called by the app's AppConfig.ready()."""
    register_home_section(20, story_spotlight)
    register_theme_section(30, theme_associations)
