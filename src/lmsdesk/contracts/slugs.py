"""URL names ("practical-sqlite-1a2b3c4d") made the same way on both sides: the client shows a
category it made offline under the slug the server will give it."""

from __future__ import annotations

import re
import uuid


def slug_of(text: str, unique: uuid.UUID, *, fallback: str = "item") -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or fallback
    return f"{words}-{unique.hex[:8]}"
