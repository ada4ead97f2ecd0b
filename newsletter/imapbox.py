"""The bounce mailbox over IMAP: a plain SMTP relay's bounce address kept by a mail host, read where it is.

Only over TLS: IMAPS (TLS from the first byte, port 993) or STARTTLS (port 143, TLS before the login);
the server's certificate is checked against the system's authorities, or NEWSLETTER_BOUNCE_IMAP_CAFILE.
The reader looks at the unread messages of one folder, fetching them with BODY.PEEK (which leaves them
unread until it decides). A report about a copy of an issue, once recorded, is deleted (it holds the
address; the maildir reader does the same), or moved to NEWSLETTER_BOUNCE_IMAP_MOVE_TO when that is
set; other mail is marked as read and left for a person. A report is never counted twice: it leaves the
folder once recorded, and recording the same report again (a run stopped between the two) counts once
(bounces.record keys on the report's Message-ID).

POP3 is not offered: it has neither folders nor flags, so a reader could only delete what it read and
would take the other mail from the person who reads that mailbox too. Every mail host that offers
POP3 offers IMAP.
"""

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass

SECURITY_SSL = "ssl"
SECURITY_STARTTLS = "starttls"
DEFAULT_PORTS = {SECURITY_SSL: 993, SECURITY_STARTTLS: 143}
TIMEOUT_SECONDS = 30


class MailboxError(Exception):
    """The mailbox cannot be read: the message says why, in words an operator can act on (no password)."""


@dataclass(frozen=True)
class Account:
    host: str
    user: str
    password: str
    security: str = SECURITY_SSL
    port: int | None = None
    folder: str = "INBOX"
    move_to: str = ""
    cafile: str = ""

    @classmethod
    def from_settings(cls, settings):
        """The account in NEWSLETTER_BOUNCE_IMAP_*, or None when no host is set."""
        if not settings.NEWSLETTER_BOUNCE_IMAP_HOST:
            return None
        security = settings.NEWSLETTER_BOUNCE_IMAP_SECURITY.strip().lower()
        if security not in DEFAULT_PORTS:
            raise MailboxError(
                f"NEWSLETTER_BOUNCE_IMAP_SECURITY must be {SECURITY_SSL!r} or {SECURITY_STARTTLS!r}, "
                f"not {settings.NEWSLETTER_BOUNCE_IMAP_SECURITY!r} (a mailbox is never read without TLS)."
            )
        port = settings.NEWSLETTER_BOUNCE_IMAP_PORT
        return cls(
            host=settings.NEWSLETTER_BOUNCE_IMAP_HOST,
            user=settings.NEWSLETTER_BOUNCE_IMAP_USER,
            password=settings.NEWSLETTER_BOUNCE_IMAP_PASSWORD,
            security=security,
            port=int(port) if port else None,
            folder=settings.NEWSLETTER_BOUNCE_IMAP_FOLDER or "INBOX",
            move_to=settings.NEWSLETTER_BOUNCE_IMAP_MOVE_TO,
            cafile=settings.NEWSLETTER_BOUNCE_IMAP_CAFILE,
        )

    @property
    def address(self):
        return f"{self.security}://{self.user}@{self.host}:{self.port or DEFAULT_PORTS[self.security]}/{self.folder}"


def _quoted(name):
    """A mailbox name as an IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response, what):
    kind, data = response
    if kind != "OK":
        detail = b" ".join(part for part in data if isinstance(part, bytes)).decode(errors="replace")
        raise MailboxError(f"{what}: the server answered {kind} {detail}".strip())
    return data


def connect(account):
    """A logged-in IMAP connection over TLS; MailboxError when that cannot be."""
    context = ssl.create_default_context(cafile=account.cafile or None)
    port = account.port or DEFAULT_PORTS[account.security]
    try:
        if account.security == SECURITY_SSL:
            connection = imaplib.IMAP4_SSL(account.host, port, ssl_context=context, timeout=TIMEOUT_SECONDS)
        else:
            connection = imaplib.IMAP4(account.host, port, timeout=TIMEOUT_SECONDS)
            if "STARTTLS" not in connection.capabilities:
                connection.shutdown()
                raise MailboxError(f"{account.address}: the server offers no STARTTLS; the login is not sent.")
            connection.starttls(ssl_context=context)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"Cannot connect to {account.address}: {error}") from error
    try:
        connection.login(account.user, account.password)
    except imaplib.IMAP4.error as error:
        connection.shutdown()
        raise MailboxError(f"{account.address}: the login was refused ({error}).") from error
    return connection


def read(account, handle):
    """Hand every unread message of the folder to `handle(raw) -> bool` (True: a report, recorded) and
    remove the reports from the folder; the others are marked as read. (reports, others)."""
    connection = connect(account)
    try:
        return _read(connection, account, handle)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"{account.address}: {error}") from error
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()


def _read(connection, account, handle):
    _check(connection.select(_quoted(account.folder)), f"Cannot open the folder {account.folder!r}")
    if account.move_to:
        connection.create(_quoted(account.move_to))  # answers NO when it exists: fine
    capabilities = _capabilities(connection)
    uids = _check(connection.uid("SEARCH", None, "UNSEEN"), "Cannot search the folder")[0].split()
    reports = others = 0
    for uid in uids:
        data = _check(connection.uid("FETCH", uid, "(BODY.PEEK[])"), f"Cannot fetch message {uid.decode()}")
        raw = next((part[1] for part in data if isinstance(part, tuple)), None)
        if raw is None:
            continue  # gone since the search (another reader): nothing to do
        if handle(raw):
            _remove(connection, account, uid, capabilities)
            reports += 1
        else:
            _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "Cannot mark a message as read")
            others += 1
    return reports, others


def _capabilities(connection):
    """The server's capabilities now (after the login they may differ from the greeting's)."""
    data = _check(connection.capability(), "CAPABILITY")
    return set(re.split(rb"\s+", data[-1].upper().strip())) if data and data[-1] else set()


def _remove(connection, account, uid, capabilities):
    """Take a recorded report out of the folder: moved (MOVE, or COPY and delete; read, so nobody is called
    to it) or deleted."""
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "Cannot mark a report as read")
    if account.move_to and b"MOVE" in capabilities:
        _check(connection.uid("MOVE", uid, _quoted(account.move_to)), f"Cannot move the report to {account.move_to!r}")
        return
    if account.move_to:
        _check(connection.uid("COPY", uid, _quoted(account.move_to)), f"Cannot copy the report to {account.move_to!r}")
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), "Cannot delete a report")
    if b"UIDPLUS" in capabilities:
        _check(connection.uid("EXPUNGE", uid), "Cannot expunge a report")
    else:
        _check(connection.expunge(), "Cannot expunge a report")
