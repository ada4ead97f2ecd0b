"""Site search at /zoeken/: a registry of searchable kinds, Dutch full-text search on PostgreSQL, words elsewhere.

Each app makes its public content searchable with `register_kind(...)`; the view never
names a model. On PostgreSQL a kind is searched with a weighted `tsvector` in the
"dutch" configuration (so "verenigingen" finds "vereniging"), ranked and highlighted
by the database; on any other database every word must occur in one of the fields.
Snippets are always built as escaped text with only our own <mark> tags in them.
"""

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    IntegerField,
    OrderBy,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core import jinja
from core.listing import PAGE_PARAMETER, paginate
from core.richtext import RichTextField
from core.searchindex import COLUMN as VECTOR_COLUMN
from core.searchindex import CONFIG as SEARCH_CONFIG
from core.sites import list_query

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
OVERVIEW_SIZE = 10
PAGE_SIZE = 20
MAX_PAGE = 10**6
WEIGHTS = "ABCD"
SNIPPET_LENGTH = 220
# PostgreSQL marks hits with these private-use characters instead of <mark>: the headline is
# escaped as a whole first, and only then do they become the only tags in it.
HIT_START, HIT_STOP = "\ue000", "\ue001"
HIT_SPLIT = re.compile(f"([{HIT_START}{HIT_STOP}])")
WORD = re.compile(r"\w+")
# The entities the rich-text sanitiser writes in text (nh3: &amp; &lt; &gt; &nbsp;), decoded once tags are gone.
TEXT_ENTITIES = [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", "\u00a0"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")]


def date_label(value):
    """A date (or the local date of a moment) as a result's details show it: "3 maart 2026"."""
    return formats.date_format(timezone.localdate(value) if hasattr(value, "tzinfo") else value, "DATE_FORMAT")


@dataclass(frozen=True)
class Result:
    """What a kind says about one of its objects: a title, where it lives and a meta line."""

    title: str
    url: str
    meta: Sequence[str] = ()


@dataclass(frozen=True)
class SearchKind:
    slug: str
    label: str
    queryset: Callable[[], QuerySet]
    fields: dict
    describe: Callable[[object], Result]
    snippet_fields: tuple
    position: int
    stored: bool = False
    network_path: str = "network"
    columns: tuple = ()

    def all_fields(self):
        return [name for weight in WEIGHTS for name in self.fields.get(weight, ())]

    def html_fields(self):
        """The fields holding sanitised rich text rather than plain text (worked out once per kind)."""
        if self.slug not in _HTML_FIELDS:
            model = self.queryset().model
            _HTML_FIELDS[self.slug] = frozenset(
                name
                for name in self.all_fields()
                if "__" not in name and isinstance(model._meta.get_field(name), RichTextField)
            )
        return _HTML_FIELDS[self.slug]


_KINDS = {}
_HTML_FIELDS = {}


def register_kind(
    slug,
    *,
    label,
    queryset,
    fields,
    describe,
    snippet_fields=None,
    position=100,
    stored=False,
    network_path="network",
    columns=(),
):
    """Make a kind of public content searchable; `fields` maps weights "A"-"D" to field names.

    `queryset()` returns what the public may see, with the relations `describe(obj)` uses
    already joined; `describe(obj)` returns a `Result` and must not query the database, nor
    read the snippet fields (on PostgreSQL they are not fetched: the snippet comes ready).
    Snippets come from `snippet_fields`, by default every field weighted below "A".
    `stored=True`: on PostgreSQL the table has the vector of `fields` in a column, added by a
    `StoredSearchVector` migration (core/searchindex.py); without it every search builds
    the vector of every row, which only a small table can afford. `network_path` leads from an
    object to its network, for the network filter (`register_scope`). `columns`: the fields
    `describe(obj)` reads ("network__short_name" for a joined one), the only ones fetched for a
    result (a card reads a few of a post's and its network's fifty); empty: every field.
    """
    fields = {weight: tuple(names) for weight, names in fields.items() if names}
    if not fields.get("A") or set(fields) - set(WEIGHTS):
        raise ValueError(f"Search kind {slug!r}: give title fields under 'A' and use only weights {WEIGHTS}.")
    if snippet_fields is None:
        snippet_fields = [name for weight in WEIGHTS[1:] for name in fields.get(weight, ())]
    kind = SearchKind(
        slug, label, queryset, fields, describe, tuple(snippet_fields), position, stored, network_path, tuple(columns)
    )
    _KINDS[slug] = kind
    _HTML_FIELDS.pop(slug, None)
    return kind


