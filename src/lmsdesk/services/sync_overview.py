"""What the sync panel shows, and the actions it offers. Blocking: call on the database lane."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lmsdesk.local_db import outbox, sync_state
from lmsdesk.services.certificates import CertificateService
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.services.session import SessionService
from lmsdesk.sync.engine import Progress, SyncOutcome, SyncStatus


@dataclass(frozen=True)
class QueuedChange:
    description: str
    reason: str | None = None


@dataclass(frozen=True)
class SyncOverview:
    last_success_at: datetime | None
    last_error: str | None
    pending: tuple[QueuedChange, ...]
    failed: tuple[QueuedChange, ...]


class SyncService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def on_local_change(self, listener: Callable[[], None]) -> None:
        """Hear about every change recorded for the signed-in account (to sync soon after)."""
        engine = self._session.sync_engine
        if engine is not None:
            engine.on_local_change = listener

    def sync(self, progress: Progress | None = None) -> SyncOutcome:
        engine = self._session.sync_engine
        store, account_dir = self._session.store, self._session.account_dir
        if engine is None or store is None or account_dir is None:
            return SyncOutcome(status=SyncStatus.SIGNED_OUT)
        outcome = engine.sync(progress)
        # Access ended (a refund, a revoked enrollment): the content left the mirror in the
        # sync; the downloaded media go now. Progress stays, in case access comes back.
        media = MediaLibrary(store, account_dir)
        for course_id in outcome.revoked_courses:
            media.remove_course(course_id)
        media.sweep_ended()
        if outcome.status is SyncStatus.IDLE:
            # While online: the key certificates are verified with, kept for offline use.
            CertificateService(self._session).remember_key()
        return outcome

    def overview(self) -> SyncOverview | None:
        store = self._session.store
        if store is None:
            return None
        with store.reading() as session:
            health = sync_state.health(session)
            pending = tuple(
                QueuedChange(m.description) for m in outbox.pending(session, background=False)
            )
            failed = tuple(
                QueuedChange(m.description, m.last_error) for m in outbox.failed(session)
            )
        return SyncOverview(health.last_success_at, health.last_error, pending, failed)

    def dismiss_failed(self) -> None:
        store = self._session.store
        if store is not None:
            with store.transaction() as session:
                outbox.dismiss_failed(session)
