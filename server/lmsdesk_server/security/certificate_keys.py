"""The server's Ed25519 key for certificates. Clients keep the public key and verify
certificates offline, so every server process must sign with the same key: it comes from the
shared secret store (PostgreSQL), generated once."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lmsdesk.contracts.certificates import CertificateKey

#: The secret's name; also the file name older versions kept it under in the data dir.
CERTIFICATE_KEY_NAME = "certificate_key.pem"
#: Where every session of a running server finds the signer (`Session.info`): a certificate
#: earned by a change that is not a completion (an enrollment restored by a webhook completing a
#: program) is signed in the same transaction, whichever path made the change.
SESSION_SIGNER = "lmsdesk.certificate_signer"


class CertificateSigner:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    def sign(self, payload: bytes) -> str:
        return base64.b64encode(self._key.sign(payload)).decode()

    def verify(self, payload: bytes, signature: str) -> bool:
        """Whether `signature` is this key's over `payload` (a row edited in the database, or
        copied from another server, is not)."""
        try:
            self._key.public_key().verify(base64.b64decode(signature), payload)
        except (InvalidSignature, ValueError, binascii.Error):
            return False
        return True

    @property
    def public_key(self) -> CertificateKey:
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return CertificateKey(public_key=base64.b64encode(raw).decode())

    @classmethod
    def from_pem(cls, pem: str) -> CertificateSigner:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the certificate key is not an Ed25519 key")
        return cls(key)


def new_certificate_key_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
