"""Furniture every page shows and no request changes: rendered once per generation of the site.

`{% furniture "includes/footer.html" brand %}` renders the template with only `brand` (the network
whose footer it is) in its context, and keeps the HTML with the page cache's site generation
(core.pagecache.kept), per network and language. Whatever the template shows must therefore bump
that generation when it changes: networks and partners do (network/pagecache_rules.py, EveryPage),
and a template that reads the request, the visitor or the time does not belong here.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import pagecache

register = template.Library()


@register.simple_tag
def furniture(template_name, brand):
    language = get_language()
    key = f"html:{template_name}:{brand.pk if brand else '-'}:{language}"
    return mark_safe(  # noqa: S308 (our own template's output, autoescaped when it was rendered)
        pagecache.kept(key, [pagecache.SITE], lambda: render_to_string(template_name, {"brand": brand}))
    )
