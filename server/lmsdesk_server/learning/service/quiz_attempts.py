"""Quiz attempts: append-only, keyed by the client's UUID, graded again by the server."""

from __future__ import annotations

from datetime import timedelta

from lmsdesk.contracts.enums import AttemptStatus
from lmsdesk.contracts.grading import GradableQuestion, grade
from lmsdesk.contracts.sync import CompleteLessonArgs, SubmitQuizAttemptArgs
from lmsdesk_server.analytics.service import progress as enrollment_progress
from lmsdesk_server.db.models import Quiz, QuizAttempt
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.learning.service import progress
from lmsdesk_server.mutation import MutationContext, MutationRejected


def submit(ctx: MutationContext, args: SubmitQuizAttemptArgs) -> dict[str, object]:
    repo = LearningRepository(ctx.session)
    # A student's attempts are numbered and counted one writer at a time: two devices (or a
    # device and a REST call) at once must not both find a last attempt left.
    lock_partition(ctx.session, user_partition(ctx.actor.id))
    existing = repo.attempt(args.attempt_id)
    if existing is not None:
        if existing.student_id != ctx.actor.id:
            raise MutationRejected("That attempt id is taken.")
        return row_dict(existing)  # the same attempt sent again: append-only, nothing to add
    quiz = repo.quiz(args.quiz_id)
    if quiz is None:
        raise MutationRejected("That quiz no longer exists.")
    lesson = progress.learnable_lesson(repo, ctx.actor, quiz.lesson_id)
    _check_times(ctx, quiz, args)
    used = repo.attempt_count(ctx.actor.id, quiz.id)
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise MutationRejected(
            f"You had used all {quiz.max_attempts} attempts at this quiz (on this or another "
            "computer), so this one was not counted.",
            status=409,
            code="attempts_exhausted",
        )
    questions = [
        GradableQuestion(str(q.id), q.question_type, q.correct_answer, q.points)
        for q in repo.questions(quiz.id)
    ]
    result = grade(questions, args.answers, quiz.passing_percent)
    attempt = QuizAttempt(
        id=args.attempt_id,
        student_id=ctx.actor.id,
        quiz_id=quiz.id,
        # Numbered in arrival order: two devices offline may both have made "attempt 2".
        attempt_number=repo.next_attempt_number(ctx.actor.id, quiz.id),
        started_at=args.started_at,
        submitted_at=min(args.submitted_at, ctx.now),
        answers=args.answers,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=result.passed,
        # Essay answers wait for the instructor (the grading inbox); passing waits with them.
        status=AttemptStatus.PENDING_REVIEW if result.pending_review else AttemptStatus.GRADED,
    )
    ctx.session.add(attempt)
    stamp(ctx.session, attempt, user_partition(ctx.actor.id))
    ctx.session.flush()
    enrollment_progress.note(ctx.session, ctx.actor.id, [lesson.id], ctx.now)
    if result.passed:
        # The passing score completes the quiz lesson (in the current reset generation).
        generation = progress.generation_of(ctx, lesson.id)
        progress.complete(
            ctx,
            CompleteLessonArgs(
                lesson_id=lesson.id,
                completed_at=attempt.submitted_at or ctx.now,
                reset_generation=generation,
            ),
        )
    return row_dict(attempt)


#: Two clocks are compared: the student's computer's and the server's. A small difference is a
#: clock, not a cheat (the same allowance as for the hybrid logical clock, DESIGN.md section 5).
CLOCK_ALLOWANCE = timedelta(minutes=5)
#: The time limit is counted from when the quiz was opened to when it was sent off; the minute
#: covers the click and the app's own auto-submit (DESIGN.md section 11.3).
TIME_LIMIT_GRACE = timedelta(seconds=60)


def _check_times(ctx: MutationContext, quiz: Quiz, args: SubmitQuizAttemptArgs) -> None:
    if args.submitted_at < args.started_at:
        raise MutationRejected("The attempt ends before it starts.", status=422, code="bad_times")
    if args.started_at > ctx.now + CLOCK_ALLOWANCE:
        raise MutationRejected(
            "The attempt says it started in the future; check this computer's date and time.",
            status=422,
            code="started_in_future",
        )
    if quiz.time_limit_seconds:
        took = args.submitted_at - args.started_at
        allowed = timedelta(seconds=quiz.time_limit_seconds) + TIME_LIMIT_GRACE
        if took > allowed:
            raise MutationRejected(
                f"The attempt took {_duration(took)}, over the quiz's time limit of "
                f"{_duration(timedelta(seconds=quiz.time_limit_seconds))}, so it was not counted.",
                status=409,
                code="over_time_limit",
            )


def _duration(span: timedelta) -> str:
    minutes, seconds = divmod(int(span.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
