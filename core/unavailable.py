"""What "the database is unreachable" looks like, for the 503 page and the log.

Kept free of views and templates, so the logging configuration can import it before Django
is set up.
"""

import logging

from django.db import InterfaceError, OperationalError

# Raised while PostgreSQL is down, restarting or refusing connections ("connection refused",
# "the database system is starting up", "terminating connection due to administrator
# command", "connection already closed"). Mistakes in queries are other errors: they stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableLogFilter(logging.Filter):
    """One warning line instead of an "Internal Server Error" traceback for every request answered
    503 while the database is down (django.request logs each of them)."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DATABASE_UNAVAILABLE) and getattr(record, "status_code", None) == 503:
            path = getattr(getattr(record, "request", None), "path", "?")
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            record.msg, record.args = "Database unavailable, answered 503: %s (%s)", (path, reason)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
