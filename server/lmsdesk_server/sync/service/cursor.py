"""The pull cursor: opaque to the client, signed by the server.

It holds the version reached in each partition, the user-partition version at which the courses
owned in full were last reconciled, and whether they were reconciled as an admin. It stays a few
hundred bytes however many courses a user owns, the server keeps no per-device pull state, and
a client that crashes before saving a page simply presents its previous cursor again.
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
    #: Enrollment changes at or below this user-partition version are already reflected.
    entitlements_through: int = 0
    #: Admins receive every course in full; a change of role re-sends the catalog.
    as_admin: bool = False
    #: When this cursor's pull ran (epoch seconds): weeks released after it are sent again.
    pulled_at: int = 0


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def encode(self, cursor: Cursor) -> str:
        body = json.dumps(
            {
                "u": str(cursor.user_id),
                "p": cursor.versions,
                "e": cursor.entitlements_through,
                "a": cursor.as_admin,
                "t": cursor.pulled_at,
            },
            separators=(",", ":"),
        ).encode()
        payload = base64.urlsafe_b64encode(body).rstrip(b"=")
        return f"{payload.decode()}.{self._sign(payload)}"

    def decode(self, token: str | None, user_id: uuid.UUID) -> Cursor | None:
        """The cursor, or None when there is none or it is not ours (then everything is sent)."""
        if not token or token.count(".") != 1:
            return None
        payload, signature = token.split(".")
        # As bytes: compare_digest refuses non-ASCII text, and a forged cursor may hold any.
        expected = self._sign(payload.encode("utf-8", "replace")).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            cursor = Cursor(
                user_id=uuid.UUID(data["u"]),
                versions={str(k): int(v) for k, v in data["p"].items()},
                entitlements_through=int(data["e"]),
                as_admin=bool(data["a"]),
                pulled_at=int(data.get("t", 0)),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return cursor if cursor.user_id == user_id else None

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()


def cursor_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"lmsdesk sync cursor", hashlib.sha256).digest()
