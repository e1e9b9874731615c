"""Secrets Headway uses again but never shows: a chat channel's webhook address, a webhook's
signing secret. They are encrypted at rest with Fernet (AES and an HMAC, from the
`cryptography` library) under a key derived from SECRET_KEY; the keys of
SECRET_KEY_FALLBACKS still read them, so that rotating SECRET_KEY as Django documents it keeps
them readable until they are saved again."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet(secret_key):
    digest = hashlib.sha256(b"headway.integrations.crypto:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys():
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return MultiFernet([_fernet(settings.SECRET_KEY), *map(_fernet, fallbacks)])


def encrypt(text):
    return _keys().encrypt(text.encode()).decode()


def decrypt(token):
    """The text; raises InvalidToken when no key of this installation can read it."""
    return _keys().decrypt(token.encode()).decode()
