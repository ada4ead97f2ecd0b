"""RSS 2.0 and Atom 1.0 feeds of the public news, of every network or filtered by `?netwerk=` and `?thema=`."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.validators import slug_re
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext

from core.sites import ALL_NETWORKS, NETWORK_PARAMETER, list_query, site_network
from network.models import Network, Theme
from news.models import NewsPost

ITEMS = 20


@dataclass(frozen=True)
class NewsSelection:
    """What a feed shows: the news of one network or all, about one theme or all."""

    site_name: str
    network: Network | None = None
    theme: Theme | None = None

    @property
    def query(self):
        """The filter as a query string (with its "?"), the same parameters as the news list."""
        parameters = {
            "netwerk": self.network.slug if self.network else "",
            "thema": self.theme.slug if self.theme else "",
        }
        parameters = {key: value for key, value in parameters.items() if value}
        return f"?{urlencode(parameters)}" if parameters else ""

    @property
    def name(self):
        return self.network.name if self.network else self.site_name


def _by_slug(model, slug):
    """The object with this slug, None without a slug; an unknown slug raises DoesNotExist (a 404 in a feed).

    Text no slug can be is unknown without asking the database: PostgreSQL refuses a NUL byte with an error.
    """
    if not slug:
        return None
    if not slug_re.match(slug):
        raise model.DoesNotExist
    return model.objects.get(slug=slug)


class NewsFeed(Feed):
    """The latest public news posts; drafts and scheduled posts stay out until their time has come."""

    feed_type = Rss201rev2Feed
    url_name = "news:rss"

    def get_object(self, request):
        # On a network's own domain the feed is that network's unless ?netwerk= says otherwise (alle: every one).
        query = list_query(request) or {}
        slug = query.get(NETWORK_PARAMETER, "").strip()
        network = None if slug == ALL_NETWORKS else _by_slug(Network, slug)
        theme = _by_slug(Theme, query.get("thema", "").strip())
        site = site_network(request)
        return NewsSelection(site_name=site.name if site else settings.SITE_NAME, network=network, theme=theme)

    def title(self, selection):
        if selection.theme:
            return gettext("%(name)s — news about %(theme)s") % {"name": selection.name, "theme": selection.theme.name}
        return gettext("%(name)s — news") % {"name": selection.name}

    def description(self, selection):
        if selection.theme:
            return gettext("The latest news of %(name)s about %(theme)s.") % {
                "name": selection.name,
                "theme": selection.theme.name,
            }
        return gettext("The latest news of %(name)s.") % {"name": selection.name}

    def link(self, selection):
        return reverse("news:list") + selection.query

    def feed_url(self, selection):
        return reverse(self.url_name) + selection.query

    def author_name(self, selection):
        return selection.network.name if selection.network else None

    def items(self, selection):
        posts = NewsPost.objects.published().select_related("network").prefetch_related("themes")
        if selection.network:
            posts = posts.filter(selection.network.with_regional_networks())
        if selection.theme:
            posts = posts.filter(themes=selection.theme)
        return posts[:ITEMS]

    # RSS readers treat the title as HTML (Django escapes it by default for that reason), and the
    # description is HTML in both formats: the plain-text lead is escaped to show exactly as written.
    def item_title(self, post):
        return escape(post.title)

    def item_description(self, post):
        return escape(post.lead)

    def item_pubdate(self, post):
        return timezone.localtime(post.publish_at)

    def item_updateddate(self, post):
        return timezone.localtime(post.updated_at)

    def item_author_name(self, post):
        return post.network.name

    def item_categories(self, post):
        return [theme.name for theme in post.themes.all()]

    # The unique id is the item's absolute link (Django's default); it is a permalink.
    item_guid_is_permalink = True


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    url_name = "news:atom"

    def subtitle(self, selection):
        return self.description(selection)

    def item_title(self, post):
        # An Atom title without a type is plain text: escaping it again would show "&amp;".
        return post.title


rss = NewsFeed()
atom = AtomNewsFeed()
