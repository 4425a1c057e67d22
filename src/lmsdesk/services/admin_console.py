"""The admin console from the app (DESIGN.md 11.1).

Users, their orders and the audit live on the server only (nobody's laptop holds every
account): reading them needs the connection. Decisions (roles, suspensions, grants, refunds,
categories, archiving) are sync mutations queued like moderation decisions: made offline,
they go out at the next sync, and a refused one comes back with the server's reason.
Categories and course states are in the mirror, so those show at once.

Blocking: call on a background lane.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import func, select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.admin import (
    AdminUserDetail,
    AdminUsersPage,
    AuditPage,
    CategoryArgs,
    CategoryOp,
    CourseStateArgs,
    GrantArgs,
    RefundArgs,
    SetUserArgs,
)
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.mutations import Args, MutationType
from lmsdesk.contracts.schedule import CreateProgramArgs
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.mirror import Category, Course
from lmsdesk.local_db.models.schedule import Program
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable

T = TypeVar("T")
_NAMES = {t.name for t in m.CATALOGUE if t.name.startswith("admin.")}


class AdminProblem(UserFacingError):
    pass


@dataclass(frozen=True)
class CategoryRow:
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    courses: int


@dataclass(frozen=True)
class CourseRow:
    id: uuid.UUID
    title: str
    instructor: str
    archived: bool


@dataclass(frozen=True)
class ProgramRow:
    id: uuid.UUID
    title: str
    courses: tuple[str, ...]  # titles, in the program's order


@dataclass(frozen=True)
class Decision:
    """An admin decision on this computer: waiting to go out, or refused with the reason."""

    seq: int
    description: str
    refused: str | None


class AdminConsole:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    # ------------------------------------------------------------------ online reads
    def users(self, query: str = "", role: Role | None = None) -> AdminUsersPage:
        return self._online(lambda api, token: api.admin_users(token, q=query.strip(), role=role))

    def user(self, user_id: uuid.UUID) -> AdminUserDetail:
        return self._online(lambda api, token: api.admin_user(token, user_id))

    def audit(self, action: str = "") -> AuditPage:
        return self._online(lambda api, token: api.admin_audit(token, action=action))

    # ------------------------------------------------------------------ the mirror
    def categories(self) -> list[CategoryRow]:
        counts = (
            select(func.count())
            .select_from(Course)
            .where(Course.category_id == Category.id)
            .scalar_subquery()
        )
        with self._session.require_store().reading() as session:
            rows = session.execute(
                select(Category, counts).order_by(Category.position, Category.name)
            ).all()
            return [CategoryRow(c.id, c.name, c.parent_id, int(n or 0)) for c, n in rows]

    def courses(self) -> list[CourseRow]:
        shown = (CourseStatus.APPROVED, CourseStatus.ARCHIVED)
        with self._session.require_store().reading() as session:
            rows = session.scalars(
                select(Course).where(Course.status.in_(shown)).order_by(Course.title)
            ).all()
            return [
                CourseRow(c.id, c.title, c.instructor_name, c.status is CourseStatus.ARCHIVED)
                for c in rows
            ]

    def programs(self) -> list[ProgramRow]:
        with self._session.require_store().reading() as session:
            titles = {row[0]: row[1] for row in session.execute(select(Course.id, Course.title))}
            return [
                ProgramRow(
                    p.id, p.title, tuple(titles.get(uuid.UUID(c), "a course") for c in p.course_ids)
                )
                for p in session.scalars(select(Program).order_by(Program.title))
            ]

    def create_program(self, title: str, course_ids: list[uuid.UUID]) -> int:
        """A program of published courses (two or more); completing them all earns a program
        certificate. Queued: it reaches the server at the next sync."""
        if len(set(course_ids)) < 2:
            raise AdminProblem("A program holds at least two courses: select them first.")
        try:
            args = CreateProgramArgs(program_id=uuid.uuid4(), title=title, course_ids=course_ids)
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise AdminProblem(f"The program's title: {reason}.") from None
        return self._session.require_engine().record(m.CREATE_PROGRAM, args)

    def decisions(self) -> list[Decision]:
        with self._session.require_store().reading() as session:
            waiting = [q for q in outbox.pending(session) if q.name in _NAMES]
            refused = [q for q in outbox.failed(session) if q.name in _NAMES]
        return [Decision(q.seq, q.description, None) for q in waiting] + [
            Decision(q.seq, q.description, q.last_error or "Refused.") for q in refused
        ]

    def dismiss(self, seq: int) -> None:
        with self._session.require_store().transaction() as session:
            if not outbox.withdraw(session, seq):
                outbox.discard_failed(session, [seq])

    # ------------------------------------------------------------------ decisions
    def set_roles(self, user_id: uuid.UUID, roles: set[Role]) -> int:
        if not roles:
            raise AdminProblem("A user keeps at least one role.")
        return self._decide(
            m.ADMIN_SET_USER, SetUserArgs, user_id=user_id, roles=sorted(roles), reason=""
        )

    def set_active(self, user_id: uuid.UUID, active: bool, reason: str) -> int:
        return self._decide(
            m.ADMIN_SET_USER, SetUserArgs, user_id=user_id, is_active=active, reason=reason
        )

    def grant(self, user_id: uuid.UUID, course_id: uuid.UUID, reason: str) -> int:
        return self._decide(
            m.ADMIN_GRANT, GrantArgs, user_id=user_id, course_id=course_id, reason=reason
        )

    def refund(self, order_id: uuid.UUID, amount_cents: int | None, reason: str) -> int:
        return self._decide(
            m.ADMIN_REFUND,
            RefundArgs,
            order_id=order_id,
            amount_cents=amount_cents,
            reason=reason,
        )

    def add_category(self, name: str, parent_id: uuid.UUID | None) -> int:
        return self._decide(
            m.ADMIN_CATEGORY,
            CategoryArgs,
            op=CategoryOp.CREATE,
            category_id=uuid.uuid4(),
            name=name,
            parent_id=parent_id,
        )

    def change_category(
        self,
        category_id: uuid.UUID,
        *,
        name: str | None = None,
        parent: uuid.UUID | None = None,
        to_top: bool = False,
    ) -> int:
        if parent is not None and self._within(parent, category_id):
            raise AdminProblem("A category cannot move under itself or its own subcategories.")
        return self._decide(
            m.ADMIN_CATEGORY,
            CategoryArgs,
            op=CategoryOp.CHANGE,
            category_id=category_id,
            name=name or None,
            parent_id=parent,
            move_to_top=to_top,
        )

    def delete_category(self, category_id: uuid.UUID) -> int:
        rows = {row.id: row for row in self.categories()}
        row = rows.get(category_id)
        if row is None:
            raise AdminProblem("This category is gone already.")
        children = sum(1 for r in rows.values() if r.parent_id == category_id)
        if row.courses or children:
            raise AdminProblem(
                f"“{row.name}” still holds courses or subcategories: move them first."
            )
        return self._decide(
            m.ADMIN_CATEGORY, CategoryArgs, op=CategoryOp.DELETE, category_id=category_id
        )

    def set_archived(self, course_id: uuid.UUID, archived: bool, reason: str = "") -> int:
        return self._decide(
            m.ADMIN_COURSE_STATE,
            CourseStateArgs,
            course_id=course_id,
            archive=archived,
            reason=reason,
        )

    # ------------------------------------------------------------------ helpers
    def _within(self, candidate: uuid.UUID, ancestor: uuid.UUID) -> bool:
        parents = {row.id: row.parent_id for row in self.categories()}
        current: uuid.UUID | None = candidate
        seen: set[uuid.UUID] = set()
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    def _decide(self, mutation: MutationType[Args], model: type[Args], **fields: Any) -> int:
        try:
            args = model.model_validate({"action_id": uuid.uuid4(), **fields})
        except ValidationError as exc:
            error = exc.errors()[0]
            if error["loc"] and error["loc"][0] == "reason":
                raise AdminProblem("Say why, in a few words: the audit keeps it.") from None
            where = ".".join(str(p) for p in error["loc"])
            reason = str(error["msg"]).removeprefix("Value error, ")
            raise AdminProblem(f"{where or 'This'}: {reason}.") from None
        return self._session.require_engine().record(mutation, args)

    def _online(self, request: Callable[[ApiClient, str], T]) -> T:
        try:
            return self._session.api_call(request)
        except ServerUnreachable as exc:
            raise AdminProblem(
                "Users, orders and the audit are on the server: connect to see them. "
                "Decisions you make offline wait and go out at the next sync."
            ) from exc
        except ApiRejected as exc:
            raise AdminProblem(exc.message) from exc
