"""The catalog as the last account's store holds it, read with nothing but sqlite3, so the window
can show it before the rest of the app is imported or the network is asked anything (DESIGN.md
section 8: first paint). Read-only and best-effort: anything missing or unexpected gives None,
and the app starts as it would have without it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

#: Enough to fill the tallest window; the rest comes with the app a moment later.
SHOWN = 200


@dataclass(frozen=True)
class StoredCourse:
    title: str
    instructor: str
    price: str


def account_folder(data_dir: Path, server_url: str, user_id: str) -> Path:
    """Where an account's local store lives (one folder per user and server)."""
    server_tag = hashlib.sha256(server_url.encode()).hexdigest()[:8]
    return data_dir / "accounts" / f"{user_id}-{server_tag}"


def stored_catalog(data_dir: Path, limit: int = SHOWN) -> list[StoredCourse] | None:
    """The last account's published courses in the catalog's first order (by title)."""
    try:
        last = json.loads((data_dir / "last_account.json").read_text())
        path = account_folder(data_dir, last["server_url"], str(last["user_id"]))
        path /= "lmsdesk.sqlite3"
        if not path.is_file():
            return None
        # Read-only, and never waiting on a writer: this is a picture, not the app's store.
        uri = f"{path.as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as db:
            rows = db.execute(
                "SELECT title, instructor_name, price_cents, sale_price_cents, sale_ends_at,"
                " currency FROM courses WHERE status = 'approved'"
                " ORDER BY title COLLATE NOCASE LIMIT ?",
                (limit,),
            ).fetchall()
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None
    return [_course(*row) for row in rows] or None


def _course(
    title: str, instructor: str, price: int, sale: int | None, sale_ends: str | None, currency: str
) -> StoredCourse:
    # A sale's end is compared as stored text (UTC ISO): a laptop whose sale ended shows the
    # price; the app a moment later shows the same.
    from datetime import UTC, datetime

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")  # as the store writes it
    cents = sale if sale is not None and sale_ends is not None and sale_ends > now else price
    shown = "Free" if price == 0 else f"{cents / 100:,.2f} {currency}"
    return StoredCourse(title, instructor or "", shown)
