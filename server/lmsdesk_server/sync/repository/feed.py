"""All SQL of the pull side: what a user may see, and the rows of a partition between versions.

Rows leave PostgreSQL as one JSON array per table and query (json_agg), already projected for
the reader: building 100,000 row dicts in Python and serialising them again cost three quarters
of an initial pull's server time.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    DateTime,
    Select,
    String,
    Text,
    Uuid,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk_server.db.models import Course, Enrollment, PartitionClock, SyncTombstone
from lmsdesk_server.db.partitions import CATALOG_PARTITION
from lmsdesk_server.sync.repository.tables import (
    BY_NAME,
    COURSE,
    LESSON,
    PREVIEW,
    SyncedTable,
    tables_of,
)

# The client stores timestamps as this exact text (UTC, microseconds) so they sort as text.
_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


@dataclass(frozen=True)
class Scope:
    """What one cursor entry covers: the partitions whose rows carry versions of one clock
    (a partition and its own clock; or every community partition of a user's courses and the
    shared community clock)."""

    clock: str
    partitions: tuple[str, ...]

    @classmethod
    def of(cls, partition: str) -> Scope:
        return cls(partition, (partition,))


@dataclass(frozen=True)
class Reader:
    """Whose eyes catalog rows are for: the courses they get in full, and the archived ones."""

    entitled: frozenset[uuid.UUID]
    archived: frozenset[uuid.UUID]
    #: Lessons this user's cohorts have not released yet: bodies withheld until they open.
    unreleased: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class ShownRows:
    count: int  # rows sent plus rows hidden, for the page budget
    rows_json: str  # a JSON array of row objects
    hidden_keys: list[str]  # rows this reader must no longer have (an archived course)


_UNPUBLISHED = (CourseStatus.DRAFT, CourseStatus.PENDING, CourseStatus.REJECTED)


def draft_courses(user_id: uuid.UUID, *, is_admin: bool) -> Select[uuid.UUID]:
    """The ids of the unpublished courses a user sees: their own, and for admins every
    pending one."""
    own = (Course.instructor_id == user_id) & Course.status.in_(_UNPUBLISHED)
    if is_admin:
        own = own | (Course.status == CourseStatus.PENDING)
    return select(Course.id).where(own, Course.deleted_at.is_(None))


@functools.cache
def _probe(released: ColumnElement[bool]) -> Select[Any, Any, Any]:
    """The no-op check's one statement, built once (most pulls are no-ops: building and keying
    it anew each time cost more than running it)."""
    clock_rows = (
        select(
            func.json_object_agg(
                PartitionClock.partition,
                func.json_build_array(
                    PartitionClock.version, PartitionClock.tombstones_purged_through
                ),
            )
        )
        .where(PartitionClock.partition == any_(bindparam("partitions", type_=ARRAY(Text))))
        .scalar_subquery()
    )
    own = (Course.instructor_id == bindparam("user")) & Course.status.in_(_UNPUBLISHED)
    pending = bindparam("is_admin", type_=Boolean) & (Course.status == CourseStatus.PENDING)
    drafts = select(Course.id).where(own | pending, Course.deleted_at.is_(None)).subquery()
    draft_ids = select(func.array_agg(cast(drafts.c.id, Text))).scalar_subquery()
    return select(clock_rows, draft_ids, released)


@dataclass(frozen=True)
class Probe:
    """What a no-op pull needs to know, read in one statement."""

    #: partition -> (version, tombstones purged through), for those with a clock
    clocks: dict[str, tuple[int, int]]
    drafts: frozenset[str]
    #: a week of one of the reader's cohorts opened since the cursor's pull
    released: bool


class SyncFeedRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def draft_course_ids(self, user_id: uuid.UUID, *, is_admin: bool) -> list[str]:
        """Unpublished courses this user sees: their own, and for admins every pending one."""
        ids = self._session.scalars(draft_courses(user_id, is_admin=is_admin))
        return sorted(str(i) for i in ids)

    def probe(
        self,
        user_id: uuid.UUID,
        partitions: list[str],
        *,
        is_admin: bool,
        released: ColumnElement[bool],
        released_params: dict[str, object],
    ) -> Probe:
        """The clocks of `partitions`, the user's drafts and whether anything was released, in
        one statement: a pull that finds them as its cursor left them has nothing to send."""
        params = {"user": user_id, "partitions": partitions, "is_admin": is_admin}
        row = self._session.execute(_probe(released), {**params, **released_params}).one()
        clocks = {p: (int(v), int(purged)) for p, (v, purged) in (row[0] or {}).items()}
        return Probe(clocks, frozenset(row[1] or ()), bool(row[2]))

    def community_course_ids(self, user_id: uuid.UUID) -> list[str]:
        """Courses whose community this user receives: published ones they study (active
        enrollment) or teach."""
        published = [CourseStatus.APPROVED, CourseStatus.ARCHIVED]
        studied = (
            select(Enrollment.course_id)
            .join(Course, Course.id == Enrollment.course_id)
            .where(
                Enrollment.student_id == user_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Course.status.in_(published),
            )
        )
        taught = select(Course.id).where(
            Course.instructor_id == user_id, Course.status.in_(published)
        )
        ids = set(self._session.scalars(studied)) | set(self._session.scalars(taught))
        return sorted(str(i) for i in ids)

    def taught_courses_published_since(self, user_id: uuid.UUID, catalog_version: int) -> list[str]:
        """The user's own courses written to the catalog after a version (a course published,
        whose community they now take part in)."""
        stmt = select(Course.id).where(
            Course.instructor_id == user_id,
            Course.sync_partition == CATALOG_PARTITION,
            Course.sync_version > catalog_version,
        )
        return [str(i) for i in self._session.scalars(stmt)]

    def course_community_rows(
        self, table: SyncedTable, partition: str, through: int, reader: Reader
    ) -> ShownRows:
        """A course's community up to a version (joined since the cursor, or asked again)."""
        queries = _shown_queries(table.name, False, by_course=False)
        return self._shown(queries, reader, partitions=[partition], after=0, through=through)

    def archived_course_ids(self) -> set[str]:
        stmt = select(Course.id).where(Course.status == CourseStatus.ARCHIVED)
        return {str(i) for i in self._session.scalars(stmt)}

    def version_at(self, scope: Scope, after: int, offset: int) -> int | None:
        """The version of the (offset+1)-th change (row or tombstone) after `after`, or None."""
        parts = [
            select(table.model.sync_version.label("v")).where(  # type: ignore[attr-defined]
                table.model.sync_partition.in_(scope.partitions),  # type: ignore[attr-defined]
                table.model.sync_version > after,  # type: ignore[attr-defined]
            )
            for table in tables_of(scope.clock)
        ]
        parts.append(
            select(SyncTombstone.version.label("v")).where(
                SyncTombstone.partition.in_(scope.partitions), SyncTombstone.version > after
            )
        )
        combined = union_all(*parts).subquery()
        stmt = select(combined.c.v).order_by(combined.c.v).offset(offset).limit(1)
        value = self._session.scalar(stmt)
        return int(value) if value is not None else None

    def rows_between(
        self, table: SyncedTable, scope: Scope, after: int, through: int, reader: Reader
    ) -> ShownRows:
        queries = _shown_queries(table.name, scope.clock == CATALOG_PARTITION, by_course=False)
        return self._shown(
            queries, reader, partitions=list(scope.partitions), after=after, through=through
        )

    def tables_between(
        self, tables: list[SyncedTable], scope: Scope, after: int, through: int, reader: Reader
    ) -> dict[str, ShownRows]:
        """`rows_between` for several tables in one statement (a partition has some twenty:
        a statement each cost more in round trips than PostgreSQL took to run them)."""
        catalog = scope.clock == CATALOG_PARTITION
        names = tuple(table.name for table in tables)
        if not names:
            return {}
        params: dict[str, Any] = {
            "partitions": list(scope.partitions),
            "after": after,
            "through": through,
            **_reader_params(reader),
        }
        shown = {
            name: ShownRows(int(count), str(rows_json), [])
            for name, count, rows_json in self._session.execute(_union(names, catalog), params)
        }
        for name in names:
            queries = _shown_queries(name, catalog, by_course=False)
            if queries.hidden is not None and reader.archived:
                hidden = self._hidden_keys(queries.hidden, params)
                count = shown[name].count + len(hidden)
                shown[name] = ShownRows(count, shown[name].rows_json, hidden)
        return shown

    def course_rows(
        self, table: SyncedTable, partition: str, course_id: str, through: int, reader: Reader
    ) -> ShownRows:
        """One course's rows in a partition up to a version (a course newly bought or lost)."""
        queries = _shown_queries(table.name, partition == CATALOG_PARTITION, by_course=True)
        return self._shown(
            queries,
            reader,
            partitions=[partition],
            after=0,
            through=through,
            course=uuid.UUID(course_id),
        )

    def _shown(self, queries: _ShownQueries, reader: Reader, **params: Any) -> ShownRows:
        params |= _reader_params(reader)
        count, rows_json = self._session.execute(queries.rows, params).one()
        hidden_keys: list[str] = []
        if queries.hidden is not None and reader.archived:
            hidden_keys = self._hidden_keys(queries.hidden, params)
        return ShownRows(int(count) + len(hidden_keys), str(rows_json), hidden_keys)

    def _hidden_keys(self, query: Select[*tuple[Any, ...]], params: dict[str, Any]) -> list[str]:
        return [":".join(str(part) for part in key) for key in self._session.execute(query, params)]

    def tombstones_between(self, scope: Scope, after: int, through: int) -> list[SyncTombstone]:
        stmt = select(SyncTombstone).where(
            SyncTombstone.partition.in_(scope.partitions),
            SyncTombstone.version > after,
            SyncTombstone.version <= through,
        )
        # In the order written: children before the rows they hang on.
        return list(self._session.scalars(stmt.order_by(SyncTombstone.version)))


