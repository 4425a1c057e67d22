"""Granting a course to a student without payment (a scholarship, a support case): an
enrollment with source `admin_grant`, received by the student at their next sync."""

from __future__ import annotations

from lmsdesk.contracts.admin import GrantArgs
from lmsdesk.contracts.enums import CourseStatus, EnrollmentSource
from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.commerce.service.states import move_enrollment
from lmsdesk_server.db.models import Course, Enrollment, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationRejected


def grant(ctx: MutationContext, args: GrantArgs) -> dict[str, object]:
    require_admin(ctx.actor)
    repo = AdminRepository(ctx.session)
    student = repo.get_or_refuse(User, args.user_id, "No such user.", status=404, code="not_found")
    course = repo.get_or_refuse(
        Course, args.course_id, "No such course.", status=404, code="not_found"
    )
    if course.status not in (CourseStatus.APPROVED, CourseStatus.ARCHIVED):
        raise MutationRejected(
            f"“{course.title}” is not published: only a published course can be granted.",
            status=409,
            code="not_published",
        )
    enrollment = repo.enrollment(student.id, course.id, lock=True)
    if enrollment is not None and enrollment.status is E.SUSPENDED:
        raise MutationRejected(
            "This enrollment is suspended by a payment dispute; it returns when the dispute "
            "closes in the student's favour.",
            status=409,
            code="enrollment_suspended",
        )
    if enrollment is not None and enrollment.status is E.ACTIVE:
        raise MutationRejected(
            f"{student.email} is enrolled in “{course.title}” already.",
            status=409,
            code="already_enrolled",
        )
    if enrollment is None:
        enrollment = Enrollment(
            id=args.action_id,
            student_id=student.id,
            course_id=course.id,
            status=E.ACTIVE,
            source=EnrollmentSource.ADMIN_GRANT,
            price_paid_cents=0,
            currency=course.currency,
            enrolled_at=ctx.now,
        )
        ctx.session.add(enrollment)
    else:  # refunded or revoked before: the grant gives access again
        enrollment.source, enrollment.order_id = EnrollmentSource.ADMIN_GRANT, None
        move_enrollment(enrollment, E.ACTIVE, now=ctx.now)
    stamp(ctx.session, enrollment, user_partition(student.id))
    ctx.session.flush()
    record(
        ctx,
        action="enrollment.grant",
        target_kind="user",
        target_id=student.id,
        summary=f"Granted “{course.title}” to {student.email}",
        reason=args.reason,
        details={"course_id": str(course.id), "enrollment_id": str(enrollment.id)},
    )
    return row_dict(enrollment)