@dataclass(frozen=True)
class Scope:
    """How `?netwerk=` narrows every kind: the form field that reads it (its value a network or None)
    and `narrow(network, path)`, the filter of what that network shows, reached through `path`."""

    field: Callable[[], forms.Field]
    narrow: Callable[[object, str], Q]


_scope = None


def register_scope(*, field, narrow):
    """The network filter of the search (the network app registers it: core names no app)."""
    global _scope
    _scope = Scope(field, narrow)


def unregister_kind(slug):
    _KINDS.pop(slug, None)
    _HTML_FIELDS.pop(slug, None)


def registered_kinds():
    """Every searchable kind, in the order the results page shows them."""
    return sorted(_KINDS.values(), key=lambda kind: kind.position)


def clean_query(text):
    """The query without control, format and private-use characters (PostgreSQL refuses NUL), spaces collapsed."""
    kept = []
    for character in text:
        if character.isspace():
            kept.append(" ")
        elif unicodedata.category(character) not in {"Cc", "Cf", "Co", "Cs"}:
            kept.append(character)
    return " ".join("".join(kept).split())


def query_words(query):
    return query.split()[:MAX_WORDS]


# Matching and ranking ------------------------------------------------------------------------


def _uses_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


TEXT_PAIR = ArrayField(TextField(), size=2)
HEADLINE_OPTIONS = f"StartSel={HIT_START}, StopSel={HIT_STOP}, MaxWords=35, MinWords=15"


