"""Helpers every public list and detail page shares: pagination and JSON-LD."""

import json

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.safestring import mark_safe

PAGE_PARAMETER = "pagina"
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
