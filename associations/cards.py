"""The association cards of the directory and the theme pages: read narrowly, rendered through Jinja2.

A card shows a few columns of the association and its network's short name. Model instances,
`reverse()` per card and a Django template included per card cost a directory page more than the
rest of it together; so the columns come as tuples (one query, the page's count with them), the
address from one `reverse()` per list, and the list of cards from one Jinja2 template
(associations/jinja2/associations/cards.html) with the texts already translated here.
"""

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from associations.models import Province
from core import jinja
from core.listing import PAGE_PARAMETER, page_links

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
# A page number beyond this is not asked of the database (no directory has 20 million associations;
# an offset that large would not even fit PostgreSQL's bigint).
MAX_PAGE = 1_000_000
# The count of all rows the query matches, beside each row of the page: no second query to count.
TOTAL = RawSQL("COUNT(*) OVER ()", (), output_field=IntegerField())
# A slug no association has, to cut the detail address around (slugs need no quoting in a URL).
SLUG_MARK = "__slug__"


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
    """A function from a row of CARD_COLUMNS to its Card, with the detail address from one reverse()."""
    head, _mark, tail = reverse("associations:detail", kwargs={"slug": SLUG_MARK}).partition(SLUG_MARK)
    return lambda row: Card(row, f"{head}{row[2]}{tail}")


def cards(queryset):
    """The cards of `queryset` (associations, ordered and sliced as wanted), in one query."""
    make = _card_maker()
    return [make(row) for row in queryset.values_list(*CARD_COLUMNS)]


def page_of_cards(request, queryset, per_page=PER_PAGE):
    """The page `?pagina=N` of `queryset` as cards, like core.listing.paginate() but in one query: each
    row carries the count of all (a window function). 404 for a page that is not a number or has no rows,
    except an empty first page."""
    try:
        number = int(request.GET.get(PAGE_PARAMETER) or 1)
    except ValueError as error:
        raise Http404("That page number is not an integer") from error
    if not 1 <= number <= MAX_PAGE:
        raise Http404("That page contains no results")
    offset = (number - 1) * per_page
    rows = list(queryset.values_list(*CARD_COLUMNS).annotate(total=TOTAL)[offset : offset + per_page])
    if not rows and number > 1:
        raise Http404("That page contains no results")
    make = _card_maker()
    paginator = Paginator((), per_page)
    paginator.count = rows[0][-1] if rows else 0
    return page_links(request, Page([make(row) for row in rows], number, paginator))


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
