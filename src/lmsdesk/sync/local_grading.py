"""Assignments and grading on this device, before the server has seen them (see
local_mutations.py): a submission appears at once as "waiting to send"; a grade given offline
shows in the instructor's inbox at once and waits in the outbox.

Every applier sets state, so replaying it after a pulled page gives the same result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import (
    GradeAttemptArgs,
    GradeSubmissionArgs,
    SubmitAssignmentArgs,
)
from lmsdesk.contracts.partitions import user_partition
from lmsdesk.local_db.models.grading import AssignmentSubmission, GradingItem, SubmissionDraft
from lmsdesk.local_db.models.mirror import Lesson
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local


def _submit(ctx: LocalContext, args: SubmitAssignmentArgs) -> None:
    draft = ctx.session.get(SubmissionDraft, args.lesson_id)
    if draft is not None and draft.submission_id in (None, args.submission_id):
        ctx.session.delete(draft)  # handed in: the next piece of work starts empty
    if ctx.session.get(AssignmentSubmission, args.submission_id) is not None:
        return  # the server's copy (or ours) is here already
    lesson = ctx.session.get(Lesson, args.lesson_id)
    earlier = ctx.session.scalar(
        select(func.count()).where(AssignmentSubmission.lesson_id == args.lesson_id)
    )
    due = lesson.due_at if lesson is not None else None
    ctx.session.add(
        AssignmentSubmission(
            id=args.submission_id,
            lesson_id=args.lesson_id,
            course_id=lesson.course_id if lesson is not None else args.lesson_id,
            student_id=ctx.user_id,
            number=int(earlier or 0) + 1,
            text=args.text,
            file_asset_id=args.file_asset_id,
            url=args.url,
            submitted_at=args.submitted_at,
            is_late=due is not None and args.submitted_at > due,
            status="submitted",
            feedback="",
            created_at=ctx.now,
            sync_partition=user_partition(ctx.user_id),
            sync_version=0,
        )
    )


def _graded(ctx: LocalContext, item_id: Any, grade: dict[str, Any], score: float | None) -> None:
    row = ctx.session.get(GradingItem, item_id)
    if row is None:
        return
    row.pending_grade = grade
    row.status = "graded"
    row.item = {**row.item, "status": "graded", "score": score, "feedback": grade["feedback"]}


def _grade_submission(ctx: LocalContext, args: GradeSubmissionArgs) -> None:
    total = sum(args.rubric_scores.values()) if args.rubric_scores else args.score
    _graded(ctx, args.submission_id, args.model_dump(mode="json"), total)


def _grade_attempt(ctx: LocalContext, args: GradeAttemptArgs) -> None:
    row = ctx.session.get(GradingItem, args.attempt_id)
    essays = [dict(e) for e in (row.item.get("essays", []) if row is not None else [])]
    for essay in essays:
        essay["score"] = args.scores.get(essay["question_id"], essay.get("score"))
    if row is not None:
        row.item = {**row.item, "essays": essays}
    _graded(ctx, args.attempt_id, args.model_dump(mode="json"), None)


def _lesson_title(session: Session, lesson_id: Any) -> str:
    lesson = session.get(Lesson, lesson_id)
    return f"'{lesson.title}'" if lesson is not None else "an assignment"


def _item_words(session: Session, item_id: Any) -> str:
    row = session.get(GradingItem, item_id)
    if row is None:
        return "work"
    return f"{row.item.get('student_name', 'a student')}'s {row.item.get('lesson_title', 'work')}"


GRADING_MUTATIONS: list[LocalMutation[Any]] = [
    local(
        m.SUBMIT_ASSIGNMENT,
        _submit,
        lambda s, a: f"Handed in {_lesson_title(s, a.lesson_id)}",
    ),
    local(
        m.GRADE_SUBMISSION,
        _grade_submission,
        lambda s, a: f"Grade for {_item_words(s, a.submission_id)}",
    ),
    local(
        m.GRADE_ATTEMPT,
        _grade_attempt,
        lambda s, a: f"Grade for {_item_words(s, a.attempt_id)}",
    ),
]
