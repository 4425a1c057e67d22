"""What each mutation does to the local mirror, before the server has seen it.

The same function runs when the user acts (together with queueing the mutation) and again after
every pulled page for mutations still pending (a rebase, as Replicache does): pulled rows are the
server's truth, and the local intent is replayed on top until the server has it too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.analytics import RecordViewsArgs
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.contracts.grading import GradableQuestion, grade
from lmsdesk.contracts.ids import progress_id, rating_id
from lmsdesk.contracts.partitions import CATALOG_PARTITION, user_partition
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    ResetProgressArgs,
    SetPositionArgs,
    SetRatingArgs,
    SubmitQuizAttemptArgs,
    WishlistArgs,
)
from lmsdesk.local_db.models.mirror import (
    Course,
    CourseRating,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    WishlistItem,
)
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_admin import ADMIN_MUTATIONS
from lmsdesk.sync.local_community import COMMUNITY_MUTATIONS
from lmsdesk.sync.local_drafts import DRAFT_MUTATIONS
from lmsdesk.sync.local_grading import GRADING_MUTATIONS
from lmsdesk.sync.local_moderation import MODERATION_MUTATIONS
from lmsdesk.sync.local_mutation import (
    LocalContext,
    LocalMutation,
    drop_own_course_row,
    keep_own_course_row,
    local,
)
from lmsdesk.sync.local_revisions import REVISION_MUTATIONS
from lmsdesk.sync.local_schedule import SCHEDULE_MUTATIONS
from lmsdesk.sync.local_storefront import STOREFRONT_MUTATIONS


# ------------------------------------------------------------------------------ descriptions
def _lesson_words(session: Session, lesson_id: uuid.UUID) -> str:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        return "a lesson"
    course = session.get(Course, lesson.course_id)
    return f"'{lesson.title}'" + (f" in '{course.title}'" if course else "")


def _course_words(session: Session, course_id: uuid.UUID) -> str:
    course = session.get(Course, course_id)
    return f"'{course.title}'" if course else "a course"


def _quiz_words(session: Session, quiz_id: uuid.UUID) -> str:
    quiz = session.get(Quiz, quiz_id)
    return _lesson_words(session, quiz.lesson_id) if quiz else "a quiz"


# ------------------------------------------------------------------------------ progress
def _progress(ctx: LocalContext, lesson_id: uuid.UUID) -> LessonProgress:
    row = ctx.session.scalars(
        select(LessonProgress).where(LessonProgress.lesson_id == lesson_id)
    ).one_or_none()
    if row is None:
        row = LessonProgress(
            id=progress_id(ctx.user_id, lesson_id),
            student_id=ctx.user_id,
            lesson_id=lesson_id,
            status=ProgressStatus.NOT_STARTED,
            last_position_seconds=0.0,
            furthest_position_seconds=0.0,
            time_spent_seconds=0.0,
            position_hlc=0,
            reset_generation=0,
            sync_partition=user_partition(ctx.user_id),
            sync_version=0,
        )
        ctx.session.add(row)
    row.client_updated_at = ctx.now
    return row


def _set_position(ctx: LocalContext, args: SetPositionArgs) -> None:
    row = _progress(ctx, args.lesson_id)
    if ctx.hlc >= row.position_hlc:
        row.last_position_seconds = args.position_seconds
        row.position_hlc = ctx.hlc
    if args.reset_generation >= row.reset_generation:
        row.furthest_position_seconds = max(row.furthest_position_seconds, args.furthest)
        if row.status is ProgressStatus.NOT_STARTED:
            row.status = ProgressStatus.IN_PROGRESS


def _complete(ctx: LocalContext, args: CompleteLessonArgs) -> None:
    row = _progress(ctx, args.lesson_id)
    if args.reset_generation >= row.reset_generation and row.status is not ProgressStatus.COMPLETED:
        row.status = ProgressStatus.COMPLETED
        row.completed_at = args.completed_at


def _add_time(ctx: LocalContext, args: AddTimeArgs) -> None:
    row = _progress(ctx, args.lesson_id)
    if args.reset_generation >= row.reset_generation:
        row.time_spent_seconds += args.seconds
        if row.status is ProgressStatus.NOT_STARTED:
            row.status = ProgressStatus.IN_PROGRESS


def _reset(ctx: LocalContext, args: ResetProgressArgs) -> None:
    row = _progress(ctx, args.lesson_id)
    if args.reset_generation != row.reset_generation:
        return
    row.reset_generation += 1
    row.status = ProgressStatus.NOT_STARTED
    row.completed_at = None
    row.furthest_position_seconds = row.time_spent_seconds = 0.0
    if ctx.hlc >= row.position_hlc:
        row.last_position_seconds = 0.0
        row.position_hlc = ctx.hlc


# ------------------------------------------------------------------------------ quizzes
def local_grade(session: Session, quiz_id: uuid.UUID, answers: dict[str, Any]) -> Any:
    quiz = session.get(Quiz, quiz_id)
    questions = session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)).all()
    gradable = [
        GradableQuestion(str(q.id), q.question_type, q.correct_answer, q.points) for q in questions
    ]
    return grade(gradable, answers, quiz.passing_percent if quiz else 100)


def _submit_attempt(ctx: LocalContext, args: SubmitQuizAttemptArgs) -> None:
    if ctx.session.get(QuizAttempt, args.attempt_id) is not None:
        return  # the server's graded copy (or our own) is already here
    result = local_grade(ctx.session, args.quiz_id, args.answers)
    earlier = ctx.session.scalars(
        select(QuizAttempt.attempt_number).where(QuizAttempt.quiz_id == args.quiz_id)
    ).all()
    ctx.session.add(
        QuizAttempt(
            id=args.attempt_id,
            student_id=ctx.user_id,
            quiz_id=args.quiz_id,
            attempt_number=max(earlier, default=0) + 1,
            started_at=args.started_at,
            submitted_at=args.submitted_at,
            answers=args.answers,
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed,
            status="pending_review" if result.pending_review else "graded",
            sync_partition=user_partition(ctx.user_id),
            sync_version=0,
        )
    )
    quiz = ctx.session.get(Quiz, args.quiz_id)
    if result.passed and quiz is not None:
        row = _progress(ctx, quiz.lesson_id)
        _complete(
            ctx,
            CompleteLessonArgs(
                lesson_id=quiz.lesson_id,
                completed_at=ctx.now,
                reset_generation=row.reset_generation,
            ),
        )


# ------------------------------------------------------------------------------ wishlist, ratings
def _wish(ctx: LocalContext, args: WishlistArgs) -> None:
    keep_own_course_row(ctx, WishlistItem, args.course_id)


def _unwish(ctx: LocalContext, args: WishlistArgs) -> None:
    drop_own_course_row(ctx, WishlistItem, args.course_id)


def _rate(ctx: LocalContext, args: SetRatingArgs) -> None:
    rating = ctx.session.scalars(
        select(CourseRating).where(
            CourseRating.course_id == args.course_id, CourseRating.student_id == ctx.user_id
        )
    ).one_or_none()
    if rating is None:
        rating = CourseRating(
            id=rating_id(ctx.user_id, args.course_id),
            course_id=args.course_id,
            student_id=ctx.user_id,
            created_at=ctx.now,
            sync_partition=CATALOG_PARTITION,
            sync_version=0,
        )
        ctx.session.add(rating)
    rating.rating, rating.title, rating.body = args.rating, args.title, args.body
    rating.updated_at = ctx.now


def _record_views(_ctx: LocalContext, _args: RecordViewsArgs) -> None:
    """Nothing shows on this laptop: the views only feed the instructors' reports."""