def _reader_params(reader: Reader) -> dict[str, Any]:
    return {
        "entitled": list(reader.entitled),
        "archived": list(reader.archived),
        "unreleased": list(reader.unreleased),
    }


@functools.cache
def _union(names: tuple[str, ...], catalog: bool) -> CompoundSelect[str, int, str]:
    """(table, count, JSON array) for each table, as one statement (built once per shape)."""
    parts = []
    for name in names:
        rows = _shown_queries(name, catalog, by_course=False).rows.subquery()
        parts.append(select(literal(name, String).label("t"), *rows.c))
    return union_all(*parts)


@dataclass(frozen=True)
class _ShownQueries:
    rows: Select[int, str]  # (count, JSON array of the rows shown)
    hidden: Select[*tuple[Any, ...]] | None  # keys of the rows hidden from the reader


@functools.cache
def _shown_queries(table_name: str, catalog: bool, *, by_course: bool) -> _ShownQueries:
    """The rows of a table as a reader sees them (sync_tables.py has the rule), as JSON.

    Built once per shape with bound parameters: constructing the statements anew for every
    table of every page cost as much as PostgreSQL running them."""
    table = BY_NAME[table_name]
    model: Any = table.model
    base = table.select().where(
        model.sync_partition == any_(bindparam("partitions", type_=ARRAY(String))),
        model.sync_version > bindparam("after"),
        model.sync_version <= bindparam("through"),
    )
    if by_course:
        base = base.where(base.selected_columns[COURSE] == bindparam("course"))
    rows = base.subquery("r")
    course = rows.c[COURSE]
    projected = catalog and table.projection is not None
    entitled = course == any_(bindparam("entitled", type_=ARRAY(Uuid)))
    full: ColumnElement[bool] = or_(course.is_(None), rows.c[PREVIEW], entitled)
    # An archived course stays only with its students.
    hidden = (course == any_(bindparam("archived", type_=ARRAY(Uuid)))) & ~entitled
    if LESSON in rows.c:
        # A lesson the reader's cohort has not released: its body and quiz wait for the week.
        held = (rows.c[LESSON] == any_(bindparam("unreleased", type_=ARRAY(Uuid)))) & ~rows.c[
            PREVIEW
        ]
        full = full & ~held
    columns: list[ColumnElement[Any]] = []
    for column in rows.c:
        if column.key in (COURSE, PREVIEW, LESSON):
            continue
        value: ColumnElement[Any] = column
        if isinstance(column.type, DateTime):
            value = func.to_char(func.timezone("UTC", column), _TIMESTAMP_FORMAT)
        if projected and column.key in table.blanked:
            value = case((full, value), else_=literal(""))
        columns.append(value.label(column.key))
    shown = select(*columns).select_from(rows)
    if projected:
        shown = shown.where(~hidden)
        if table.full_only:
            shown = shown.where(full)
    out = shown.subquery("x")
    empty: ColumnElement[Any] = literal_column("'[]'::json")
    as_json = select(
        func.count(), func.coalesce(func.json_agg(out.table_valued()), empty).cast(Text)
    )
    keys = select(*(rows.c[k] for k in table.key)).where(hidden) if projected else None
    return _ShownQueries(as_json, keys)
