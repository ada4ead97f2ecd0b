"""Hostile input as hypothesis strategies: text of every kind, payloads, numbers, tokens, bodies and queries.

Text never holds lone surrogates: HTTP carries bytes, and no UTF-8 byte sequence decodes
to a surrogate (undecodable bytes are sent as raw percent-escapes instead). Every
strategy mixes in valid values, so the sweep also walks the paths where input is accepted.
"""

import base64
import functools
import string

from hypothesis import strategies as st


def weighted(*choices):
    """One of the strategies, each as often as its weight says."""
    return st.sampled_from([strategy for strategy, weight in choices for _ in range(weight)]).flatmap(lambda s: s)


CONTROL = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u00a0",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2028",
    "\u2066",
    "\u2069",
    "\ue000",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
]
EMOJI_AND_SCRIPTS = [
    "😀",
    "👩🏽‍🦱",
    "🇧🇪",
    "🏳️‍🌈",
    "🧑‍🤝‍🧑",
    "💩" * 40,
    "Zoë",
    "İstanbul",
    "straße",
    "ﬁ",
    "e\u0301\u0301\u0301",
    "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522",  # Fraktur "Unicode"
    "مرحبا بالعالم",
    "שלום",
    "\u202egnp.exe",
    "Z̸̡̛͎͈a̴̛͙l̷̳͔g̶̱͝o̵̰̅",
]
HTML = [
    '<script>alert("sweep")</script>',
    '"><img src=x onerror=alert("sweep")>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "<a href='https://evil.example'>klik hier</a>",
    "</textarea><b>vet</b>",
    "<!--",
    "]]><![CDATA[",
    "&lt;&#x3C;&amp;",
    "{{ request.META }}",
    "{% debug %}",
    "%s %(name)s {0}",
    "${7*7}",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE campaigns_signature; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "1 UNION SELECT password FROM auth_user",
    "admin'--",
    "%",
    "_",
    "\\",
    "%%%",
    "' AND 1=CAST((SELECT version()) AS int)--",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1.5",
    "2,5",
    "1e400",
    "NaN",
    "inf",
    "-Infinity",
    "0x1F",
    "1_000",
    " 7 ",
    "+3",
    "٣",
    "\uff11\uff12",  # full-width 12
    "²",
    "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
]

_utf8 = st.characters(codec="utf-8")
text = st.text(_utf8, max_size=60)
sample = st.sampled_from(CONTROL + EMOJI_AND_SCRIPTS + HTML + SQL + NUMBERS)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.integers(min_value=2**31 - 2, max_value=2**200).map(str),
    st.floats().map(repr),
)


def _repeat(piece, length):
    return (piece * (length // len(piece) + 1))[:length]


# 10k to 100k characters, built by repetition: drawing them character by character would be slow.
long_text = st.builds(
    _repeat,
    st.one_of(st.text(_utf8, min_size=1, max_size=8), st.sampled_from(EMOJI_AND_SCRIPTS + HTML)),
    st.integers(10_000, 100_000),
)
fragment = st.one_of(text, sample, numbers)
# Long strings are one hostile value in ten: parsing and echoing them is the slow part of an example.
hostile = weighted(
    (fragment, 4),
    (st.lists(fragment, min_size=2, max_size=5).map("".join), 3),
    (st.sampled_from(["", " ", "\t\n", "\u3000"]), 2),
    (long_text, 1),
)


def mixed(valid):
    """A valid value (about half the time) or a valid one spoiled, or pure hostile input."""
    valid = st.sampled_from(valid)
    spoiled = st.tuples(valid, fragment, st.booleans()).map(lambda t: t[0] + t[1] if t[2] else t[1] + t[0])
    return st.one_of(valid, valid, spoiled, hostile)


class Upload:
    """Marks a value sent as a file in a multipart body: a field that expected text gets a file."""

    def __repr__(self):
        return "Upload()"


UPLOAD = Upload()
EXTRA_KEYS = ["", "csrfmiddlewaretoken", "__proto__", "email[]", "name[0]", "a" * 1000, "website", "action", "\x00"]


def _frozen(fields):
    return tuple((name, tuple(values)) for name, values in fields.items())


def form_data(fields, *, extra_keys=()):
    """A form body as {key: [values]}: a missing key has no entry, a repeated key several values.

    `fields` maps each field to its valid values. One draw in six is fully valid, one in
    three spoils a single field, the rest mixes everything.
    """
    return _form_data(_frozen(fields), tuple(extra_keys))


@functools.cache
def _form_data(fields, extra_keys):
    # Strategies are built once per form: hypothesis validates and labels every new strategy object.
    names = [name for name, _values in fields]
    valid = {name: st.sampled_from(values) for name, values in fields}
    spoiled = {name: mixed(values) for name, values in fields}
    many = {name: st.lists(spoiled[name], min_size=2, max_size=4) for name in names}
    modes = st.sampled_from(["valid", "one", "one", "chaos", "chaos", "chaos"])
    shapes = st.sampled_from(["one", "one", "one", "missing", "many", "upload"])
    targets = st.sampled_from(names)
    extras = st.lists(st.one_of(st.sampled_from([*EXTRA_KEYS, *extra_keys]), text), max_size=3)

    @st.composite
    def draw_data(draw):
        mode, target = draw(modes), draw(targets)
        data = {}
        for name in names:
            if mode == "valid" or (mode == "one" and name != target):
                data[name] = [draw(valid[name])]
                continue
            shape = draw(shapes)
            if shape == "upload":
                data[name] = [UPLOAD]
            elif shape == "many":
                data[name] = draw(many[name])
            elif shape == "one":
                data[name] = [draw(spoiled[name])]
        if mode == "chaos":
            for key in draw(extras):
                data.setdefault(key, []).append(draw(hostile))
        return data

    return draw_data()


class TooManyFields(dict):
    """A body with more fields than Django accepts, with a short repr for hypothesis's reports."""

    def __repr__(self):
        return "TooManyFields(veld=['x'] * 1001)"


GARBAGE_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=grens",
    "text/plain",
    "application/json",
]
garbage = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"%ff%fe=%c0%af&%zz=1", b"a=1&&&==&b", b"\xff\xfe\x00\x00", b"=" * 2000, b"--grens\r\n"]),
)


