"""Validation of uploaded documents: the extension must be allowed and the bytes must match it."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.svg import sanitize_svg

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Extension -> (what people call the format, accepted leading bytes).
DOCUMENT_FORMATS = {
    "pdf": ("PDF", [b"%PDF-"]),
    "docx": ("Word", [ZIP]),
    "doc": ("Word", [OLE]),
    "odt": ("OpenDocument-tekst", [ZIP]),
    "xlsx": ("Excel", [ZIP]),
    "xls": ("Excel", [OLE]),
    "ods": ("OpenDocument-rekenblad", [ZIP]),
    "pptx": ("PowerPoint", [ZIP]),
    "ppt": ("PowerPoint", [OLE]),
    "odp": ("OpenDocument-presentatie", [ZIP]),
    "png": ("PNG", [b"\x89PNG\r\n\x1a\n"]),
    "jpg": ("JPEG", [b"\xff\xd8\xff"]),
    "jpeg": ("JPEG", [b"\xff\xd8\xff"]),
    "svg": ("SVG", [b"<?xml", b"<svg"]),
    "eps": ("EPS", [b"%!PS-Adobe", b"\xc5\xd0\xd3\xc6"]),
}


def file_format(name):
    """The format's everyday name for a file name, e.g. 'PDF'."""
    return DOCUMENT_FORMATS.get(Path(name).suffix.lower().lstrip("."), ("?", []))[0]


def validate_document_file(upload):
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in DOCUMENT_FORMATS:
        allowed = ", ".join(sorted(DOCUMENT_FORMATS))
        raise ValidationError(
            _("Files of type .%(extension)s cannot be uploaded. Allowed: %(allowed)s.")
            % {"extension": extension or "?", "allowed": allowed}
        )
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    name, signatures = DOCUMENT_FORMATS[extension]
    if not any(head.lstrip().startswith(signature) for signature in signatures):
        raise ValidationError(
            _("This file does not look like a %(format)s file, although its name ends in .%(extension)s.")
            % {"format": name, "extension": extension}
        )
    if extension == "svg":
        content = upload.read()
        upload.seek(0)
        # Kept on the upload: the document stores this drawing, written out anew (core/svg.py).
        getattr(upload, "file", upload).sanitized_svg = sanitize_svg(content)


def is_svg(name):
    return Path(name).suffix.lower() == ".svg"


def sanitized_svg(upload):
    """The stored form of an uploaded SVG: from validation when it ran, else checked now."""
    file = getattr(upload, "file", upload)
    if getattr(file, "sanitized_svg", None) is None:
        file.seek(0)
        file.sanitized_svg = sanitize_svg(file.read())
    return file.sanitized_svg
