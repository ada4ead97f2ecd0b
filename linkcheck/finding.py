"""Where the outside links are: every http(s) address in a rich-text field or URL field of the
content the public sees, found by walking the models, so that a new model or field is covered
without a list to keep up to date.

Only models whose owner declaration says they are public (core/owners.py) are read: their links
are the ones readers follow, and records about people (which never show on a page) stay out.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from core.owners import owner_of
from core.richtext import RichTextField
from linkcheck.models import Link, LinkUse
from network.models import Network

MAX_URL_LENGTH = Link._meta.get_field("url").max_length


@dataclass(frozen=True)
class Found:
    """One link in one field of one object, as LinkUse stores it."""

    url: str
    content_type_id: int
    object_id: int
    field: str
    object_repr: str
    network_id: int | None

    @property
    def key(self):
        return (self.url, self.content_type_id, self.object_id, self.field)


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


def hrefs(html):
    """The targets of the links (<a href>) in a piece of HTML."""
    parser = _Hrefs()
    parser.feed(html or "")
    parser.close()
    return parser.hrefs


def normalise(address):
    """The address to check, without its fragment (the same page); None unless it is http(s) with a host."""
    try:
        parts = urlsplit((address or "").strip())
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 address
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    url = urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, ""))
    return url if len(url) <= MAX_URL_LENGTH else None


def _bare(host):
    return host.lower().removeprefix("www.")


def own_hosts():
    """The site's own host names (SITE_URL and the networks' own domains), without "www."."""
    hosts = [
        urlsplit(settings.SITE_URL).hostname,
        *Network.objects.exclude(domain=None).values_list("domain", flat=True),
    ]
    return {_bare(host) for host in hosts if host}


def is_outside(url, own):
    return _bare(urlsplit(url).hostname) not in own


def link_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, RichTextField | models.URLField)]


def checked_models():
    """(model, its rich-text and URL fields) for every public model that has such fields."""
    for model in apps.get_models():
        owner = owner_of(model)
        if owner is not None and owner.public and not model._meta.proxy and (fields := link_fields(model)):
            yield model, fields


def path_to_editable(model):
    """The foreign keys from `model` to the object an editor opens to change it: none when the model
    has its own admin page, [post] for a news post's links (edited on the post); none when there is
    no way up (the object itself is named, without a link)."""
    path = []
    while not admin.site.is_registered(model):
        owner = owner_of(model)
        if owner is None or owner.path in (None, "pk"):
            return []
        field = model._meta.get_field(owner.path.split("__")[0])
        path.append(field)
        model = field.related_model
    return path


def field_name(path, field):
    """The field seen from the editable object: "body", or "links.url" for a field of an inline."""
    accessors = [foreign_key.remote_field.get_accessor_name() for foreign_key in reversed(path)]
    return ".".join([*accessors, field.name])


def _related(path, owner):
    """select_related() for the way to the editable object and the way to the network."""
    related = ["__".join(field.name for field in path)] if path else []
    if owner.path and "__" in owner.path:
        related.append(owner.path.rsplit("__", 1)[0])
    return related


def links_of(obj, fields):
    """(field, address) of every outside-candidate address in these fields of `obj`."""
    for field in fields:
        value = getattr(obj, field.attname) or ""
        addresses = hrefs(value) if isinstance(field, RichTextField) else [value]
        for url in dict.fromkeys(normalise(address) for address in addresses):
            if url:
                yield field, url


def found_links():
    """Every outside link in the public content, once per object and field."""
    own = own_hosts()
    for model, fields in checked_models():
        owner = owner_of(model)
        path = path_to_editable(model)
        queryset = model._base_manager.select_related(*_related(path, owner)).order_by("pk")
        for obj in queryset.iterator(chunk_size=500):
            editable = obj
            for foreign_key in path:
                editable = getattr(editable, foreign_key.name)
            content_type = ContentType.objects.get_for_model(type(editable))
            for field, url in links_of(obj, fields):
                if is_outside(url, own):
                    yield Found(
                        url=url,
                        content_type_id=content_type.pk,
                        object_id=editable.pk,
                        field=field_name(path, field),
                        object_repr=str(editable)[:200],
                        network_id=owner.network_id(obj),
                    )


@transaction.atomic
def store(found):
    """Make the stored links and their uses what was found: new ones added, changed ones updated,
    gone ones removed, and links no object uses any more forgotten. The counts (links, uses)."""
    found = {item.key: item for item in found}
    urls = {item.url for item in found.values()}
    known = set(Link.objects.values_list("url", flat=True))
    Link.objects.bulk_create([Link(url=url) for url in sorted(urls - known)], batch_size=500)
    link_ids = dict(Link.objects.values_list("url", "pk"))

    wanted = {(link_ids[url], *rest): item for (url, *rest), item in found.items()}
    current = {(use.link_id, use.content_type_id, use.object_id, use.field): use for use in LinkUse.objects.all()}
    LinkUse.objects.filter(pk__in=[use.pk for key, use in current.items() if key not in wanted]).delete()
    LinkUse.objects.bulk_create(
        [LinkUse(link_id=key[0], **_use_fields(item)) for key, item in wanted.items() if key not in current],
        batch_size=500,
    )
    changed = []
    for key, use in current.items():
        item = wanted.get(key)
        if item and (use.object_repr, use.network_id) != (item.object_repr, item.network_id):
            use.object_repr, use.network_id = item.object_repr, item.network_id
            changed.append(use)
    LinkUse.objects.bulk_update(changed, ["object_repr", "network"], batch_size=500)
    Link.objects.filter(uses__isnull=True).delete()
    return len(urls), len(wanted)


def _use_fields(item):
    return {
        "content_type_id": item.content_type_id,
        "object_id": item.object_id,
        "field": item.field,
        "object_repr": item.object_repr,
        "network_id": item.network_id,
    }
