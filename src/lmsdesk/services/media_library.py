"""Downloaded media on this computer: one folder per course under the account's folder.

The download queue itself is the learning issue's; this module owns the layout and removal, so
a refunded course's media are deleted the moment its revocation syncs down. Blocking: call on
the database lane.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

from sqlalchemy import delete, select

from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk.local_db.engine import LocalStore
from lmsdesk.local_db.models.client import Download
from lmsdesk.local_db.models.mirror import Enrollment

_log = logging.getLogger(__name__)


class MediaLibrary:
    def __init__(self, store: LocalStore, account_dir: Path) -> None:
        self._store = store
        self.root = self.root_in(account_dir)

    @staticmethod
    def root_in(account_dir: Path) -> Path:
        """Where an account's downloaded media live."""
        return account_dir / "media"

    def course_dir(self, course_id: uuid.UUID | str) -> Path:
        return self.root / str(uuid.UUID(str(course_id)))

    def bytes_used(self, course_id: uuid.UUID | str | None = None) -> int:
        folder = self.root if course_id is None else self.course_dir(course_id)
        if not folder.exists():
            return 0
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())

    def remove_course(self, course_id: uuid.UUID | str) -> int:
        """Forget the course's downloads, then delete its files. Returns the bytes freed.

        Rows first: a crash between the two leaves files no row points to, which the next
        removal (or a re-download) overwrites; never a row pointing at a missing file."""
        course = uuid.UUID(str(course_id))
        with self._store.transaction() as session:
            session.execute(delete(Download).where(Download.course_id == course))
        folder = self.course_dir(course)
        freed = self.bytes_used(course)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            _log.info("Removed %d bytes of media of course %s (access ended)", freed, course)
        return freed

    def sweep_ended(self) -> list[str]:
        """Remove the media of every course whose enrollment is no longer active: catches a
        removal that a crash interrupted after the revocation had synced."""
        if not self.root.exists():
            return []
        with self._store.reading() as session:
            ended = {
                str(course_id)
                for course_id in session.scalars(
                    select(Enrollment.course_id).where(Enrollment.status != EnrollmentStatus.ACTIVE)
                )
            }
        removed = [d.name for d in self.root.iterdir() if d.is_dir() and d.name in ended]
        for course_id in removed:
            self.remove_course(course_id)
        return removed
