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
_PUBLISHED = {}
_TEXTS = {}


@dataclass(frozen=True)
class Preview:
    """What a preview page shows besides the object: whether it is a share link (no staff parts) and,
    for staff, the content checks of its text."""

    shared: bool = False
    checks: object = None


def register(model, render, *, published, queryset=None, text=None):
    """Declare how an object of `model` is previewed: `render(request, obj, preview)` returns its page;
    `queryset()` (default: every object) fetches it with what its page reads (select/prefetch_related).

    `published()` returns what the public reads of the kind now, with the relations its owner
    (core/owners.py) is reached through: the editors' list of readability figures reads it, so every
    kind of public text is there as soon as it has a preview.

    `text(obj)` returns the HTML its readers read, for the content checks; by default its rich-text
    fields in order (`rich_text`)."""
    label = model._meta.label_lower
    if label in _RENDERERS and _RENDERERS[label] is not render:
        raise ImproperlyConfigured(f"{label} has a preview already")
    _RENDERERS[label] = render
    _QUERYSETS[label] = queryset or model._default_manager.all
    _PUBLISHED[label] = published
    if text is not None:
        _TEXTS[label] = text


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


def published_kinds():
    """(model, its published objects) for every kind of public content, in the order of their labels."""
    for label in registered_models():
        published = _PUBLISHED[label]()
        yield published.model, published


def has_text(model):
    """Whether objects of `model` have a text to check."""
    return model._meta.label_lower in _TEXTS or any(
        isinstance(field, RichTextField) for field in model._meta.concrete_fields
    )


def text_of(obj):
    """The HTML of what readers read of `obj`, for the content checks (change form, preview, list)."""
    return _TEXTS.get(obj._meta.label_lower, rich_text)(obj)


def rich_text(obj):
    """The rich text of an object, its fields in order."""
    return "".join(
        getattr(obj, field.name) or "" for field in obj._meta.concrete_fields if isinstance(field, RichTextField)
    )


def respond(request, obj, *, shared):
    """The preview page of `obj`: its public template with the banner, never indexed nor stored."""
    # Personal, like a page behind a token: the page cache never stores it (core/pagecache.py).
    request._page_personal = True
    preview = Preview(shared=shared, checks=None if shared else check_text(text_of(obj)))
    response = _RENDERERS[obj._meta.label_lower](request, obj, preview)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
