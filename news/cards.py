"""News cards (the news list, a network's home, a post's related news, a campaign's news).

A card is a few columns of a post (NewsPost.objects.cards()). As a Django template included per card
it cost a lookup per value and a template per card; the list is one Jinja2 template
(news/jinja2/news/cards.html, through core/jinja.py) with each card's values worked out here.
"""

from django.template.defaultfilters import truncatewords
from django.utils import formats, timezone

from core import jinja
from core.templatetags.images import responsive_image
from core.templatetags.timestamps import machine_time

IMAGE_SIZES = "(min-width: 60rem) 20rem, 100vw"
LEAD_WORDS = 40


def _card(post):
    return {
        "url": post.get_absolute_url(),
        "title": post.title,
        "image": responsive_image(post.hero_image, post.hero_alt, sizes=IMAGE_SIZES),
        "datetime": machine_time(post.publish_at),
        "date": formats.date_format(timezone.localtime(post.publish_at), "j F Y"),
        "network": post.network.short_name,
        "lead": truncatewords(post.lead, LEAD_WORDS),
    }


def cards_html(posts):
    """The `<li>` of every post, for a `<ul class="grid">`."""
    return jinja.render("news/cards.html", {"cards": [_card(post) for post in posts]})
