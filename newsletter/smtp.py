"""Handing one message to the mail server, step by step, so that every failure says whether the
server may have the message.

`smtplib.SMTP.sendmail` (which Django's SMTP backend calls) raises the same exceptions for a
connection lost at RCPT, when the server certainly has nothing, and for a connection lost while
waiting for the answer to the end of the message, when the server may have accepted it and
delivers it. Only the second case can give a subscriber a second copy if the message is sent
again. So this module talks SMTP one command at a time over the connection Django's backend
opened, and reports one of the `Outcome`s:

- UNREACHABLE: no connection, or it failed before any command about this message (connect,
  greeting, EHLO, STARTTLS, AUTH). The server has nothing; the fault is the server's, not the copy's.
- NOT_HANDED_OVER: the connection broke (timeout, reset) after MAIL FROM but before the
  end-of-message marker was handed to the socket. An SMTP server delivers a message only after
  that marker (RFC 5321, 4.1.1.4 and 3.8), so the server has nothing: safe to send again.
- REFUSED_TEMPORARILY / REFUSED: the server answered MAIL FROM, RCPT TO, DATA or the end of
  the message with a 4xx / 5xx code. It did not take the message.
- ACCEPTED: "250" to the end of the message.
- UNKNOWN: the end-of-message marker was handed over and no answer was read (timeout, dropped
  connection, a garbled reply). The server may have accepted the message: never send it again
  without a person deciding.

`before_end_of_data` is called (and must commit that the copy is handed over) just before the
marker goes out; when it raises, the connection is closed without the marker, which makes the
server throw the unfinished message away.
"""

import enum
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"
END_OF_DATA = b"." + CRLF


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    REFUSED_TEMPORARILY = "refused temporarily"
    NOT_HANDED_OVER = "not handed over"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    error: str = ""


def describe(error):
    return f"{type(error).__name__}: {error}"[:500]


def _refusal(code, error):
    temporary = 400 <= code < 500
    return Result(Outcome.REFUSED_TEMPORARILY if temporary else Outcome.REFUSED, describe(error))


def close(backend):
    """Close the connection whatever state it is in (a failed QUIT on a dead connection is no news)."""
    try:
        backend.close()
    except (smtplib.SMTPException, OSError):
        if getattr(backend, "connection", None) is not None:
            backend.connection.close()
            backend.connection = None


def _end_transaction(backend, code):
    """After a refusal the connection is still good for the next message, unless the server is closing it."""
    smtp = backend.connection
    if code == 421 or smtp is None:
        close(backend)
        return
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        close(backend)


def _quote_periods(data):
    # RFC 5321 4.5.2: a line starting with "." gets a second one (what smtplib.SMTP.data does).
    return re.sub(rb"(?m)^\.", b"..", data)


def transmit(backend, message, before_end_of_data):
    """Send `message` (an EmailMessage for one recipient) over `backend`; the Result."""
    if not isinstance(backend, SMTPBackend):
        return _transmit_other(backend, message, before_end_of_data)

    try:
        backend.open()  # a no-op while the connection is open
        smtp = backend.connection
        smtp.ehlo_or_helo_if_needed()
    except (smtplib.SMTPException, OSError) as error:
        close(backend)
        return Result(Outcome.UNREACHABLE, describe(error))

    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    data = _quote_periods(data)
    if not data.endswith(CRLF):
        data += CRLF

    # Nothing the server received before the end-of-message marker can be delivered.
    try:
        options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
        code, reply = smtp.mail(sender, options)
        if code != 250:
            _end_transaction(backend, code)
            return _refusal(code, smtplib.SMTPSenderRefused(code, reply, sender))
        for recipient in recipients:
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                _end_transaction(backend, code)
                return _refusal(code, smtplib.SMTPRecipientsRefused({recipient: (code, reply)}))
        code, reply = smtp.docmd("data")
        if code != 354:
            _end_transaction(backend, code)
            return _refusal(code, smtplib.SMTPDataError(code, reply))
        smtp.send(data)
    except (smtplib.SMTPException, OSError) as error:
        close(backend)
        return Result(Outcome.NOT_HANDED_OVER, describe(error))

    try:
        before_end_of_data()
    except BaseException:
        # Without the marker the server discards what it received.
        close(backend)
        raise

    try:
        smtp.send(END_OF_DATA)
        code, reply = smtp.getreply()
    except Exception as error:
        # Whatever broke here, the server may have the message.
        close(backend)
        return Result(Outcome.UNKNOWN, describe(error))
    if code == 250:
        return Result(Outcome.ACCEPTED)
    if 400 <= code < 600:
        if code == 421:
            close(backend)
        return _refusal(code, smtplib.SMTPDataError(code, reply))
    # A reply that is no SMTP answer (smtplib gives -1): nobody knows what the server did.
    close(backend)
    return Result(Outcome.UNKNOWN, describe(smtplib.SMTPDataError(code, reply)))


def _transmit_other(backend, message, before_end_of_data):
    """Backends that are not SMTP (memory in tests, the console in development) have no steps to tell
    apart: the copy counts as handed over before the call, and a failure leaves it uncertain."""
    before_end_of_data()
    try:
        backend.send_messages([message])
    except Exception as error:
        # An unknown backend: its failure says nothing certain.
        return Result(Outcome.UNKNOWN, describe(error))
    return Result(Outcome.ACCEPTED)
