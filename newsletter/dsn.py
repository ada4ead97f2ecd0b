"""Reading a delivery status notification (RFC 3464) or a complaint (RFC 5965) from the bounce mailbox.

A DSN is a multipart/report (report-type=delivery-status) whose message/delivery-status part
holds one block per recipient: Action, Status (RFC 3463: 5.x.x permanent, 4.x.x temporary),
Final-Recipient, Diagnostic-Code. A complaint from a feedback loop is a multipart/report with
report-type=feedback-report. Either usually returns the original message or its headers, with
the copy's COPY_HEADER; the report itself is addressed to the copy's VERP envelope sender.
Either one names the delivery (newsletter/bounces.py); a report that names none is left alone.
"""

import email
import re
from dataclasses import dataclass
from email import policy

from newsletter.bounces import COPY_HEADER, token_in_address
from newsletter.models import BounceKind

# Where a report carries the address it was sent to (the copy's envelope sender).
ADDRESS_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")


@dataclass(frozen=True)
class Report:
    kind: str  # a BounceKind
    token: str  # names the delivery (newsletter/bounces.py)
    recipient: str
    detail: str
    message_id: str


def _headers_of_original(message):
    """The headers of the returned message (message/rfc822 or text/rfc822-headers), or None."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/rfc822-headers"):
            payload = part.get_payload()
            return payload[0] if isinstance(payload, list) and payload else None
        if content_type == "text/rfc822-headers":
            return email.message_from_string(part.get_content(), policy=policy.default)
    return None


def _token(message):
    original = _headers_of_original(message)
    if original is not None and original.get(COPY_HEADER):
        return str(original[COPY_HEADER]).strip()
    for name in ADDRESS_HEADERS:
        for value in message.get_all(name, []):
            token = token_in_address(str(value))
            if token:
                return token
    return None


def _recipient_blocks(message):
    """The per-recipient blocks of the message/delivery-status part (the first block is per message)."""
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            return blocks[1:] if isinstance(blocks, list) else []
    return []


def _typed(field):
    # "rfc822; someone@example.org", "smtp; 550 5.1.1 No such user"
    return " ".join(str(field or "").split(";", 1)[-1].split())


def _address(field):
    return _typed(field).lower()


def _bounce(blocks):
    """(kind, recipient, detail) of the first failed or delayed recipient, or None (delivered, relayed)."""
    for block in blocks:
        action = str(block.get("Action", "")).strip().lower()
        match = _STATUS.match(str(block.get("Status", "")).strip())
        if action not in ("failed", "delayed") or match is None or match[1] == "2":
            continue
        kind = BounceKind.HARD if match[1] == "5" else BounceKind.SOFT
        recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        detail = " ".join(part for part in (match[0], _typed(block.get("Diagnostic-Code"))) if part)
        return kind, recipient, detail
    return None


def parse(raw):
    """The Report in a mail (bytes), or None when it is no bounce or complaint about a copy of ours."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if message.get_content_type() != "multipart/report":
        return None
    report_type = (message.get_param("report-type") or "").lower()
    if report_type == "delivery-status":
        found = _bounce(_recipient_blocks(message))
    elif report_type == "feedback-report":
        found = (BounceKind.COMPLAINT, "", "abuse report")
    else:
        found = None
    token = _token(message) if found else None
    if not token:
        return None
    kind, recipient, detail = found
    return Report(kind, token, recipient, detail, str(message.get("Message-ID", "")).strip())
