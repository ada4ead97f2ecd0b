"""Signed, expiring tokens for links in mails (confirm, cancel, unsubscribe, preferences).

A token carries a value (usually a primary key and a random nonce stored with the
object) signed with SECRET_KEY and a salt per purpose, so a token for one purpose is
worthless for another. Reading a token gives the value, or raises TokenExpired or
TokenInvalid, whose messages are the Dutch text to show.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _


class TokenError(Exception):
    message = _("This link is not valid. Check that you copied the whole link from the mail.")


class TokenInvalid(TokenError):
    pass


class TokenExpired(TokenError):
    message = _("This link has expired. Fill in the form again and you will receive a new link.")


def new_nonce():
    """A random value stored with an object and signed into its links; replacing it voids them all."""
    return secrets.token_urlsafe(16)


def make_token(purpose, value):
    return signing.dumps(value, salt=f"token:{purpose}", compress=True)


def read_token(purpose, token, max_age=None):
    """The value signed into `token` for `purpose`; max_age in seconds (None: the confirmation default, 0: forever)."""
    if max_age is None:
        max_age = settings.CONFIRMATION_MAX_AGE
    try:
        return signing.loads(token, salt=f"token:{purpose}", max_age=max_age or None)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
        raise TokenInvalid from error


def read_token_parts(purpose, token, *types, max_age=None):
    """Like read_token for a value that is a list of parts, e.g. (int, str) for [pk, nonce].

    A value of another shape (a token signed by an older version, or hand-made with a leaked
    key) is refused as TokenInvalid instead of reaching a query as the wrong type.
    """
    value = read_token(purpose, token, max_age=max_age)
    if not (
        isinstance(value, list)
        and len(value) == len(types)
        and all(type(part) is expected for part, expected in zip(value, types, strict=True))
    ):
        raise TokenInvalid
    return value
