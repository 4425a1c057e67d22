"""The pull cursor: opaque to the client, signed by the server.

It holds the version reached in each partition and the courses delivered in full, so the server
keeps no per-device pull state and a client that crashes before saving a page simply presents
its previous cursor again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field


@dataclass
class Cursor:
    user_id: uuid.UUID | None = None
    versions: dict[str, int] = field(default_factory=dict)
    full_courses: set[str] = field(default_factory=set)


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def encode(self, cursor: Cursor) -> str:
        body = json.dumps(
            {"u": str(cursor.user_id), "p": cursor.versions, "f": sorted(cursor.full_courses)},
            separators=(",", ":"),
        ).encode()
        payload = base64.urlsafe_b64encode(body).rstrip(b"=")
        return f"{payload.decode()}.{self._sign(payload)}"

    def decode(self, token: str | None, user_id: uuid.UUID) -> Cursor | None:
        """The cursor, or None when there is none or it is not ours (then everything is sent)."""
        if not token or token.count(".") != 1:
            return None
        payload, signature = token.split(".")
        if not hmac.compare_digest(self._sign(payload.encode()), signature):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            cursor = Cursor(
                user_id=uuid.UUID(data["u"]),
                versions={str(k): int(v) for k, v in data["p"].items()},
                full_courses={str(c) for c in data["f"]},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return cursor if cursor.user_id == user_id else None

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()


def cursor_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"lmsdesk sync cursor", hashlib.sha256).digest()
