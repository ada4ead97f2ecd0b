"""What every sweep example checks: never a 500, nothing stored or mailed from a refused post, errors shown in Dutch.

Each example runs in a savepoint that is rolled back afterwards, so every example starts
from the same world whatever the one before it did (an erased signature, a new
subscriber), and a failing example replays exactly. Rate limits are raised out of reach
(conftest.unlimited), so the counters the cache keeps change no answer.
"""

import contextlib
import functools
import json
import os
from urllib.parse import urlencode

from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils.html import escape
from hypothesis import HealthCheck, event, settings
from hypothesis.control import currently_in_test_context

from tests.helpers import one_quote_escaping
from tests.sweep.strategies import UPLOAD

# At least 200 examples of every form and query, in CI too; SWEEP_EXAMPLES=2000 digs deeper locally.
# The seed is fixed (derandomize): every run sends the same input, so a failure in CI replays on any
# machine. No example database is kept (database=None); hypothesis's small cache in .hypothesis/ is
# gitignored.
EXAMPLES = max(200, int(os.environ.get("SWEEP_EXAMPLES", "200")))
SWEEP = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Django's own messages in English: on a Dutch page they mean a message escaped translation.
ENGLISH_DEFAULTS = [
    "This field is required.",
    "Enter a valid email address.",
    "Select a valid choice.",
    "Enter a whole number.",
    "Ensure this value has",
    "Ensure this value is",
    "Null characters are not allowed.",
    "Enter a list of values.",
    "The email address and/or password you specified are not correct.",
    "Incorrect code.",
]
# The markup payloads of strategies.HTML that would run if a page echoed them unescaped.
LIVE_MARKUP = [b'<script>alert("sweep")', b'<img src=x onerror=alert("sweep")', b"<svg onload=alert(1)"]
REDIRECTS = {301, 302, 303}
# A 404 is counted by its path (redirects.MissingPath: the path and a count, nothing about who asked),
# so editors see which old addresses need a redirect: the one row a not-found answer may add.
COUNTED_WHEN_MISSING = {"redirects_missingpath"}


@functools.cache
def _count_query(vendor):
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    quoted = [connection.ops.quote_name(table) for table in tables]
    # Django's own table names, quoted: nothing from outside reaches this SQL.
    return tables, "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in quoted)  # noqa: S608


def snapshot():
    """Rows in every table of the project (one query) and mails sent."""
    tables, sql = _count_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {**dict(zip(tables, counts, strict=True)), "mail outbox": len(mail.outbox)}


@contextlib.contextmanager
def example():
    """One example, in a savepoint rolled back at the end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _upload():
    return SimpleUploadedFile("brief.txt", b"geen tekst maar een bestand", content_type="text/plain")


def post(client, path, body, **extra):
    """POST `body`, an (encoding, payload) pair from strategies.bodies()."""
    encoding, payload = body
    if encoding == "multipart":
        data = {key: [_upload() if value is UPLOAD else value for value in values] for key, values in payload.items()}
        return client.post(path, data, **extra)
    if encoding == "urlencoded":
        pairs = [
            (key, "brief.txt" if value is UPLOAD else value) for key, values in payload.items() for value in values
        ]
        return client.post(path, urlencode(pairs), content_type="application/x-www-form-urlencoded", **extra)
    if encoding == "json":
        data = {key: [None if value is UPLOAD else value for value in values] for key, values in payload.items()}
        return client.post(path, json.dumps(data), content_type="application/json", **extra)
    content_type, raw = payload
    return client.post(path, raw, content_type=content_type, **extra)


def posted(body, key):
    """What request.POST.get(key) gives the view for this body ("" when absent)."""
    encoding, payload = body
    if encoding not in {"multipart", "urlencoded"} or not payload.get(key):
        return ""
    value = payload[key][-1]
    if value is UPLOAD:
        return "" if encoding == "multipart" else "brief.txt"
    return value


def redirected(response):
    return response.status_code in REDIRECTS


def check(response, before, *, may_change=redirected, honeypot=False, ignore=()):
    """Never a 500; no row and no mail more or less unless the answer says the input was accepted."""
    assert response.status_code < 500, f"{response.status_code} {response.get('Content-Type')}"
    if currently_in_test_context():
        event(f"answer {response.status_code}")  # the spread of answers: pytest --hypothesis-show-statistics
    after = snapshot()
    if response.status_code == 404:
        ignore = {*ignore, *COUNTED_WHEN_MISSING}
    changed = {
        name: (count, after[name]) for name, count in before.items() if after[name] != count and name not in ignore
    }
    if honeypot:
        assert not changed, f"a filled-in honeypot changed {changed} ({response.status_code})"
    elif not may_change(response):
        assert not changed, f"{response.status_code} answer, yet rows or mails changed: {changed}"
    check_page(response)
    return changed


def _content(response):
    if response.streaming:
        return b""
    return response.content


def check_page(response):
    """A page never echoes live markup; a form with errors shows every field's error, in Dutch."""
    content = _content(response)
    if "text/html" not in response.get("Content-Type", ""):
        return
    for markup in LIVE_MARKUP:
        assert markup not in content, f"unescaped {markup!r} in the page"
    form = _bound_form(response)
    if form is None or not form.errors:
        return
    page = one_quote_escaping(content.decode())
    for name, errors in form.errors.items():
        # A field's error belongs on the page where the field is; the form-wide errors always do.
        if name != NON_FIELD_ERRORS and f'id="{form[name].auto_id}' not in page:
            continue
        assert one_quote_escaping(escape(errors[0])) in page, f"the error of {name} is not on the page: {errors[0]!r}"
    for english in ENGLISH_DEFAULTS:
        assert one_quote_escaping(escape(english)) not in page, f"English message on the page: {english!r}"


_shown = {}


def render_noting_form(template, context):
    """Render a template and note the bound form it shows.

    Installed instead of the test client's instrumentation (conftest.light_templates), which
    copies the context of every template rendered: a tenth of the sweep's time.
    """
    form = context.get("form")
    if getattr(form, "is_bound", False):
        _shown["form"] = form
    return template.nodelist.render(context)


def forget_shown_form(**kwargs):
    _shown.clear()


def shown_form():
    """The bound form the last page showed, or None."""
    return _shown.get("form")


def _bound_form(response):
    return shown_form()


def check_error_summary(response):
    """A form re-rendered after a refused post leads with the summary of what to correct."""
    form = _bound_form(response)
    if form is not None and form.errors:
        assert b"form-errors" in response.content, "no error summary above the form"
