"""Secrets the server must read back (a TOTP secret), encrypted at rest with a key that is not
in the database: a copy of the database alone cannot make sign-in codes. Fernet (AES-128-CBC
with HMAC-SHA256, from PyCA's cryptography, already a dependency) does the sealing."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, secret: str) -> None:
        key = hashlib.sha256(b"lmsdesk secret box\x00" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        """Raises ValueError when the value was sealed with another key or altered."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("sealed with another key, or altered") from exc
