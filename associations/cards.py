"""The association cards of the directory and the theme pages: read narrowly, rendered through Jinja2.

A card shows a few columns of the association and its network's short name. Model instances,
`reverse()` per card and a Django template included per card cost a directory page more than the
rest of it together; so the columns come as tuples (one query, the page's count with them), the
address from one `reverse()` (core.listing.slug_address), and the list of cards from one Jinja2 template
(associations/jinja2/associations/cards.html) with the texts already translated here.
"""

from django.utils.translation import gettext as _

from associations.models import Province
from core import jinja
from core.listing import ALL_ROWS, page_of_rows, slug_address

# What a card reads, in the order Card() takes them.
CARD_COLUMNS = (
    "pk",
    "name",
    "slug",
    "municipality",
    "province",
    "is_example",
    "intro",
    "network__short_name",
    "closed_on_public_holidays",
    "latitude",
    "longitude",
)
PER_PAGE = 20


class Card:
    """One association as its card shows it; `open_today` and `distance` are filled in by the directory."""

    __slots__ = (
        "closed_on_public_holidays",
        "distance",
        "intro",
        "is_example",
        "latitude",
        "longitude",
        "municipality",
        "name",
        "network_short_name",
        "open_today",
        "pk",
        "province",
        "slug",
        "url",
    )

    def __init__(self, row, url):
        (
            self.pk,
            self.name,
            self.slug,
            self.municipality,
            self.province,
            self.is_example,
            self.intro,
            self.network_short_name,
            self.closed_on_public_holidays,
            self.latitude,
            self.longitude,
        ) = row[: len(CARD_COLUMNS)]
        self.url = url
        self.open_today = ""
        self.distance = ""


def _card_maker():
    """A function from a row of CARD_COLUMNS to its Card, the detail address reversed once."""
    address = slug_address("associations:detail")
    return lambda row: Card(row, address(row[2]))


def cards(queryset):
    """The cards of `queryset` (associations, ordered and sliced as wanted), in one query."""
    make = _card_maker()
    return [make(row) for row in queryset.values_list(*CARD_COLUMNS)]


def page_of_cards(request, queryset, per_page=PER_PAGE):
    """The page `?pagina=N` of `queryset` as cards and the number of all of them, in one query
    (core.listing.page_of_rows); 404 for a page that is not a number or has no rows, except an empty first page."""
    make = _card_maker()
    rows = queryset.values_list(*CARD_COLUMNS).annotate(total=ALL_ROWS)
    return page_of_rows(request, rows, per_page, lambda found: [make(row) for row in found])


def render_cards(cards):
    """The <li> of each card, as safe HTML for a <ul class="grid">."""
    texts = {
        "example": _("Example data"),
        "member_of": _("member of %(network)s"),
        "away": _("%(distance)s away"),
    }
    provinces = {card.province: province_label(card.province) for card in cards if card.province}
    context = {"cards": cards, "texts": texts, "provinces": provinces}
    return jinja.render("associations/cards.html", context)


def province_label(value):
    """The province's name, or the value as it is when it is no province (any more)."""
    try:
        return str(Province(value).label)
    except ValueError:
        return value
