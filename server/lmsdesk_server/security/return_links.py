"""The links a payment provider returns the student's browser to: they carry a signature bound
to the order, so a bare order id (guessed, or seen in a log) can neither cancel an order nor
show what was bought."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from urllib.parse import urlencode


class ReturnLinks:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def signature(self, order_id: uuid.UUID) -> str:
        digest = hmac.new(self._key, f"checkout-return:{order_id}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()

    def verify(self, order_id: uuid.UUID, signature: str | None) -> bool:
        if not signature:
            return False
        # As bytes: compare_digest refuses non-ASCII text, and a forged link may hold any.
        expected = self.signature(order_id).encode()
        return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))

    def success_url(self, base: str, order_id: uuid.UUID) -> str:
        return self._url(base, "success", order_id)

    def cancel_url(self, base: str, order_id: uuid.UUID) -> str:
        return self._url(base, "cancel", order_id)

    def _url(self, base: str, page: str, order_id: uuid.UUID) -> str:
        query = urlencode({"order": str(order_id), "sig": self.signature(order_id)})
        return f"{base.rstrip('/')}/checkout/{page}?{query}"


def return_link_key(jwt_secret: str) -> bytes:
    """A key of its own, derived from the server secret (as media links' is)."""
    return hmac.new(jwt_secret.encode(), b"lmsdesk checkout return links", hashlib.sha256).digest()
