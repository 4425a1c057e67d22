"""Quiz attempts: append-only, keyed by the client's UUID, graded again by the server."""

from __future__ import annotations

from lmsdesk.contracts.grading import GradableQuestion, grade
from lmsdesk.contracts.sync import CompleteLessonArgs, SubmitQuizAttemptArgs
from lmsdesk_server.db.models import QuizAttempt
from lmsdesk_server.repositories.learning import LearningRepository
from lmsdesk_server.repositories.partitions import stamp, user_partition
from lmsdesk_server.services import progress
from lmsdesk_server.services.mutation_base import MutationContext, MutationRejected
from lmsdesk_server.services.serialize import row_dict


def submit(ctx: MutationContext, args: SubmitQuizAttemptArgs) -> dict[str, object]:
    repo = LearningRepository(ctx.session)
    existing = repo.attempt(args.attempt_id)
    if existing is not None:
        if existing.student_id != ctx.actor.id:
            raise MutationRejected("That attempt id is taken.")
        return row_dict(existing)  # the same attempt sent again: append-only, nothing to add
    quiz = repo.quiz(args.quiz_id)
    if quiz is None:
        raise MutationRejected("That quiz no longer exists.")
    lesson = progress.learnable_lesson(repo, ctx.actor, quiz.lesson_id)
    if args.submitted_at < args.started_at:
        raise MutationRejected("The attempt ends before it starts.")
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
    )
    ctx.session.add(attempt)
    stamp(ctx.session, attempt, user_partition(ctx.actor.id))
    ctx.session.flush()
    if result.passed:
        # The passing score completes the quiz lesson (in the current reset generation).
        generation = progress.generation_of(ctx, lesson.id)
        progress.complete(
            ctx,
            CompleteLessonArgs(
                lesson_id=lesson.id, completed_at=attempt.submitted_at or ctx.now,
                reset_generation=generation,
            ),
        )  # fmt: skip
    return row_dict(attempt)
