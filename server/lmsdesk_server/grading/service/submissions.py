"""Handing in an assignment: one rule for the sync mutation and its REST door
(`POST /assignments/{id}/submissions`).

A submission is the student's own row (their partition), keyed by the id their device chose:
sent again it is the same submission. Submissions of one student are checked and numbered one
writer at a time (their partition's clock is held), so two devices handing in at once when the
assignment takes one submission count once.
"""

from __future__ import annotations

from datetime import datetime

from lmsdesk.contracts.assignments import KIND_WORDS, SubmitAssignmentArgs, takes_words
from lmsdesk.contracts.enums import (
    EnrollmentStatus,
    LessonType,
    MediaStatus,
    SubmissionKind,
    SubmissionStatus,
)
from lmsdesk_server.db.models import AssignmentSubmission, Lesson, MediaAsset
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.grading.repository import GradingRepository
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.schedule.service import gates


def submit(ctx: MutationContext, args: SubmitAssignmentArgs) -> dict[str, object]:
    repo = GradingRepository(ctx.session)
    lock_partition(ctx.session, user_partition(ctx.actor.id))
    existing = repo.submission(args.submission_id)
    if existing is not None:
        if existing.student_id != ctx.actor.id:
            raise MutationRejected("That submission id is taken.", status=409)
        raise MutationMerged("This work was handed in already.", row_dict(existing))
    lesson = repo.find(Lesson, args.lesson_id)
    if lesson is None:
        raise MutationRejected("That assignment no longer exists.", status=404, code="not_found")
    if lesson.lesson_type is not LessonType.ASSIGNMENT:
        raise MutationRejected(
            "That lesson is not an assignment.", status=422, code="not_assignment"
        )
    _check_enrolled(repo, ctx, lesson)
    gates.refuse_if_closed(ctx.session, ctx.actor.id, lesson, ctx.now)
    _check_kinds(lesson, args)
    if args.file_asset_id is not None:
        _check_file(repo, ctx, args)
    submitted_at = min(args.submitted_at, ctx.now)
    # A cohort's week may set its own due time for the student's cohort.
    due = gates.due_at(ctx.session, ctx.actor.id, lesson)
    late = due is not None and submitted_at > due
    if late and not lesson.accept_late:
        raise MutationRejected(
            f"This assignment was due {_when(due)} and does not take late work; "
            "what you wrote is kept on your computer.",
            status=409,
            code="past_due",
        )
    earlier = repo.submission_count(ctx.actor.id, lesson.id)
    if earlier and not lesson.allow_resubmission:
        raise MutationRejected(
            "You have handed this assignment in already (on this or another computer), and it "
            "takes one submission.",
            status=409,
            code="already_submitted",
        )
    submission = AssignmentSubmission(
        id=args.submission_id,
        lesson_id=lesson.id,
        course_id=lesson.course_id,
        student_id=ctx.actor.id,
        number=earlier + 1,
        text=args.text if (args.text or "").strip() else None,
        file_asset_id=args.file_asset_id,
        url=args.url,
        submitted_at=submitted_at,
        is_late=late,
        status=SubmissionStatus.SUBMITTED,
        feedback="",
        created_at=ctx.now,
    )
    ctx.session.add(submission)
    stamp(ctx.session, submission, user_partition(ctx.actor.id))
    ctx.session.flush()
    return row_dict(submission)


def _check_enrolled(repo: GradingRepository, ctx: MutationContext, lesson: Lesson) -> None:
    status = repo.enrollment_status(ctx.actor.id, lesson.course_id)
    if status is EnrollmentStatus.ACTIVE:
        return
    if status in (EnrollmentStatus.REFUNDED, EnrollmentStatus.REVOKED):
        raise MutationRejected(
            "Your enrollment in this course has ended, so new work is not taken; what you "
            "handed in before is kept.",
            code="not_enrolled",
        )
    raise MutationRejected(
        "Only students enrolled in this course hand in its assignments.", code="not_enrolled"
    )


def _check_kinds(lesson: Lesson, args: SubmitAssignmentArgs) -> None:
    accepted = {SubmissionKind(k) for k in lesson.submission_kinds or []}
    extra = args.kinds() - accepted
    if extra:
        takes = takes_words(accepted)
        raise MutationRejected(
            f"This assignment takes {takes}, not {KIND_WORDS[sorted(extra)[0]]}.",
            status=422,
            code="kind_not_accepted",
        )


def _check_file(repo: GradingRepository, ctx: MutationContext, args: SubmitAssignmentArgs) -> None:
    asset = repo.find(MediaAsset, args.file_asset_id)
    if asset is None or asset.owner_id != ctx.actor.id:
        raise MutationRejected("That file is not one you uploaded.", status=422, code="bad_file")
    if asset.status is not MediaStatus.READY:
        # The uploader checked its bytes against its type when the last chunk arrived: only a
        # ready file passed that check.
        raise MutationRejected(
            "The file has not finished uploading (or was refused); send it again.",
            status=409,
            code="file_not_ready",
        )


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""