class TableSQL(Expression):
    """SQL written for the query's main table: `{table}` in `template` becomes its quoted name or alias.

    The search builds its few expressions as text once, instead of composing ORM expressions
    (a chain of REPLACE calls per rich-text field) that Django resolves, hashes and compiles
    again for every query. Only the searched words are parameters.
    """

    def __init__(self, template, params=(), output_field=None):
        super().__init__(output_field=output_field)
        self.template, self.params = template, tuple(params)

    @property
    def identity(self):
        return (type(self), self.template, self.params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.replace("{table}", table), list(self.params)

    def get_group_by_cols(self):
        return [self]


def _column(model, name, quote):
    return f"{{table}}.{quote(model._meta.get_field(name).column)}"


def _plain_text_sql(column, is_html):
    """SQL for a column as plain text: tags stripped and the sanitiser's entities decoded for rich text."""
    sql = f"COALESCE({column}, '')"
    if is_html:
        sql = f"REGEXP_REPLACE({sql}, '<[^>]*>', ' ', 'g')"
        for entity, character in TEXT_ENTITIES:
            literal = character.replace("'", "''")
            sql = f"REPLACE({sql}, '{entity}', '{literal}')"
    return sql


def _postgres_search(kind, query, public):
    model = public.model
    quote = connections[public.db].ops.quote_name
    tsquery = f"websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
    if kind.stored:
        vector = f"{{table}}.{quote(VECTOR_COLUMN)}"
        matches = public.filter(TableSQL(f"{vector} @@ {tsquery}", [query], output_field=BooleanField()))
        ranked = matches.annotate(search_rank=TableSQL(f"ts_rank({vector}, {tsquery})", [query], FloatField()))
    else:
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        vector = reduce(
            lambda left, right: left + right,
            (SearchVector(*names, config=SEARCH_CONFIG, weight=weight) for weight, names in kind.fields.items()),
        )
        matches = public.alias(search_vector=vector).filter(search_vector=search_query)
        ranked = matches.annotate(search_rank=SearchRank(F("search_vector"), search_query))
    html_fields = kind.html_fields()
    texts = [_plain_text_sql(_column(model, name, quote), name in html_fields) for name in kind.snippet_fields]
    if texts:
        source = " || ' ' || ".join(texts)
        # The headline and the text it is cut from, in one array: the page tells from the text where
        # the headline leaves part of it out, without stripping tags in Python. PostgreSQL works out
        # an expression as costly as ts_headline only for the rows shown (after the sort and the
        # limit); the text alone counts as cheap and would be built for every match (0.5 s for a
        # common word on 10,000 posts), so it rides along inside the headline's expression.
        headline = f"ts_headline('{SEARCH_CONFIG}'::regconfig, {source}, {tsquery}, %s)"
        ranked = ranked.annotate(
            search_snippet=TableSQL(f"ARRAY[{headline}, {source}]", [query, HEADLINE_OPTIONS], TEXT_PAIR)
        )
    return matches, ranked


def _fallback_search(kind, query, public):
    matches = public
    for word in query_words(query):
        matches = matches.filter(reduce(or_, (Q(**{f"{name}__icontains": word}) for name in kind.all_fields())))
    in_title = reduce(or_, (Q(**{f"{name}__icontains": query}) for name in kind.fields["A"]))
    ranked = matches.annotate(
        search_rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    return matches, ranked


def search_kind(kind, query, network=None):
    """The kind's public objects matching `query` (to count) and the same, best first (to show);
    only those `network` shows when one is given."""
    public = kind.queryset()  # once: each call builds the publication window's condition again
    if network is not None:
        public = public.filter(_scope.narrow(network, kind.network_path))
    matches, ranked = (_postgres_search if _uses_postgres(public) else _fallback_search)(kind, query, public)
    ordering = list(matches.query.order_by) or list(matches.model._meta.ordering)
    if not any(str(name).lstrip("-") in {"pk", "id"} for name in ordering):
        ordering.append("pk")  # a stable order, so pages never repeat or skip a result
    return matches, ranked.order_by("-search_rank", *ordering)


# Snippets ------------------------------------------------------------------------------------


def _marked(pieces):
    """Escaped HTML of (text, is_hit) pieces: hits in <mark>, nothing else as markup."""
    out = []
    for text, is_hit in pieces:
        if text:
            out.append(f"<mark>{escape(text)}</mark>" if is_hit else escape(text))
    return mark_safe("".join(out).strip())  # noqa: S308 (every piece escaped above)


def headline_html(headline, source=""):
    """PostgreSQL's headline with hit markers as the only markup, and "…" where it leaves out part of `source`."""
    pieces, is_hit = [], False
    for part in HIT_SPLIT.split(re.sub(r"\s+", " ", headline or "")):
        if part in (HIT_START, HIT_STOP):
            is_hit = part == HIT_START
        else:
            pieces.append((part, is_hit))
    text = "".join(part for part, _hit in pieces)
    if not text.strip():
        return ""
    # Compare words only, tags left out on both sides: the database drops tags from plain fields too.
    words = re.findall(r"\w+", strip_tags(text))
    source = strip_tags(source)
    if _first_words(source) != words[:3]:
        pieces.insert(0, ("… ", False))
    if _last_words(source) != words[-3:]:
        pieces.append((" …", False))
    return _marked(pieces)


def _first_words(text, count=3, reach=200):
    """The first `count` words of `text`, looking at its start only when that holds more (a body runs long)."""
    words = WORD.findall(text, 0, reach)
    return words[:count] if len(words) > count else WORD.findall(text)[:count]


def _last_words(text, count=3, reach=200):
    """The last `count` words of `text`; the first word of the end looked at may be cut, so one more is needed."""
    words = WORD.findall(text, max(0, len(text) - reach))
    return words[-count:] if len(words) > count else WORD.findall(text)[-count:]


def excerpt_html(text, words, length=SNIPPET_LENGTH):
    """About `length` characters of plain `text` around the first of `words`, every word marked."""
    text = " ".join(text.split())
    if not text:
        return ""
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = 0
    if first and first.end() > length * 2 // 3:
        start = max(0, first.start() - length // 3)
        space = text.find(" ", start, first.start())
        start = space + 1 if space >= 0 else start
    end = min(len(text), max(start + length, first.end() if first else 0))
    if end < len(text):
        space = text.rfind(" ", max(start, first.end() if first else start), end)
        end = space if space > 0 else end
    window = text[start:end]
    pieces = [("… ", False)] if start else []
    position = 0
    for hit in pattern.finditer(window):
        pieces += [(window[position : hit.start()], False), (hit.group(), True)]
        position = hit.end()
    pieces.append((window[position:], False))
    if end < len(text):
        pieces.append((" …", False))
    return _marked(pieces)


def snippet_source(kind, obj):
    """The plain text snippets are taken from: the snippet fields, rich text without its tags."""
    html_fields = kind.html_fields()
    texts = []
    for name in kind.snippet_fields:
        value = str(getattr(obj, name) or "")
        texts.append(html.unescape(strip_tags(value)) if name in html_fields else value)
    return " ".join(texts)


def snippet(kind, obj, query):
    """The snippet of one result: the database's headline on PostgreSQL, an excerpt elsewhere."""
    if hasattr(obj, "search_snippet"):
        return headline_html(*obj.search_snippet)
    return excerpt_html(snippet_source(kind, obj), query_words(query))


# The page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    meta: Sequence[str]
    snippet: str


@dataclass
class Group:
    """One kind's share of the results: its count, link and the results shown."""

    kind: SearchKind
    count: int
    url: str
    hits: list
    page: object = None
    selected: bool = False

    @property
    def more(self):
        return self.page is None and self.count > len(self.hits)

    @property
    def hits_html(self):
        """The results, from one Jinja2 template (core/jinja2/core/search_hits.html) instead of a Django
        template loop with four lookups, a join filter and two conditions per result."""
        return jinja.render("core/search_hits.html", {"hits": self.hits})


class QueryField(forms.CharField):
    """Free text, cleaned of invisible characters before the length and NUL validators see it."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(
        label=_("Search the site"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={"max_length": _("Use at most %(limit_value)d characters: a few words are enough.")},
    )
    soort = forms.ChoiceField(label=_("Search in"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [("", _("Everything"))] + [
            (kind.slug, kind.label) for kind in registered_kinds()
        ]
        if _scope is not None:
            self.fields["netwerk"] = _scope.field()


def results_url(query, kind=None, network="", search_url=None):
    """The results of `query` (in one kind), for the network filter as the query string gave it."""
    parameters = {"q": query, **({"soort": kind.slug} if kind else {}), **({"netwerk": network} if network else {})}
    return f"{search_url or reverse('search')}?{urlencode(parameters)}"


def _ordered_by(queryset):
    """The queryset's ordering as OrderBy expressions."""
    ordering = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            item = F(item[1:]).desc() if item.startswith("-") else F(item).asc()
        elif not isinstance(item, OrderBy):
            item = item.asc()
        ordering.append(item)
    return ordering


def _ranked_keys_sql(index, ranked, limit, offset, database, quote):
    """SQL of the count of `ranked`'s rows and the keys of one slice of them, in its order.

    The matches (key, rank and the columns they are ordered by) are gathered once, in a CTE
    that the statement reads twice, so the database materialises it: once to count it, once to
    pick the slice with a top-N sort. Numbering every match with ROW_NUMBER() sorted all of them
    (for "armoede" on 10,000 posts: 18.5 ms for the news against 13 ms this way).
    """
    names = [f"search_order_{number}" for number in range(len(ranked.query.order_by))]
    ordering = _ordered_by(ranked)
    rows = ranked.annotate(**{name: item.expression for name, item in zip(names, ordering, strict=True)})
    sql, params = rows.order_by().values("pk", *names).query.get_compiler(using=database).as_sql()
    order = []
    for name, item in zip(names, ordering, strict=True):
        nulls = " NULLS FIRST" if item.nulls_first else " NULLS LAST" if item.nulls_last else ""
        order.append(f"found.{quote(name)} {'DESC' if item.descending else 'ASC'}{nulls}")
    key = quote("pk")
    part = f"WITH found AS ({sql}) SELECT %s, CAST(found.{key} AS text), (SELECT COUNT(*) FROM found) FROM found"  # noqa: S608
    part += f" ORDER BY {', '.join(order)} LIMIT {int(limit)} OFFSET {int(offset)}"
    return part, [*params, index]


def find_all(wanted):
    """For each (ranked queryset, limit, offset): how many rows match, and the primary keys of that slice.

    One query per database for every kind; each kind's matches are gathered once, then counted
    and the slice picked from them (`_ranked_keys_sql`), so the database reads and ranks each
    table once. `limit=0`: only the count.
    """
    found = [(0, []) for _ in wanted]
    by_database = {}
    for index, (ranked, _limit, _offset) in enumerate(wanted):
        by_database.setdefault(ranked.db, []).append(index)
    for database, indexes in by_database.items():
        quote = connections[database].ops.quote_name
        parts, parameters = [], []
        for index in indexes:
            ranked, limit, offset = wanted[index]
            if limit:
                part, params = _ranked_keys_sql(index, ranked, limit, offset, database, quote)
            else:
                sql, params = ranked.order_by().values("pk").query.get_compiler(using=database).as_sql()
                part = f"SELECT %s, NULL, COUNT(*) FROM ({sql}) AS found"  # noqa: S608 (compiled by the ORM)
                params = [index, *params]
            parts.append(f"SELECT * FROM ({part}) AS kind_{index}")  # noqa: S608 (compiled by the ORM)
            parameters.extend(params)
        with connections[database].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), parameters)
            for index, key, count in cursor.fetchall():
                keys = found[index][1]
                if key is not None:
                    keys.append(wanted[index][0].model._meta.pk.to_python(key))
                found[index] = (count, keys)
    return found


def _objects(kind, ranked, keys):
    """The objects with these primary keys, in this order (one query).

    On PostgreSQL the snippet comes with them from the database, so the texts it is cut from (a
    post's body, say) are not fetched; `describe()` does not read them.
    """
    if not keys:
        return []
    rows = ranked.order_by()
    on_postgres = _uses_postgres(rows)
    if kind.columns:
        # A relation joined for a column of it is fetched too (only() refuses a deferred one).
        relations = {name.split("__")[0] for name in kind.columns if "__" in name}
        rows = rows.only(*kind.columns, *relations, *(() if on_postgres else kind.snippet_fields))
    elif on_postgres:
        rows = rows.defer(*(name for name in kind.snippet_fields if "__" not in name))
    objects = rows.in_bulk(keys)
    return [objects[key] for key in keys if key in objects]


def _page_number(request):
    """The page asked for, to know which rows to fetch (paginate() answers a wrong one with a 404).

    Bounded, so that no number becomes an OFFSET the database refuses: past the last page
    nothing is fetched either way.
    """
    try:
        return min(max(int(request.GET.get(PAGE_PARAMETER) or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def run_search(request, query, selected="", network=None):
    """A group per kind: always its count; its best results on the overview, or one page of the selected kind.

    One query finds the counts of all kinds and the keys of the results to show; then one
    query per kind with results fetches those objects.
    """
    kinds = registered_kinds()
    ranked_kinds = [search_kind(kind, query, network)[1] for kind in kinds]
    offset = (_page_number(request) - 1) * PAGE_SIZE
    wanted = [
        (ranked, PAGE_SIZE, offset) if kind.slug == selected else (ranked, 0 if selected else OVERVIEW_SIZE, 0)
        for kind, ranked in zip(kinds, ranked_kinds, strict=True)
    ]
    search_url = reverse("search")
    parameter = request.GET.get("netwerk", "")
    groups = []
    for kind, ranked, (count, keys) in zip(kinds, ranked_kinds, find_all(wanted), strict=True):
        page = None
        objects = _objects(kind, ranked, keys)
        if kind.slug == selected:
            page = paginate(request, ranked, per_page=PAGE_SIZE, count=count)
            page.object_list = objects
        hits = []
        for obj in objects:
            result = kind.describe(obj)
            hits.append(Hit(result.title, result.url, tuple(result.meta), snippet(kind, obj, query)))
        groups.append(
            Group(kind, count, results_url(query, kind, parameter, search_url), hits, page, kind.slug == selected)
        )
    return groups


@require_safe
def search(request):
    """Search every registered kind of public content; `?soort=` shows one kind, paginated."""
    form = SearchForm(list_query(request))
    context = {"form": form, "query": "", "groups": [], "selected": None}
    if form.is_bound and not form.is_valid():
        return render(request, "network/search.html", context, status=400)
    if form.is_bound and form.cleaned_data["q"]:
        query, selected = form.cleaned_data["q"], form.cleaned_data["soort"]
        network = form.cleaned_data.get("netwerk")
        groups = run_search(request, query, selected, network)
        context.update(
            query=query,
            groups=groups,
            selected=next((group for group in groups if group.selected), None),
            total=sum(group.count for group in groups),
            all_url=results_url(query, network=request.GET.get("netwerk", "")),
        )
    return render(request, "network/search.html", context)


# The kinds of the network and associations apps ---------------------------------------------
