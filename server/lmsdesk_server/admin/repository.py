"""All SQL of the admin console: users and what they hold, categories, the audit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import (
    AdminAction,
    Category,
    Course,
    Enrollment,
    EnrollmentProgress,
    Order,
    OrderItem,
    User,
    UserRole,
)
from lmsdesk_server.db.repository import Repository


class AdminRepository(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)

    def order_item(self, order_id: uuid.UUID, course_id: uuid.UUID) -> OrderItem | None:
        return self.session.scalar(
            select(OrderItem)
            .where(OrderItem.order_id == order_id, OrderItem.course_id == course_id)
            .with_for_update()
        )

    def item_refund_asked(self, order_id: uuid.UUID, course_id: uuid.UUID) -> datetime | None:
        """When a refund of this course of the order was asked of the provider, if it was (its
        effect waits for the provider's event)."""
        return self.session.scalar(
            select(AdminAction.created_at).where(
                AdminAction.action == "order.refund",
                AdminAction.target_id == str(order_id),
                AdminAction.details["course_id"].astext == str(course_id),
            )
        )

    # ------------------------------------------------------------------ users
    def users(
        self, *, q: str | None, role: Role | None, offset: int, limit: int
    ) -> tuple[Sequence[User], int]:
        stmt = select(User)
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(func.lower(User.email).like(like), func.lower(User.full_name).like(like))
            )
        if role is not None:
            stmt = stmt.where(
                select(UserRole.user_id)
                .where(UserRole.user_id == User.id, UserRole.role == role)
                .exists()
            )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.scalars(
            stmt.order_by(User.created_at.desc(), User.id).offset(offset).limit(limit)
        ).all()
        return rows, total

    def roles_by_user(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Role]]:
        found: dict[uuid.UUID, list[Role]] = {user_id: [] for user_id in user_ids}
        for user_id, role in self.session.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(user_ids))
        ):
            found[user_id].append(role)
        return {user_id: sorted(roles) for user_id, roles in found.items()}

    def set_roles(self, user_id: uuid.UUID, roles: set[Role]) -> None:
        self.session.execute(delete(UserRole).where(UserRole.user_id == user_id))
        self.session.add_all(UserRole(user_id=user_id, role=role) for role in sorted(roles))
        self.session.flush()

    def lock_admin_roster(self) -> None:
        """Serialise every change that could leave no admin: two admins demoting each other at
        the same moment must not both succeed."""
        self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended("admin-roster", 0)))
        )

    def active_admins(self, *, besides: uuid.UUID) -> int:
        stmt = (
            select(func.count())
            .select_from(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN, User.is_active.is_(True), User.id != besides)
        )
        return int(self.session.scalar(stmt) or 0)

    def orders_of(self, user_id: uuid.UUID) -> Sequence[tuple[Order, str]]:
        stmt = (
            select(Order, Course.title)
            .join(Course, Course.id == Order.course_id)
            .where(Order.student_id == user_id)
            .order_by(Order.created_at.desc())
            .limit(200)
        )
        return [(order, title) for order, title in self.session.execute(stmt)]

    def enrollments_of(
        self, user_id: uuid.UUID
    ) -> Sequence[tuple[Enrollment, str, EnrollmentProgress | None]]:
        stmt = (
            select(Enrollment, Course.title, EnrollmentProgress)
            .join(Course, Course.id == Enrollment.course_id)
            .outerjoin(EnrollmentProgress, EnrollmentProgress.enrollment_id == Enrollment.id)
            .where(Enrollment.student_id == user_id)
            .order_by(Enrollment.enrolled_at.desc())
            .limit(500)
        )
        return [(row, title, kept) for row, title, kept in self.session.execute(stmt)]

    def enrollment(
        self, user_id: uuid.UUID, course_id: uuid.UUID, *, lock: bool = False
    ) -> Enrollment | None:
        stmt = select(Enrollment).where(
            Enrollment.student_id == user_id, Enrollment.course_id == course_id
        )
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).one_or_none()

    # ------------------------------------------------------------------ categories
    def categories(self) -> Sequence[tuple[Category, int]]:
        counts = (
            select(func.count())
            .select_from(Course)
            .where(Course.category_id == Category.id, Course.deleted_at.is_(None))
            .scalar_subquery()
        )
        stmt = select(Category, counts).order_by(
            Category.parent_id.nulls_first(), Category.position, Category.name
        )
        return [(row, int(count or 0)) for row, count in self.session.execute(stmt)]

    def courses_in(self, category_id: uuid.UUID) -> int:
        stmt = (
            select(func.count())
            .select_from(Course)
            .where(Course.category_id == category_id, Course.deleted_at.is_(None))
        )
        return int(self.session.scalar(stmt) or 0)

    def children_of(self, category_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(Category).where(Category.parent_id == category_id)
        return int(self.session.scalar(stmt) or 0)

    def next_position(self, parent_id: uuid.UUID | None) -> int:
        stmt = select(func.max(Category.position)).where(
            Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
        )
        current = self.session.scalar(stmt)
        return 0 if current is None else int(current) + 1

    def lock_category_tree(self) -> None:
        """One change to the tree at a time: a move checked for cycles stays valid."""
        self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended("category-tree", 0)))
        )

    # ------------------------------------------------------------------ audit
    def record(self, entry: AdminAction) -> AdminAction:
        self.session.add(entry)
        self.session.flush()
        return entry

    def audit(
        self, *, actor: uuid.UUID | None, action: str | None, offset: int, limit: int
    ) -> tuple[Sequence[tuple[AdminAction, str]], int]:
        stmt = select(AdminAction, User.email).join(User, User.id == AdminAction.actor_id)
        if actor is not None:
            stmt = stmt.where(AdminAction.actor_id == actor)
        if action:
            stmt = stmt.where(
                or_(
                    AdminAction.action == action,
                    cast(AdminAction.action, String).like(f"{action}.%"),
                )
            )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.execute(
            stmt.order_by(AdminAction.created_at.desc(), AdminAction.id).offset(offset).limit(limit)
        ).all()
        return [(row, email) for row, email in rows], int(total)
