"""Archiving a course: it leaves the catalog (no new students) and stays with those enrolled;
restoring puts it back. Both are moves in the course's state machine (approved <-> archived),
stamped into the catalog partition so every client hears of it at its next sync."""

from __future__ import annotations

from lmsdesk.contracts.admin import CourseStateArgs
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.authoring.service.states import move_course
from lmsdesk_server.db.models import Course
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected


def set_state(ctx: MutationContext, args: CourseStateArgs) -> dict[str, object]:
    require_admin(ctx.actor)
    repo = AdminRepository(ctx.session)
    course = repo.get_or_refuse(
        Course, args.course_id, "No such course.", lock=True, status=404, code="not_found"
    )
    target = CourseStatus.ARCHIVED if args.archive else CourseStatus.APPROVED
    if course.status is target:
        raise MutationMerged(
            f"“{course.title}” is {'archived' if args.archive else 'published'} already.",
            row_dict(course),
        )
    wanted_from = CourseStatus.APPROVED if args.archive else CourseStatus.ARCHIVED
    if course.status is not wanted_from:
        raise MutationRejected(
            f"Only a published course can be archived, and only an archived one restored; "
            f"“{course.title}” is {course.status.value}.",
            status=409,
            code="wrong_state",
        )
    if args.archive and len(args.reason) < 3:
        raise MutationRejected(
            "Say why the course is archived (its instructor reads it).",
            status=422,
            code="reason_missing",
        )
    move_course(course, target, now=ctx.now)
    stamp(ctx.session, course, CATALOG_PARTITION)
    ctx.session.flush()
    record(
        ctx,
        action="course.archive" if args.archive else "course.restore",
        target_kind="course",
        target_id=course.id,
        summary=f"{'Archived' if args.archive else 'Restored'} “{course.title}”",
        reason=args.reason,
    )
    return row_dict(course)
