"""Helpers every public list and detail page shares: pagination and JSON-LD."""

import functools
import json
import re

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

PAGE_PARAMETER = "pagina"
# Beside each row, the number of rows of the whole list (a window count): a page and its count in one query.
ALL_ROWS = Window(Count("*"))
# An offset no database takes (a 64-bit integer): a page beyond any list, not asked of the database.
LARGEST_OFFSET = 2**63 - 1
# Like Django's json_script: inside <script> these characters could end the element or start markup.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def paginate(request, queryset, per_page=20, count=None):
    """The page `?pagina=N` of `queryset` and links to its neighbours that keep every other parameter; 404 if none.

    `count`: the number of rows when the caller already counted them (no second count query).
    """
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    try:
        page = paginator.page(request.GET.get(PAGE_PARAMETER) or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    return page_links(request, page)


def page_of_rows(request, rows, per_page, make=list):
    """The page `?pagina=N` of `rows` and links to its neighbours, like paginate() but in one query.

    `rows`: a values_list() queryset whose last column is ALL_ROWS (the count of the whole list beside
    each row); `make(rows)`: the page's objects from its rows. 404 for a page that is not a whole number
    or has no rows, except an empty first page.
    """
    try:
        number = int(request.GET.get(PAGE_PARAMETER) or 1)
    except ValueError as error:
        raise Http404("That page number is not an integer") from error
    offset = (number - 1) * per_page
    found = list(rows[offset : offset + per_page]) if 0 <= offset < LARGEST_OFFSET - per_page else []
    if number < 1 or (not found and number > 1):
        raise Http404("That page contains no results")
    paginator = Paginator((), per_page)
    paginator.count = found[0][-1] if found else 0
    return page_links(request, Page(make(found), number, paginator))


# A slug no object has, to cut an address around; what a slug converter takes needs no quoting in a URL.
SLUG_MARK = "slug-mark"
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=64)
def _around_slug(url_name, root_urlconf, urlconf, script_prefix):
    return tuple(reverse(url_name, kwargs={"slug": SLUG_MARK}, urlconf=urlconf).split(SLUG_MARK))


def slug_address(url_name):
    """A function from a slug to `reverse(url_name, kwargs={"slug": slug})`, for the cards of a list: the
    address is reversed once per process and URL configuration and the slug put in its place."""
    before, after = _around_slug(url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())

    def address(slug):
        if not PLAIN_SLUG.fullmatch(slug):
            return reverse(url_name, kwargs={"slug": slug})  # what the URL's converter refuses, as reverse() does
        return f"{before}{slug}{after}"

    return address


def page_links(request, page):
    """`page` with `previous_url` and `next_url`: links to its neighbours that keep every other parameter."""
    query = request.GET.copy()

    def link(number):
        query.pop(PAGE_PARAMETER, None)
        if number > 1:
            query[PAGE_PARAMETER] = str(number)
        return f"{request.path}?{query.urlencode()}" if query else request.path

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page


def script_json(data):
    """JSON for inside a <script> element: nothing in it can close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=True).translate(SCRIPT_ESCAPES))  # noqa: S308 (escaped above)
