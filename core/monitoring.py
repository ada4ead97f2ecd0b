"""Error reports without personal data: to Sentry (or GlitchTip, Bugsink) and by mail to ADMINS.

The site stores the names and addresses of people in poverty; an error report must not carry
them off to a third party or into a mailbox. Both reports hold the same, and only this:

- the exception's type and the first line of its message (database errors put the row's values
  on the next lines: "DETAIL: Key (email)=(...)"), with email addresses, IP addresses and
  signed tokens masked;
- the stack trace: file, line, function and the source lines around it, never the values of
  local variables;
- the request's method and its URL pattern (``/nieuwsbrief/bevestig/<str:token>/``, not the
  link with its token); never headers, cookies, query string, form fields or the body, and
  no user or visitor address;
- for an error logged rather than raised, and for the log lines that came before it (Sentry's
  breadcrumbs: time, level, logger): the text the code logs without the values filled in
  ("Newsletter confirmation mail for subscriber %s not sent").

Sentry adds its usual context: the server's host name, the command line of the process (masked),
Python, Django and package versions, the release and SENTRY_ENVIRONMENT. Masking works on what
looks like an email address, an IP address or a Django-signed token; a name that an exception's
first line quotes would pass, which is why only that one line is kept.
"""

import contextlib
import ipaddress
import logging
import re
import traceback

from django.conf import settings
from django.core import mail

EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+")
# Django's signing.dumps(): [.]payload:timestamp:signature (a signature is 27 or more characters).
SIGNED_TOKEN = re.compile(r"\.?[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)?:[A-Za-z0-9_-]{27,}(?![A-Za-z0-9_-])")
IPV4_CANDIDATE = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])")
MAX_MESSAGE = 300

# What the request part of a Sentry event keeps; everything else in it is dropped.
REQUEST_KEPT = ("method", "url")


def _mask_ip(match):
    candidate = match.group(0)
    try:
        ipaddress.ip_address(candidate.split("%", 1)[0])
    except ValueError:
        return candidate
    return "[ip]"


def mask(text):
    """`text` with email addresses, IP addresses and signed tokens replaced by placeholders."""
    text = SIGNED_TOKEN.sub("[token]", text)
    text = EMAIL.sub("[email]", text)
    text = IPV4_CANDIDATE.sub(_mask_ip, text)
    return IPV6_CANDIDATE.sub(_mask_ip, text)


def exception_line(message):
    """The first line of an exception's message, masked and kept short."""
    lines = str(message).strip().splitlines()
    first = mask(lines[0]) if lines else ""
    return first[:MAX_MESSAGE] + ("…" if len(first) > MAX_MESSAGE else "")


def _mask_all(value):
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _mask_all(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_all(item) for item in value]
    return value


def _request_path(event):
    """The URL pattern Django resolved (Sentry's transaction name for transaction_style="url")."""
    if event.get("transaction") and (event.get("transaction_info") or {}).get("source") == "route":
        return event["transaction"]
    url = (event.get("request") or {}).get("url") or ""
    return url.split("?", 1)[0]


def scrub_event(event, hint=None):
    """Sentry's before_send (and before_send_transaction): keep only what the module docstring lists."""
    request = event.get("request")
    if request is not None:
        kept = {key: request[key] for key in REQUEST_KEPT if key in request}
        if "url" in kept:
            kept["url"] = _request_path(event)
        event["request"] = kept
    event.pop("user", None)
    logentry = event.get("logentry")
    if logentry is not None:
        # The code's own text; the values it filled in (params, formatted) may be anybody's.
        event["logentry"] = {"message": logentry.get("message") or ""}
    event["extra"] = {key: value for key, value in (event.get("extra") or {}).items() if key == "sys.argv"}
    for exception in (event.get("exception") or {}).get("values") or []:
        if "value" in exception:
            exception["value"] = exception_line(exception["value"] or "")
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if breadcrumbs:
        values = breadcrumbs["values"] if isinstance(breadcrumbs, dict) else breadcrumbs
        for crumb in values:
            # A breadcrumb's data holds query parameters, HTTP URLs and other values.
            crumb.pop("data", None)
    for span in event.get("spans") or []:
        span.pop("data", None)
    return _mask_all(event)


def scrub_breadcrumb(crumb, hint=None):
    """Sentry's before_breadcrumb: a log line keeps the code's text, not the values filled in."""
    record = (hint or {}).get("log_record")
    if record is not None:
        crumb["message"] = str(record.msg)
    crumb.pop("data", None)
    return crumb


def init_sentry(dsn, *, environment, traces_sample_rate):
    """Report unhandled errors and logged errors to `dsn` (Sentry, GlitchTip or Bugsink)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(transaction_style="url")],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # 0 (the default) sends no performance data at all; the error reports stay.
        traces_sample_rate=traces_sample_rate or None,
        # Release-health sessions and client reports: nothing an operator needs, fewer requests.
        auto_session_tracking=False,
        send_client_reports=False,
    )


def _traceback_text(error):
    """The traceback of `error` and the errors it came from, each with its first line masked."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    parts = []
    for error in reversed(chain):
        frames = "".join(traceback.format_tb(error.__traceback__))
        line = exception_line(error)
        name = f"{type(error).__module__}.{type(error).__qualname__}".removeprefix("builtins.")
        parts.append(f"Traceback (most recent call last):\n{frames}{name}{': ' + line if line else ''}\n")
    return "\nwhich led to:\n\n".join(parts)


class AdminEmailHandler(logging.Handler):
    """Mails an error to settings.ADMINS with what a Sentry report holds, and nothing more.

    Django's own handler adds the request's headers, cookies, POST fields and every frame's
    local variables (form data, email addresses, the visitor's address): not this one.
    """

    def emit(self, record):
        if not settings.ADMINS:
            return
        try:
            subject, body = self.compose(record)
            mail.mail_admins(subject, body, fail_silently=True)
        except Exception:
            self.handleError(record)

    def compose(self, record):
        request = getattr(record, "request", None)
        where = ""
        if request is not None:
            # Django's own "Internal Server Error: <path>": the URL pattern instead of the path.
            match = getattr(request, "resolver_match", None)
            route = "/" + match.route if match is not None and match.route else request.path
            args = record.args if isinstance(record.args, tuple) else ()
            message = str(record.msg)
            if args:
                with contextlib.suppress(TypeError, ValueError):
                    message %= tuple(route if arg == request.path else arg for arg in args)
            where = f"Request: {request.method} {mask(route)}\n"
        else:
            # The code's own text, without the values filled in (as in the Sentry report).
            message = str(record.msg)
        message = exception_line(message)
        subject = f"{record.levelname}: {message}".replace("\n", " ").replace("\r", " ")
        error = record.exc_info[1] if record.exc_info else None
        details = _traceback_text(error) if error is not None else ""
        body = (
            f"{record.levelname} in {record.name}: {message}\n{where}\n{details}\n"
            "Left out on purpose (personal data): headers, cookies, query string, form fields, local "
            "variables, the visitor's address and the rest of the error message (core/monitoring.py).\n"
        )
        return subject, body
