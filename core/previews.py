"""Previews of public content: one mechanism for every kind (pages, news, events, campaigns, stories,
newsletter issues, association profiles).

Each app registers, from its `previews.py` (`register()`, called by its AppConfig.ready()), how one
of its objects is shown: a function `render(request, obj, preview)` that renders the object with the
template of its public page and puts `preview` in the context. `templates/base.html` then shows the
preview banner, the content checks (staff only) and `<meta name="robots" content="noindex">`.
`respond()` wraps every preview the same way: never indexed, never stored by a browser, a CDN or
the page cache. Who may see a preview and the share links are the network app's (network/sharing.py).
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.cache import add_never_cache_headers

from core.contentchecks import check_text
from core.richtext import RichTextField

_RENDERERS = {}
_QUERYSETS = {}


@dataclass(frozen=True)
class Preview:
    """What a preview page shows besides the object: whether it is a share link (no staff parts) and,
    for staff, the content checks of its text."""

    shared: bool = False
    checks: object = None


def register(model, render, *, queryset=None):
    """Declare how an object of `model` is previewed: `render(request, obj, preview)` returns its page;
    `queryset()` (default: every object) fetches it with what its page reads (select/prefetch_related)."""
    label = model._meta.label_lower
    if label in _RENDERERS and _RENDERERS[label] is not render:
        raise ImproperlyConfigured(f"{label} has a preview already")
    _RENDERERS[label] = render
    _QUERYSETS[label] = queryset or model._default_manager.all


def previewable(model):
    return previewable_label(model._meta.label_lower)


def previewable_label(label):
    return label in _RENDERERS


def queryset(model):
    """Where a preview finds an object of `model`, drafts included."""
    return _QUERYSETS[model._meta.label_lower]()


def registered_models():
    """Labels ("news.newspost") of every model with a preview."""
    return sorted(_RENDERERS)


def rich_text(obj):
    """The rich text of an object, its fields in order, for the content checks."""
    return "".join(
        getattr(obj, field.name) or "" for field in obj._meta.concrete_fields if isinstance(field, RichTextField)
    )


def respond(request, obj, *, shared):
    """The preview page of `obj`: its public template with the banner, never indexed nor stored."""
    # Personal, like a page behind a token: the page cache never stores it (core/pagecache.py).
    request._page_personal = True
    preview = Preview(shared=shared, checks=None if shared else check_text(rich_text(obj)))
    response = _RENDERERS[obj._meta.label_lower](request, obj, preview)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
