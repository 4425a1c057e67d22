"""Grading: one rule for the sync mutations and `POST /submissions/{id}/grade`,
`POST /attempts/{id}/grade`.

Only the course's instructor grades, within 0..max (or within each rubric criterion's points).
A grade can be given again; given on two devices offline, the one given last by the hybrid
logical clock holds, whatever order they arrive in. The student's row is written in their
partition, so they see the grade at their next sync; a grade at or above the pass mark
completes the lesson for them (completion only grows: a lower grade later does not undo it).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lmsdesk.contracts.assignments import GradeAttemptArgs, GradeSubmissionArgs, rubric_total
from lmsdesk.contracts.enums import (
    AttemptStatus,
    ProgressStatus,
    QuestionType,
    SubmissionStatus,
)
from lmsdesk.contracts.grading import GradableQuestion, grade
from lmsdesk.contracts.ids import progress_id
from lmsdesk_server.analytics.service import progress as enrollment_progress
from lmsdesk_server.certificates import service as certificates
from lmsdesk_server.db.models import Course, Lesson
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.grading.repository import GradingRepository
from lmsdesk_server.learning.repository import progress_rows
from lmsdesk_server.learning.repository.progress_rows import ProgressState
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

_NOT_YOURS = "Only the course's instructor grades its work."


def grade_submission(ctx: MutationContext, args: GradeSubmissionArgs) -> dict[str, object]:
    repo = GradingRepository(ctx.session)
    found = repo.submission(args.submission_id)
    if found is None:
        raise MutationRejected("That submission no longer exists.", status=404, code="not_found")
    # The student's clock before their row: the order their own push takes them in.
    lock_partition(ctx.session, user_partition(found.student_id))
    submission = repo.submission(args.submission_id, lock=True)
    assert submission is not None
    lesson = repo.find(Lesson, submission.lesson_id)
    course = repo.find(Course, submission.course_id)
    if lesson is None or course is None or course.instructor_id != ctx.actor.id:
        raise MutationRejected(_NOT_YOURS)
    max_score = float(lesson.max_score or 0)
    score = _score(args, lesson.rubric or [], max_score)
    if ctx.hlc < submission.grade_hlc:
        raise MutationMerged("A later grade was given on another device.", row_dict(submission))
    submission.status = SubmissionStatus.GRADED
    submission.score = score
    submission.rubric_scores = args.rubric_scores if lesson.rubric else None
    submission.feedback = args.feedback
    submission.graded_at = ctx.now
    submission.graded_by = ctx.actor.id
    submission.grade_hlc = ctx.hlc
    stamp(ctx.session, submission, user_partition(submission.student_id))
    ctx.session.flush()
    if score >= float(lesson.pass_score or 0):
        complete_for(ctx, submission.student_id, lesson.id, ctx.now)
    return row_dict(submission)


def _score(args: GradeSubmissionArgs, rubric: list[dict[str, object]], max_score: float) -> float:
    if args.rubric_scores:
        if not rubric:
            raise MutationRejected(
                "This assignment has no rubric: give a total score.", status=422, code="bad_score"
            )
        total, problem = rubric_total(rubric, dict(args.rubric_scores))
        if problem:
            raise MutationRejected(problem, status=422, code="bad_score")
        if args.score is not None and abs(args.score - total) > 1e-9:
            raise MutationRejected(
                f"The total {args.score:g} is not the sum of the rubric's scores ({total:g}).",
                status=422,
                code="bad_score",
            )
        return total
    assert args.score is not None  # the contract asks for one or the other
    if args.score > max_score:
        raise MutationRejected(
            f"A score is between 0 and {max_score:g}.", status=422, code="bad_score"
        )
    return args.score


def grade_attempt(ctx: MutationContext, args: GradeAttemptArgs) -> dict[str, object]:
    repo = GradingRepository(ctx.session)
    found = repo.attempt(args.attempt_id)
    if found is None:
        raise MutationRejected("That quiz attempt no longer exists.", status=404, code="not_found")
    lock_partition(ctx.session, user_partition(found.student_id))
    attempt = repo.attempt(args.attempt_id, lock=True)
    assert attempt is not None
    quiz, lesson, course = repo.quiz_of_attempt(attempt)
    if course.instructor_id != ctx.actor.id:
        raise MutationRejected(_NOT_YOURS)
    questions = repo.questions(quiz.id)
    essays = {str(q.id): q for q in questions if q.question_type is QuestionType.ESSAY}
    if not essays:
        raise MutationRejected("This attempt has no essay answers to grade.", status=409)
    unknown = sorted(set(args.scores) - set(essays))
    if unknown:
        raise MutationRejected(
            "Only the attempt's essay answers are graded by hand.", status=422, code="bad_score"
        )
    missing = [q for key, q in essays.items() if key not in args.scores]
    if missing:
        raise MutationRejected(
            f"Score every essay answer (question {missing[0].position} has no score).",
            status=422,
            code="bad_score",
        )
    for key, points in args.scores.items():
        if points > essays[key].points:
            raise MutationRejected(
                f"Question {essays[key].position} is worth at most {essays[key].points} points.",
                status=422,
                code="bad_score",
            )
    if ctx.hlc < attempt.grade_hlc:
        raise MutationMerged("A later grade was given on another device.", row_dict(attempt))
    gradable = [
        GradableQuestion(str(q.id), q.question_type, q.correct_answer, q.points) for q in questions
    ]
    result = grade(gradable, attempt.answers or {}, quiz.passing_percent, dict(args.scores))
    attempt.essay_scores = dict(args.scores)
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.percent = result.percent
    attempt.passed = result.passed
    attempt.status = AttemptStatus.GRADED
    attempt.feedback = args.feedback
    attempt.graded_at = ctx.now
    attempt.graded_by = ctx.actor.id
    attempt.grade_hlc = ctx.hlc
    stamp(ctx.session, attempt, user_partition(attempt.student_id))
    ctx.session.flush()
    if result.passed:
        complete_for(ctx, attempt.student_id, lesson.id, ctx.now)
    return row_dict(attempt)


def complete_for(
    ctx: MutationContext, student_id: uuid.UUID, lesson_id: uuid.UUID, at: datetime
) -> None:
    """Complete a lesson for a student by someone else's action (their work graded): their row,
    in their partition, in this reset generation."""
    rows = progress_rows.load_for_update(ctx.session, student_id, [lesson_id])
    row = (
        rows[0]
        if rows
        else ProgressState(
            id=progress_id(student_id, lesson_id), student_id=student_id, lesson_id=lesson_id
        )
    )
    if row.status is ProgressStatus.COMPLETED:
        return
    row.status = ProgressStatus.COMPLETED
    row.completed_at = at
    row.client_updated_at = at
    stamp(ctx.session, row, user_partition(student_id))
    progress_rows.write(ctx.session, [row])
    certificates.note_completion(ctx.session, student_id, [lesson_id])
    # The instructor's grade changes the student's progress, not the student's active days.
    enrollment_progress.note(ctx.session, student_id, [lesson_id], at, by_student=False)
