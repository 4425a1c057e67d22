"""All SQL of the pull side: what a user may see, and the rows of a partition between versions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import Course, SyncTombstone
from lmsdesk_server.services.sync_tables import COURSE, SYNCED_TABLES, SyncedTable


class SyncFeedRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def draft_course_ids(self, user_id: uuid.UUID, *, is_admin: bool) -> list[str]:
        """Unpublished courses this user sees: their own, and for admins every pending one."""
        unpublished = [CourseStatus.DRAFT, CourseStatus.PENDING, CourseStatus.REJECTED]
        own = select(Course.id).where(
            Course.instructor_id == user_id, Course.status.in_(unpublished)
        )
        ids = set(self._session.scalars(own))
        if is_admin:
            ids |= set(
                self._session.scalars(
                    select(Course.id).where(Course.status == CourseStatus.PENDING)
                )
            )
        return sorted(str(i) for i in ids)

    def archived_course_ids(self) -> set[str]:
        stmt = select(Course.id).where(Course.status == CourseStatus.ARCHIVED)
        return {str(i) for i in self._session.scalars(stmt)}

    def version_at(self, partition: str, after: int, offset: int) -> int | None:
        """The version of the (offset+1)-th change (row or tombstone) after `after`, or None."""
        parts = [
            select(table.model.sync_version.label("v")).where(  # type: ignore[attr-defined]
                table.model.sync_partition == partition,  # type: ignore[attr-defined]
                table.model.sync_version > after,  # type: ignore[attr-defined]
            )
            for table in SYNCED_TABLES
        ]
        parts.append(
            select(SyncTombstone.version.label("v")).where(
                SyncTombstone.partition == partition, SyncTombstone.version > after
            )
        )
        combined = union_all(*parts).subquery()
        stmt = select(combined.c.v).order_by(combined.c.v).offset(offset).limit(1)
        value = self._session.scalar(stmt)
        return int(value) if value is not None else None

    def rows_between(
        self, table: SyncedTable, partition: str, after: int, through: int
    ) -> list[dict[str, Any]]:
        model: Any = table.model
        stmt = table.select().where(
            model.sync_partition == partition,
            model.sync_version > after,
            model.sync_version <= through,
        )
        return [dict(row) for row in self._session.execute(stmt).mappings()]

    def course_rows(
        self, table: SyncedTable, partition: str, course_id: str, through: int
    ) -> list[dict[str, Any]]:
        """One course's rows in a partition up to a version (a course newly bought or lost)."""
        model: Any = table.model
        stmt = table.select()
        owning = stmt.selected_columns[COURSE]
        stmt = stmt.where(
            model.sync_partition == partition,
            model.sync_version <= through,
            owning == uuid.UUID(course_id),
        )
        return [dict(row) for row in self._session.execute(stmt).mappings()]

    def tombstones_between(self, partition: str, after: int, through: int) -> list[SyncTombstone]:
        stmt = select(SyncTombstone).where(
            SyncTombstone.partition == partition,
            SyncTombstone.version > after,
            SyncTombstone.version <= through,
        )
        return list(self._session.scalars(stmt))
