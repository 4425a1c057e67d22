"""The admin console's mutations on this device, queued offline like moderation decisions.

Categories and course states are in the mirror (the catalog partition), so a change to them
shows at once, and the pull corrects it if the server refuses. Users, grants and refunds are
not mirrored: those decisions wait in the queue, listed in words, until the server answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.admin import (
    CategoryArgs,
    CategoryOp,
    CourseStateArgs,
    GrantArgs,
    RefundArgs,
    SetUserArgs,
)
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.slugs import slug_of
from lmsdesk.local_db.models.mirror import Category, Course
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local

CATALOG_PARTITION = "catalog"


def _server_decides(_ctx: LocalContext, _args: Any) -> None:
    """Not in the mirror: the server applies it and says so in the mutation's result."""


def _category(ctx: LocalContext, args: CategoryArgs) -> None:
    session = ctx.session
    row = session.get(Category, args.category_id)
    if args.op is CategoryOp.CREATE and row is None and args.name:
        siblings = session.scalars(
            select(Category.position).where(Category.parent_id == args.parent_id)
        ).all()
        session.add(
            Category(
                id=args.category_id,
                parent_id=args.parent_id,
                name=args.name,
                slug=slug_of(args.name, args.category_id, fallback="category"),
                position=max(siblings, default=-1) + 1,
                sync_partition=CATALOG_PARTITION,
                sync_version=0,
            )
        )
    elif args.op is CategoryOp.CHANGE and row is not None:
        if args.name:
            row.name = args.name
        if args.move_to_top:
            row.parent_id = None
        elif args.parent_id is not None:
            row.parent_id = args.parent_id
    elif args.op is CategoryOp.DELETE and row is not None:
        session.delete(row)


def _course_state(ctx: LocalContext, args: CourseStateArgs) -> None:
    course = ctx.session.get(Course, args.course_id)
    if course is None:
        return
    if args.archive and course.status is CourseStatus.APPROVED:
        course.status = CourseStatus.ARCHIVED
    elif not args.archive and course.status is CourseStatus.ARCHIVED:
        course.status = CourseStatus.APPROVED


def _course_words(session: Session, course_id: Any) -> str:
    course = session.get(Course, course_id)
    return f"“{course.title}”" if course is not None else "a course"


def _category_words(session: Session, args: CategoryArgs) -> str:
    row = session.get(Category, args.category_id)
    name = args.name or (row.name if row is not None else "a category")
    return {
        CategoryOp.CREATE: f"New category “{name}”",
        CategoryOp.CHANGE: f"Change category “{name}”",
        CategoryOp.DELETE: f"Delete category “{name}”",
    }[args.op]


def _user_words(_session: Session, args: SetUserArgs) -> str:
    if args.is_active is False:
        return "Suspend a user"
    if args.is_active is True and args.roles is None:
        return "Reactivate a user"
    return "Change a user's roles"


ADMIN_MUTATIONS: list[LocalMutation[Any]] = [
    local(m.ADMIN_SET_USER, _server_decides, _user_words),
    local(
        m.ADMIN_GRANT,
        _server_decides,
        lambda s, a: f"Grant {_course_words(s, a.course_id)} to a student",
    ),
    local(m.ADMIN_REFUND, _server_decides, lambda _s, _a: "Refund an order"),
    local(m.ADMIN_CATEGORY, _category, _category_words),
    local(
        m.ADMIN_COURSE_STATE,
        _course_state,
        lambda s, a: f"{'Archive' if a.archive else 'Restore'} {_course_words(s, a.course_id)}",
        lambda a: f"course_state:{a.course_id}",
        Coalesce.REPLACE,
    ),
]

__all__ = ["ADMIN_MUTATIONS", "GrantArgs", "RefundArgs"]