_ALL: list[LocalMutation[Any]] = [
    local(
        m.SET_POSITION,
        _set_position,
        lambda s, a: f"Position in {_lesson_words(s, a.lesson_id)}",
        lambda a: f"position:{a.lesson_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.COMPLETE_LESSON,
        _complete,
        lambda s, a: f"Completed {_lesson_words(s, a.lesson_id)}",
    ),
    local(
        m.ADD_TIME,
        _add_time,
        lambda s, a: f"Time spent on {_lesson_words(s, a.lesson_id)}",
        lambda a: f"time:{a.lesson_id}:{a.reset_generation}",
        Coalesce.SUM_SECONDS,
    ),
    local(
        m.RESET_PROGRESS,
        _reset,
        lambda s, a: f"Progress reset for {_lesson_words(s, a.lesson_id)}",
    ),
    local(
        m.SUBMIT_ATTEMPT,
        _submit_attempt,
        lambda s, a: f"Quiz answers for {_quiz_words(s, a.quiz_id)}",
    ),
    local(
        m.ADD_TO_WISHLIST,
        _wish,
        lambda s, a: f"Wishlist: added {_course_words(s, a.course_id)}",
    ),
    local(
        m.REMOVE_FROM_WISHLIST,
        _unwish,
        lambda s, a: f"Wishlist: removed {_course_words(s, a.course_id)}",
    ),
    local(
        m.SET_RATING,
        _rate,
        lambda s, a: f"Rating of {_course_words(s, a.course_id)}",
    ),
    *DRAFT_MUTATIONS,
    *MODERATION_MUTATIONS,
    *REVISION_MUTATIONS,
    *ADMIN_MUTATIONS,
    *COMMUNITY_MUTATIONS,
    *GRADING_MUTATIONS,
    *SCHEDULE_MUTATIONS,
    *STOREFRONT_MUTATIONS,
    local(
        m.RECORD_VIEWS,
        _record_views,
        lambda _s, _a: "Course views to report",
        lambda _a: "course-views",
        Coalesce.APPEND,
    ),
]
LOCAL_MUTATIONS: dict[str, LocalMutation[Any]] = {spec.name: spec for spec in _ALL}

__all__ = ["LOCAL_MUTATIONS", "LocalContext", "LocalMutation", "local_grade", "now"]


def now() -> datetime:
    return datetime.now(UTC)
