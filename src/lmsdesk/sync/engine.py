"""The sync engine: push everything queued, then pull pages until the server has no more.

Runs on the database lane, one call at a time. Each pushed batch is settled, and each pulled
page applied together with its cursor, in one SQLite transaction: a crash costs at most one
page fetched again and never loses or repeats a mutation (the server answers `duplicate` for
anything it already has).
"""

from __future__ import annotations

import enum
import functools
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import MutationStatus
from lmsdesk.contracts.mutations import Args, MutationType
from lmsdesk.contracts.partitions import course_partition
from lmsdesk.contracts.sync import (
    PROTOCOL_VERSION,
    Mutation,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from lmsdesk.local_db import mirror_apply, outbox, sync_state
from lmsdesk.local_db.engine import LocalStore
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import AuthSession, SessionEnded
from lmsdesk.sync.local_mutation import apply_tracked
from lmsdesk.sync.local_mutations import LOCAL_MUTATIONS, LocalContext

_log = logging.getLogger(__name__)

#: Rows asked for per pull page. A page is parsed in one call that holds the interpreter, and
#: the window's thread waits meanwhile: 10,000 rows held it for 30-50 ms, 2,000 for under 10.
#: Pages are fetched while the one before is applied, so more of them cost little.
PAGE_LIMIT = 2_000

#: Arguments per push, well under the server's 16 MB limit for one: a lesson's text may be
#: 200,000 characters, and a course of them written offline would otherwise be one refused push.
PUSH_BATCH_BYTES = 4 * 1024 * 1024

Progress = Callable[[str, int, int | None], None]


class SyncStatus(enum.StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"
    UPGRADE_REQUIRED = "upgrade_required"
    SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class SyncOutcome:
    status: SyncStatus
    pushed: int = 0
    rejected: int = 0
    pulled_rows: int = 0
    pages: int = 0
    pending: int = 0
    failed: int = 0
    message: str | None = None
    revoked_courses: tuple[str, ...] = ()
    #: The server was too busy and asked to be left alone this many seconds.
    retry_after: float | None = None
    #: The mirror's tables the sync changed (EVERYTHING when whole partitions were dropped or
    #: reset): screens redraw only when their tables are among them.
    changed: frozenset[str] = frozenset()


#: In SyncOutcome.changed: anything may have changed.
EVERYTHING = "*"
#: In SyncOutcome.changed: queued changes were sent (settled or refused).
OUTBOX = "outbox"


class SyncEngine:
    def __init__(
        self,
        store: LocalStore,
        auth: AuthSession,
        user_id: uuid.UUID,
        *,
        push_batch: int = 1000,
        page_limit: int = PAGE_LIMIT,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        self._store = store
        self._auth = auth
        self._user_id = user_id
        self._push_batch = push_batch
        self._page_limit = page_limit
        #: This device's wall clock in milliseconds (injected to test clock skew).
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        #: The tables the sync in progress changed (reported in its outcome).
        self._changed: set[str] = set()
        #: Called (on the recording thread) after each local change commits.
        self.on_local_change: Callable[[], None] = lambda: None

    # ------------------------------------------------------------------ local changes
    def record(self, mutation: MutationType[Args], args: Args) -> int:
        """A local change and its outbox row, in one transaction. Returns the sequence number."""
        spec = LOCAL_MUTATIONS[mutation.name]
        name = mutation.name
        with self._store.transaction() as session:
            hlc = outbox.next_hlc(session, self._clock_ms())
            description = spec.describe(session, args)  # before: a deleted row has no title
            context = LocalContext(session, self._user_id, hlc, datetime.now(UTC))
            touched = apply_tracked(context, spec.apply, args)
            seq = outbox.enqueue(
                session,
                name=name,
                args=args.model_dump(mode="json"),
                hlc=hlc,
                description=description,
                coalesce_key=spec.coalesce_key(args),
                coalesce=spec.coalesce,
                partitions=touched,
            )
        self.on_local_change()
        return seq

    # ------------------------------------------------------------------ sync
    def sync(self, progress: Progress | None = None) -> SyncOutcome:
        report = progress or (lambda _phase, _done, _total: None)
        started = datetime.now(UTC)
        self._changed = set()
        try:
            pushed, rejected, current = self._push_all(report)
            # The push's own answer may have brought everything: then there is nothing to pull.
            pulled, pages, revoked = (0, 0, []) if current else self._pull_all(report)
        except ServerUnreachable as exc:
            return self._finish(started, SyncStatus.OFFLINE, str(exc), retry_after=exc.retry_after)
        except SessionEnded as exc:
            return self._finish(started, SyncStatus.SIGNED_OUT, str(exc))
        except ApiRejected as exc:
            status = SyncStatus.UPGRADE_REQUIRED if exc.status_code == 426 else SyncStatus.ERROR
            return self._finish(started, status, exc.message)
        return self._finish(
            started,
            SyncStatus.IDLE,
            None,
            pushed=pushed,
            rejected=rejected,
            pulled_rows=pulled,
            pages=pages,
            revoked_courses=tuple(revoked),
        )

    def _finish(
        self, started: datetime, status: SyncStatus, message: str | None, **figures: Any
    ) -> SyncOutcome:
        with self._store.transaction() as session:
            error = None if status is SyncStatus.IDLE else (message or status.value)
            sync_state.record_attempt(session, started, error=error)
            pending, failed = outbox.counts(session)
        return SyncOutcome(
            status=status,
            message=message,
            pending=pending,
            failed=failed,
            changed=frozenset(self._changed),
            **figures,
        )

    def _push_all(self, report: Progress) -> tuple[int, int, bool]:
        """Push every queued change. Returns how many were sent and refused, and whether the
        last answer brought everything there was to pull."""
        pushed = rejected = 0
        current = False
        with self._store.reading() as session:
            total = outbox.counts(session)[0]
        while True:
            with self._store.transaction() as session:
                batch = outbox.next_batch(
                    session, limit=self._push_batch, max_bytes=PUSH_BATCH_BYTES
                )
                if not batch:
                    return pushed, rejected, current
                outbox.mark_sending(session, [m.seq for m in batch])
                device_id, epoch = outbox.device_identity(session)
                # Only with the last batch: applying a page replays every change still queued
                # (the rebase), so a page per batch of a long backlog cost O(n^2) (10,000
                # queued changes went from thousands a second to 200). Partitions to receive
                # again need a pull: no shortcut then either.
                last = len(outbox.pending(session, limit=len(batch) + 1)) <= len(batch)
                wanted = sync_state.resync_wanted(session)
                cursor = sync_state.cursor(session) if last and not wanted else None
            # Built without re-validation: every field comes from our own outbox.
            request = PushRequest.model_construct(
                device_id=device_id,
                epoch=epoch,
                protocol=PROTOCOL_VERSION,
                mutations=[
                    Mutation.model_construct(
                        seq=m.seq, mutation_id=m.mutation_id, name=m.name, args=m.args, hlc=m.hlc
                    )
                    for m in batch
                ],
                cursor=cursor,
            )
            response = self._auth.call(functools.partial(self._auth.api.push, body=request))
            refused = self._store_results(response)
            rejected += refused
            pushed += len(response.results)
            current = response.pulled is not None and not response.pulled.has_more and not refused
            report("push", pushed, max(total, pushed))  # background changes are not in total

    def _store_results(self, response: PushResponse) -> int:
        """Settle what the server stored; keep refusals with their reason. Returns refusals."""
        rejected = 0
        if response.results:
            self._changed.add(OUTBOX)  # what waits to be sent, or was refused, changed
        with self._store.transaction() as session:
            done = []
            for result in response.results:
                if result.status is MutationStatus.REJECTED:
                    touched = outbox.fail(
                        session, result.seq, result.reason or "Refused by the server."
                    )
                    # Its effect is still in the mirror: receive those partitions again.
                    sync_state.want_resync(session, touched)
                    rejected += 1
                else:
                    done.append(result.seq)
            outbox.settle(session, done)
            outbox.observe_server_hlc(session, response.server_hlc)
            if response.pulled is not None:
                # With the results: a crash keeps both or neither, as for a pulled page.
                self._apply_page(session, response.pulled)
        return rejected

    def _pull_all(self, report: Progress) -> tuple[int, int, list[str]]:
        """Pull pages until the server has no more, fetching page N+1 while page N is applied:
        the server builds a page in about the time SQLite takes to apply one, so overlapping
        them nearly halves an initial pull. Page N+1 is asked for with page N's cursor, the
        one applied with it; a crash before it is applied costs that one page, as before."""
        pulled = pages = 0
        revoked: list[str] = []
        with self._store.reading() as session:
            cursor = sync_state.cursor(session)
            device_id, _epoch = outbox.device_identity(session)
            resync = sync_state.resync_wanted(session)

        def fetch(cursor: str | None, resync: list[str]) -> PullResponse:
            request = PullRequest(
                device_id=device_id,
                protocol=PROTOCOL_VERSION,
                cursor=cursor,
                limit=self._page_limit,
                resync=resync,
            )
            return self._auth.call(functools.partial(self._auth.api.pull, body=request))

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as fetcher:
            page = fetch(cursor, resync)
            while True:
                following = fetcher.submit(fetch, page.cursor, []) if page.has_more else None
                try:
                    with self._store.transaction() as session:
                        revoked += self._apply_page(session, page)
                        # The first page answered them (reset or revoked), with its cursor.
                        sync_state.resynced(session, resync)
                        resync = []
                except BaseException:
                    if following is not None:
                        following.cancel()
                    raise
                pulled += sum(len(rows) for rows in page.changes.values())
                pages += 1
                report("pull", pulled, None)
                if following is None:
                    return pulled, pages, revoked
                page = following.result()

    def _apply_page(self, session: Session, page: PullResponse) -> list[str]:
        self._changed.update(table for table, rows in page.changes.items() if rows)
        self._changed.update(t.table for t in page.tombstones)
        if page.partitions.revoked or page.partitions.reset:
            self._changed.add(EVERYTHING)
        revoked_courses = []
        for partition in page.partitions.revoked:
            if partition.startswith(course_partition("")):
                course_id = partition.split(":", 1)[1]
                mirror_apply.drop_course_content(session, course_id)
                revoked_courses.append(course_id)
            else:
                mirror_apply.drop_partition(session, partition)
        for partition in page.partitions.reset:
            mirror_apply.drop_partition(session, partition)
        mirror_apply.upsert_rows(session, page.changes)
        mirror_apply.delete_rows(
            session, ((t.table, t.row_id, t.partition) for t in page.tombstones)
        )
        session.expire_all()  # rows changed under the ORM: reload before replaying local intent
        self._rebase(session)
        sync_state.save_cursor(session, page.cursor)
        sync_state.observe_server_time(session, page.server_time)
        outbox.observe_server_hlc(session, page.server_hlc)
        return revoked_courses

    def _rebase(self, session: Session) -> None:
        """Replay still-pending local changes on top of the server's rows just applied."""
        for queued in outbox.pending(session):
            spec = LOCAL_MUTATIONS.get(queued.name)
            if spec is None:
                continue
            args = spec.args.model_validate(queued.args)
            spec.apply(LocalContext(session, self._user_id, queued.hlc, datetime.now(UTC)), args)
        session.flush()
