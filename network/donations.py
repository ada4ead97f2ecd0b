"""Donations: IBAN checks, Belgian structured communication and the EPC QR code ("Girocode")."""

import io
import re
from decimal import Decimal, InvalidOperation

import segno
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STRUCTURED_COMMUNICATION_RE = re.compile(r"(\+{3}|\*{3})(\d{3})/(\d{4})/(\d{5})\1|(\d{12})", re.ASCII)

EPC_MIN_AMOUNT = Decimal("0.01")
EPC_MAX_AMOUNT = Decimal("999999999.99")
EPC_MAX_BYTES = 331  # EPC069-12: the payload may hold at most 331 bytes.

# Scale 10 at 2:1 on the page keeps the modules sharp on high-density screens; the quiet zone of
# four modules is the minimum ISO/IEC 18004 asks for and what phone cameras need to find the code.
QR_SCALE = 10
QR_BORDER = 4


def _iban_digits(iban):
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged))


def normalise_iban(value):
    return re.sub(r"\s+", "", value or "").upper()


def is_valid_iban(value):
    iban = normalise_iban(value)
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban, re.ASCII)) and _iban_digits(iban) % 97 == 1


def validate_iban(value):
    if not is_valid_iban(value):
        raise ValidationError(_("This is not a valid IBAN; check the digits."))


