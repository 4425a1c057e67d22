"""What a push answers besides its results: the rows it wrote, and the device's cursor moved past
them, so the device needs no pull to learn what its own push did.

Before, a device pushed and then pulled; the pull found the user's partition moved (by the push
itself), took the full path (about 30 statements) and sent the device's own rows back. Now the
push reads those rows in its own transaction (one statement per table it wrote) and probes the
rest as a no-op pull would (one more): when nothing else moved, the answer says so (`has_more`
false) and the device skips its pull.

The rows do come back. They are the server's version of what the device wrote (times the server
set, a merged position, a certificate earned), and the device keeps the server's copy; what
goes away is the second request and its full path.

The shortcut is taken only when it is certainly whole:
- the device sent a cursor of this user's, with their partition in it;
- this push's only clock bump is its own pin of the user's partition, and that version is the
  cursor's plus one, so no one else wrote the partition since the cursor (the pin holds the
  clock's lock until commit, so no one can until then);
- no enrollment was written (a course bought or completed changes what the user receives,
  which only the full pull reconciles).
Anything else (a tombstone, a write to a draft, a community or another user's partition, a
stale cursor) answers without rows, and the device pulls as before.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.sync import PartitionChanges, PullResponse
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.partitions import user_partition, written
from lmsdesk_server.sync.repository.feed import Reader, Scope, SyncFeedRepository
from lmsdesk_server.sync.repository.tables import BY_NAME
from lmsdesk_server.sync.service.cursor import CursorCodec
from lmsdesk_server.sync.service.pull import nothing_new
from lmsdesk_server.sync.service.push import server_hlc

#: Writing one of these changes what the user receives beyond the rows themselves.
_RECONCILED = frozenset({"enrollments"})

_NO_ONE = Reader(frozenset(), frozenset())


def page_after_push(
    session: Session, actor: Actor, token: str | None, codec: CursorCodec, now: datetime
) -> PullResponse | None:
    """The rows this push wrote and the cursor past them, or None when only a pull can say."""
    previous = codec.decode(token, actor.id)
    if previous is None:
        return None
    user = user_partition(actor.id)
    seen = previous.versions.get(user)
    writes = written(session)
    if (
        seen is None
        or previous.entitlements_through != seen
        or writes.bumps != [(user, seen + 1)]
        or set(writes.tables) - {user}
        or writes.tables.get(user, set()) & _RECONCILED
        or writes.tables.get(user, set()) - set(BY_NAME)
    ):
        return None
    version = seen + 1
    feed = SyncFeedRepository(session)
    tables = [BY_NAME[name] for name in sorted(writes.tables.get(user, ()))]
    shown = feed.tables_between(tables, Scope.of(user), seen, version, _NO_ONE)
    changes = {name: json.loads(rows.rows_json) for name, rows in shown.items() if rows.count}
    advanced = replace(
        previous,
        versions={**previous.versions, user: version},
        entitlements_through=version,
    )
    current = nothing_new(session, actor, [], advanced, now)
    if current:
        advanced = replace(advanced, pulled_at=int(now.timestamp()))
    return PullResponse(
        changes=changes,
        tombstones=[],
        cursor=codec.encode(advanced),
        has_more=not current,
        partitions=PartitionChanges(),
        server_time=now,
        server_hlc=server_hlc(),
    )
