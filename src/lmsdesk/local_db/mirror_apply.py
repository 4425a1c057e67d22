"""Apply a pulled page to the mirror tables: upserts by primary key, one executemany per table.

Rows arrive as the server's JSON (column -> value); columns the mirror lacks are ignored, so the
server may add columns without breaking older clients. A tombstone deletes a row only if the
local copy still belongs to the tombstone's partition: a row that moved (a draft published into
the catalog) is not deleted by the old partition's tombstone, whatever order they arrive in.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Table, Uuid
from sqlalchemy.orm import Session

from lmsdesk.local_db.models import LocalBase

Converter = Callable[[Any], Any]

# Content tables of one course and how their rows find the course (for a revoked course).
_COURSE_SCOPED = {  # children first: they find their course through lessons and quizzes
    "quiz_questions": "quiz_id IN (SELECT q.id FROM quizzes q JOIN lessons l ON l.id = q.lesson_id"
    " WHERE l.course_id = :course)",
    "quizzes": "lesson_id IN (SELECT id FROM lessons WHERE course_id = :course)",
    "lesson_resources": "lesson_id IN (SELECT id FROM lessons WHERE course_id = :course)",
    "lesson_prerequisites": "lesson_id IN (SELECT id FROM lessons WHERE course_id = :course)",
    "lessons": "course_id = :course",
    # A cohort's join links are for the course's students: sent again, without them.
    "cohort_weeks": "cohort_id IN (SELECT id FROM cohorts WHERE course_id = :course)",
    "cohorts": "course_id = :course",
    "course_sections": "course_id = :course",
    "course_tag_map": "course_id = :course",
    "courses": "id = :course",
}


def _uuid_hex(value: Any) -> Any:
    # SQLAlchemy stores UUIDs in SQLite as 32 hex digits.
    return value.replace("-", "") if isinstance(value, str) else value


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value)


def _converter(column: Column[Any]) -> Converter | None:
    if isinstance(column.type, Uuid):
        return _uuid_hex
    if isinstance(column.type, JSON):
        return _json
    return None


@dataclass(frozen=True)
class _TablePlan:
    table: Table
    columns: list[str]
    converters: list[Converter | None]
    defaults: list[Any]
    key: list[str]
    key_converters: list[Converter | None]
    upsert_sql: str
    delete_sql: str

    @functools.cached_property
    def spec(self) -> list[tuple[str, Converter | None, Any]]:
        return list(zip(self.columns, self.converters, self.defaults, strict=True))

    @functools.cached_property
    def values(self) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
        """A row's values in column order: the innermost loop of a pull, one call per row of
        100,000. Written out once per table, column by column (as `dataclasses` writes an
        `__init__`), so a row costs no loop and no function call per column; the names come
        from this client's own models, never from the server."""
        env: dict[str, Any] = {"_json": _json}
        parts = []
        for index, (name, convert, default) in enumerate(self.spec):
            env[f"d{index}"] = default
            got = f"get({name!r}, d{index})"
            if convert is _uuid_hex:
                parts.append(f"(v.replace('-', '') if (v := {got}).__class__ is str else v)")
            elif convert is not None:
                env[f"c{index}"] = convert
                parts.append(f"c{index}({got})")
            else:
                parts.append(got)
        source = f"def values(row):\n    get = row.get\n    return ({', '.join(parts)},)\n"
        exec(source, env)  # generated from the column list above
        return env["values"]  # type: ignore[no-any-return]

    def key_values(self, row_id: str) -> tuple[Any, ...]:
        parts = row_id.split(":")
        return tuple(
            convert(part) if convert is not None else part
            for part, convert in zip(parts, self.key_converters, strict=True)
        )


def _plan(table: Table) -> _TablePlan:
    columns = [c.name for c in table.columns]
    key = [c.name for c in table.primary_key.columns]
    defaults = []
    for column in table.columns:
        default = column.default
        defaults.append(default.arg if default is not None and default.is_scalar else None)  # type: ignore[attr-defined]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    placeholders = ", ".join("?" for _ in columns)
    return _TablePlan(
        table=table,
        columns=columns,
        converters=[_converter(c) for c in table.columns],
        defaults=defaults,
        key=key,
        key_converters=[_converter(table.c[k]) for k in key],
        upsert_sql=(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        ),
        delete_sql=(
            f"DELETE FROM {table.name} WHERE "
            + " AND ".join(f"{k} = ?" for k in key)
            + " AND sync_partition = ?"
        ),
    )


MIRRORED: dict[str, _TablePlan] = {
    name: _plan(table)
    for name, table in LocalBase.metadata.tables.items()
    if "sync_version" in table.c
}


#: Rows per executemany. Between two, the window's thread can take the interpreter: one
#: executemany of a 10,000-row page held it for tens of milliseconds (a stalled window).
UPSERT_CHUNK = 500


def upsert_rows(session: Session, changes: dict[str, list[dict[str, Any]]]) -> int:
    applied = 0
    connection = session.connection()
    for table_name, rows in changes.items():
        plan = MIRRORED.get(table_name)
        if plan is None or not rows:
            continue  # a table this client version does not mirror
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            connection.exec_driver_sql(plan.upsert_sql, [plan.values(row) for row in chunk])
        applied += len(rows)
    return applied


def delete_rows(session: Session, tombstones: Iterable[tuple[str, str, str]]) -> None:
    connection = session.connection()
    for table_name, row_id, partition in tombstones:
        plan = MIRRORED.get(table_name)
        if plan is not None:
            connection.exec_driver_sql(plan.delete_sql, (*plan.key_values(row_id), partition))


def drop_partition(session: Session, partition: str) -> None:
    """Forget everything of a partition (revoked, or reset before it is sent again)."""
    connection = session.connection()
    for plan in MIRRORED.values():
        connection.exec_driver_sql(
            f"DELETE FROM {plan.table.name} WHERE sync_partition = ?", (partition,)
        )


def drop_course_content(session: Session, course_id: str) -> None:
    """A course no longer owned in full: its content goes; progress and attempts stay."""
    connection = session.connection()
    course = _uuid_hex(course_id)
    for table_name, where in _COURSE_SCOPED.items():
        connection.exec_driver_sql(
            f"DELETE FROM {table_name} WHERE {where.replace(':course', '?')}",
            (course,) * where.count(":course"),
        )