def is_valid_bic(value):
    return bool(re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", (value or "").upper(), re.ASCII))


def validate_bic(value):
    if not is_valid_bic(value):
        raise ValidationError(_("This is not a valid BIC: 8 or 11 letters and digits."))


def format_iban(value):
    """The IBAN in groups of four, as it is printed on cards and statements."""
    iban = normalise_iban(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _check_digits(base):
    return base % 97 or 97


def structured_communication(number: int) -> str:
    """The Belgian structured communication (OGM/VCS) for a reference number, e.g. `+++123/4567/89002+++`."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("The reference number must be an int.")
    if not 0 < number < 10**10:
        raise ValueError("The reference number must have one to ten digits and be more than zero.")
    digits = f"{number:010d}{_check_digits(number):02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def structured_communication_digits(text):
    """The twelve digits of a valid structured communication, or None."""
    match = STRUCTURED_COMMUNICATION_RE.fullmatch((text or "").strip()) if isinstance(text, str) else None
    if not match:
        return None
    digits = match.group(5) or "".join(match.group(2, 3, 4))
    base, check = int(digits[:10]), int(digits[10:])
    if base == 0 or check != _check_digits(base):
        return None
    return digits


def is_valid_structured_communication(text) -> bool:
    """Whether `text` is a structured communication: `+++…+++`, `***…***` or its twelve bare digits."""
    return structured_communication_digits(text) is not None


def _epc_field(value, name, max_length):
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValueError(f"The {name} may have at most {max_length} characters.")
    if any(char in value for char in "\r\n") or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(f"The {name} may not contain line breaks or control characters.")
    return value


def epc_amount(amount):
    """`EUR12.50` for an amount of 0.01 to 999999999.99 euro with at most two decimals."""
    try:
        amount = Decimal(amount) if not isinstance(amount, float) else Decimal(str(amount))
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError("The amount is not a number.") from None
    if not amount.is_finite() or not EPC_MIN_AMOUNT <= amount <= EPC_MAX_AMOUNT:
        raise ValueError("The amount must be between 0.01 and 999999999.99 euro.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("The amount may have at most two decimals.")
    return f"EUR{amount.quantize(Decimal('0.01'))}"


def epc_payload(*, beneficiary, iban, bic="", amount=None, structured_reference="", text="") -> str:
    """The EPC QR code payload (EPC069-12, version 002, UTF-8, SEPA credit transfer) for one payment."""
    beneficiary = _epc_field(beneficiary, "beneficiary", 70)
    if not beneficiary:
        raise ValueError("The beneficiary is required.")
    iban = normalise_iban(iban)
    if not is_valid_iban(iban):
        raise ValueError("The IBAN is not valid.")
    bic = (bic or "").strip().upper()
    if bic and not is_valid_bic(bic):
        raise ValueError("The BIC is not valid.")
    reference = ""
    if structured_reference:
        reference = structured_communication_digits(structured_reference)
        if reference is None:
            raise ValueError("The structured reference is not a valid Belgian structured communication.")
    text = _epc_field(text, "remittance text", 140)
    lines = [
        "BCD",  # service tag
        "002",  # version: the BIC may be left empty within the EEA
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        bic,
        beneficiary,
        iban,
        epc_amount(amount) if amount is not None else "",
        "",  # purpose code
        # Line 10, "Remittance Information (Structured)", is the creditor reference the banking app
        # copies into the structured-communication field of the transfer, as the 12 bare digits.
        # That is where Belgian apps look for an OGM/VCS; in line 11 it arrives as free text and the
        # bank's reconciliation on the structured communication misses the gift.
        reference,
        # Line 11, unstructured remittance text: the guidelines allow only one of lines 10 and 11.
        "" if reference else text,
        "",  # beneficiary-to-originator information
    ]
    payload = "\n".join(lines).rstrip("\n")  # the last filled element ends the payload
    if len(payload.encode()) > EPC_MAX_BYTES:
        raise ValueError(f"The payload is longer than {EPC_MAX_BYTES} bytes.")
    return payload


def _qr(payload):
    # Bytes, so segno uses byte mode without an ECI header, as the EPC guidelines show it; level M
    # is what they require, and boost_error=False keeps it M rather than "upgrading" the level.
    return segno.make_qr(payload.encode(), error="m", boost_error=False)


def qr_size(payload):
    """The width (= height) in pixels of the PNG that `qr_png` makes for `payload`."""
    return _qr(payload).symbol_size(scale=QR_SCALE, border=QR_BORDER)[0]


def qr_png(payload) -> bytes:
    """A PNG of the QR code for `payload`, black on white, level M."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER, dark="#000", light="#fff")
    return buffer.getvalue()


def mask_iban(value):
    """The IBAN with only its country, check digits and last four characters: `BE68 •••• •••• 7034`."""
    iban = normalise_iban(value)
    if len(iban) <= 8:
        return format_iban(iban)
    return format_iban(iban[:4] + "•" * (len(iban) - 8) + iban[-4:])


# The fields that decide where a gift goes and what the QR code says: changed by superusers only
# (network/admin.py), and every change is told to the network's editors.
DONATION_FIELDS = ("iban", "bic", "beneficiary", "donation_reference")


def donation_details(network):
    return {name: getattr(network, name) for name in DONATION_FIELDS}


def notify_donation_details_changed(*, network, before, actor):
    """Mail each editor of `network` what changed in its bank details (IBAN masked) and who changed it.

    Returns the number of mails sent; a mail server that fails is logged, the change stays.
    """
    import logging

    from core.mail import MailNotSent, send_mail
    from network.permissions import Role

    after = donation_details(network)
    shown = {"iban": mask_iban, "donation_reference": lambda number: "" if number is None else str(number)}
    changes = [
        {
            "label": network._meta.get_field(name).verbose_name,
            "old": shown.get(name, str)(before[name] or "") if before[name] not in ("", None) else "",
            "new": shown.get(name, str)(after[name] or "") if after[name] not in ("", None) else "",
        }
        for name in DONATION_FIELDS
        if before[name] != after[name]
    ]
    if not changes:
        return 0
    editors = (
        network.memberships.filter(user__is_active=True, user__groups__name=Role.NETWORK_EDITOR)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    subject = _("The bank details of %(network)s were changed") % {"network": network.name}
    context = {"network": network, "changes": changes, "actor": actor.get_full_name() or actor.email or actor}
    sent = 0
    for email in sorted(editors):
        try:
            send_mail(email, subject, "network/mail/donation_details_changed", context)
            sent += 1
        except MailNotSent:
            logging.getLogger(__name__).exception("Could not tell %s about the changed bank details", email)
    return sent