def bodies(fields, *, extra_keys=()):
    """A POST body as (encoding, payload): mostly form encodings, sometimes JSON, raw garbage or too many fields."""
    return _bodies(_frozen(fields), tuple(extra_keys))


@functools.cache
def _bodies(fields, extra_keys):
    data = _form_data(fields, extra_keys)
    form = st.tuples(st.sampled_from(["multipart", "multipart", "urlencoded", "urlencoded", "json"]), data)
    raw = st.tuples(st.just("garbage"), st.tuples(st.sampled_from(GARBAGE_TYPES), garbage))
    # Over Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000): refused as a whole.
    too_many = st.just(("urlencoded", TooManyFields(veld=["x"] * 1001)))
    return weighted((form, 8), (raw, 1), (too_many, 1))


_token_alphabet = string.ascii_letters + string.digits + "-_:."
_token_piece = st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("="))


def tokens(right, others=(), forged=()):
    """A link token: the right one (one in four), another purpose's, spoiled, forged, random or hostile."""
    return _tokens(right, tuple(others), tuple(forged))


@functools.cache
def _tokens(right, others, forged):
    def spoil(position, character):
        position %= len(right)
        return right[:position] + character + right[position + 1 :]

    choices = [
        (st.just(right), 3),
        (st.integers(0, len(right) - 1).map(lambda end: right[:end]), 1),
        (st.builds(spoil, st.integers(0, len(right) - 1), st.sampled_from(_token_alphabet)), 1),
        (st.one_of(st.text(st.sampled_from(_token_alphabet), min_size=1, max_size=20), sample).map(right.__add__), 1),
        (st.lists(_token_piece, min_size=1, max_size=3).map(":".join), 1),
        (hostile, 2),
    ]
    if others:
        choices.append((st.sampled_from(others), 2))
    if forged:
        choices.append((st.sampled_from(forged), 1))
    return weighted(*choices)


def query(parameters):
    """A query string's (key, value) pairs for `parameters` ({name: valid values}).

    Each parameter is missing, given once or repeated; extra keys come along, and the order is shuffled.
    """
    return _query(_frozen(parameters))


@functools.cache
def _query(parameters):
    shapes = st.sampled_from(["one", "one", "missing", "missing", "many"])
    spoiled = {name: mixed(values) for name, values in parameters}
    many = {name: st.lists(spoiled[name], min_size=2, max_size=3) for name, _values in parameters}
    extras = st.lists(st.tuples(st.one_of(st.sampled_from(EXTRA_KEYS), text), fragment), max_size=2)

    @st.composite
    def draw_pairs(draw):
        pairs = []
        for name, _values in parameters:
            shape = draw(shapes)
            if shape == "one":
                pairs.append((name, draw(spoiled[name])))
            elif shape == "many":
                pairs += [(name, value) for value in draw(many[name])]
        pairs += draw(extras)
        return draw(st.permutations(pairs))

    return draw_pairs()


# Raw, badly encoded bits appended to a query string now and then: broken escapes, invalid UTF-8, bare separators.
broken_query = st.sampled_from(["", "", "", "", "&%zz=%", "&q=%ff%fe", "&&&=", "&%C0%AF=%E2%82", "&;", "&q"])
