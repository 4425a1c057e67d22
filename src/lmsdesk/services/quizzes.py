"""Quizzes offline: an attempt in progress is journaled on every answer change (a crash loses
nothing), timed on a monotonic clock, graded locally at submit with the shared grading rule,
and sent as `quiz_attempt.submit`; the server regrades and its grade replaces this one.

Blocking: call on the database lane.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import QuestionType
from lmsdesk.contracts.grading import GradableQuestion, grade
from lmsdesk.contracts.sync import SubmitQuizAttemptArgs
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.client import QuizDraft
from lmsdesk.local_db.models.mirror import Lesson, Quiz, QuizAttempt, QuizQuestion
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.learning import authoring_preview
from lmsdesk.services.session import SessionService

SUBMIT_ATTEMPT = m.SUBMIT_ATTEMPT


class QuizRefused(UserFacingError):
    """The quiz cannot be started or submitted; `message` says why."""


@dataclass(frozen=True)
class Question:
    id: str
    question_type: QuestionType
    prompt: str
    options: tuple[str, ...]
    points: int
    #: The options' ids (their authored index) in the order this attempt shows them: shuffled
    #: when the quiz shuffles options. An answer names ids, never places on screen.
    option_order: tuple[int, ...] = ()

    @property
    def shown_options(self) -> list[tuple[int, str]]:
        order = self.option_order or tuple(range(len(self.options)))
        return [(i, self.options[i]) for i in order if i < len(self.options)]


@dataclass(frozen=True)
class AttemptSummary:
    attempt_number: int
    percent: float
    passed: bool
    graded_by_server: bool  # False until the attempt has synced and come back graded
    #: Essay answers wait for the instructor; the verdict comes with their grade.
    pending_review: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Any
    correct: bool
    correct_answer: Any | None  # None when the quiz does not show answers
    explanation: str
    #: An essay answer: graded by the instructor, not here.
    by_hand: bool = False


@dataclass(frozen=True)
class QuizResult:
    percent: float
    passed: bool
    passing_percent: int
    questions: tuple[QuestionResult, ...]
    pending_review: bool = False


@dataclass(frozen=True)
class QuizState:
    quiz_id: uuid.UUID
    lesson_id: uuid.UUID
    passing_percent: int
    time_limit_seconds: int | None
    max_attempts: int | None
    show_correct_answers: bool
    attempts: tuple[AttemptSummary, ...]
    # The attempt in progress (None when the student has not started one).
    questions: tuple[Question, ...] | None
    answers: dict[str, Any]
    elapsed_seconds: float
    #: Attempts made here that the server refused (its reason, for the student): the limit was
    #: used up on another computer, the time limit was passed...
    refused: tuple[str, ...] = ()
    #: Not counted for completion or the certificate.
    practice: bool = False

    @property
    def attempts_left(self) -> int | None:
        return None if self.max_attempts is None else self.max_attempts - len(self.attempts)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)


class QuizService:
    def __init__(self, session: SessionService, *, shuffle: random.Random | None = None) -> None:
        self._session = session
        self._random = shuffle or random.Random()

    def state(self, quiz_id: uuid.UUID) -> QuizState:
        """The quiz as the student left it, including an attempt a crash interrupted."""
        with self._session.require_store().transaction() as session:
            quiz = _quiz(session, quiz_id)
            draft = session.get(QuizDraft, quiz_id)
            if draft is not None and session.get(QuizAttempt, draft.attempt_id) is not None:
                session.delete(draft)  # submitted just before a crash: the draft is spent
                draft = None
            return _state(session, quiz, draft)

    def start(self, quiz_id: uuid.UUID) -> QuizState:
        with self._session.require_store().transaction() as session:
            quiz = _quiz(session, quiz_id)
            if session.get(QuizDraft, quiz_id) is None:
                attempts = _attempts(session, quiz_id)
                if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
                    raise QuizRefused(
                        f"You have used all {quiz.max_attempts} attempts at this quiz."
                    )
                order = [str(q.id) for q in _questions(session, quiz_id)]
                if quiz.shuffle_questions:
                    self._random.shuffle(order)
                now = datetime.now(UTC)
                session.add(
                    QuizDraft(
                        quiz_id=quiz_id,
                        attempt_id=uuid.uuid4(),
                        started_at=now,
                        question_order=order,
                        answers={},
                        elapsed_seconds=0.0,
                        updated_at=now,
                    )
                )
                session.flush()
            return _state(session, quiz, session.get(QuizDraft, quiz_id))

    def journal(self, quiz_id: uuid.UUID, answers: dict[str, Any], elapsed: float) -> None:
        """Every answer change, at once."""
        with self._session.require_store().transaction() as session:
            draft = session.get(QuizDraft, quiz_id)
            if draft is not None:
                draft.answers = dict(answers)
                draft.elapsed_seconds = max(elapsed, draft.elapsed_seconds)
                draft.updated_at = datetime.now(UTC)

    def submit(self, quiz_id: uuid.UUID, answers: dict[str, Any]) -> QuizResult:
        """Grade locally and queue the attempt for the server (which regrades it)."""
        store, engine = self._session.require_store(), self._session.require_engine()
        with store.reading() as session:
            draft = session.get(QuizDraft, quiz_id)
            if draft is None:
                raise QuizRefused("This attempt was already submitted.")
            attempt_id, started_at = draft.attempt_id, draft.started_at
            order = list(draft.question_order)
        with store.reading() as session:
            quiz = _quiz(session, quiz_id)
            limit = quiz.time_limit_seconds
        submitted_at = datetime.now(UTC)
        if limit:
            # Time that ran out while the app was closed ended the attempt at the limit: its
            # answers were all journaled before then (the server allows the limit plus 60 s).
            submitted_at = min(submitted_at, started_at + timedelta(seconds=limit))
        args = SubmitQuizAttemptArgs(
            quiz_id=quiz_id,
            attempt_id=attempt_id,
            started_at=started_at,
            submitted_at=submitted_at,
            answers=dict(answers),
        )
        with store.reading() as session:
            lesson = session.get(Lesson, quiz.lesson_id)
            current = self._session.current
            preview = lesson is not None and authoring_preview(
                session, current.profile.user_id if current else None, lesson.course_id
            )
        if not preview:  # an instructor trying their own quiz: graded here, never recorded
            engine.record(m.SUBMIT_ATTEMPT, args)
        with store.transaction() as session:
            spent = session.get(QuizDraft, quiz_id)
            if spent is not None:
                session.delete(spent)
            return _result(session, _quiz(session, quiz_id), answers, order)


def _quiz(session: Session, quiz_id: uuid.UUID) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise QuizRefused("This quiz is not on this computer yet; sync while online.")
    return quiz


def _questions(session: Session, quiz_id: uuid.UUID) -> list[QuizQuestion]:
    stmt = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)
    return list(session.scalars(stmt.order_by(QuizQuestion.position)))


def _attempts(session: Session, quiz_id: uuid.UUID) -> list[QuizAttempt]:
    stmt = select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id)
    return list(session.scalars(stmt.order_by(QuizAttempt.attempt_number)))


def _question(row: QuizQuestion, shuffle_seed: str | None = None) -> Question:
    options = tuple(str(o) for o in row.options or ())
    if row.question_type is QuestionType.TRUE_FALSE and not options:
        options = ("True", "False")
    order = tuple(range(len(options)))
    choice = row.question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
    if shuffle_seed is not None and choice:
        # Seeded by the attempt: the same order after a restart, another order next attempt.
        shuffled = list(order)
        random.Random(f"{shuffle_seed}:{row.id}").shuffle(shuffled)
        order = tuple(shuffled)
    return Question(str(row.id), row.question_type, row.prompt, options, row.points, order)


def _state(session: Session, quiz: Quiz, draft: QuizDraft | None) -> QuizState:
    attempts = tuple(
        AttemptSummary(
            a.attempt_number,
            a.percent or 0.0,
            bool(a.passed),
            a.sync_version > 0,
            pending_review=a.status == "pending_review",
            feedback=a.feedback or "",
        )
        for a in _attempts(session, quiz.id)
    )
    questions: tuple[Question, ...] | None = None
    answers: dict[str, Any] = {}
    elapsed = 0.0
    if draft is not None:
        by_id = {str(q.id): q for q in _questions(session, quiz.id)}
        seed = str(draft.attempt_id) if quiz.shuffle_options else None
        questions = tuple(_question(by_id[i], seed) for i in draft.question_order if i in by_id)
        answers = dict(draft.answers)
        # Across a restart the monotonic clock is gone: the time since the last journal write
        # counts as used, so quitting never buys extra time.
        gap = (datetime.now(UTC) - draft.updated_at).total_seconds()
        elapsed = draft.elapsed_seconds + max(gap, 0.0)
    refused = tuple(
        queued.last_error or "Refused by the server."
        for queued in outbox.failed(session)
        if queued.name == m.SUBMIT_ATTEMPT.name and queued.args.get("quiz_id") == str(quiz.id)
    )
    return QuizState(
        quiz_id=quiz.id,
        lesson_id=quiz.lesson_id,
        passing_percent=quiz.passing_percent,
        time_limit_seconds=quiz.time_limit_seconds,
        max_attempts=quiz.max_attempts,
        show_correct_answers=quiz.show_correct_answers,
        attempts=attempts,
        questions=questions,
        answers=answers,
        elapsed_seconds=elapsed,
        refused=refused,
        practice=quiz.practice,
    )


def _result(
    session: Session, quiz: Quiz, answers: dict[str, Any], order: list[str] | None = None
) -> QuizResult:
    """The graded attempt, its questions numbered as the attempt showed them (`order`, the
    shuffled order when the quiz shuffles), not as the instructor wrote them."""
    rows = _questions(session, quiz.id)
    if order:
        place = {question_id: n for n, question_id in enumerate(order)}
        rows.sort(key=lambda row: place.get(str(row.id), len(place)))
    gradable = [
        GradableQuestion(str(r.id), r.question_type, r.correct_answer, r.points) for r in rows
    ]
    graded = grade(gradable, answers, quiz.passing_percent)
    shown = quiz.show_correct_answers
    results = tuple(
        QuestionResult(
            _question(row),
            answers.get(str(row.id)),
            graded.correct.get(str(row.id), False),
            row.correct_answer if shown else None,
            row.explanation if shown else "",
            by_hand=row.question_type is QuestionType.ESSAY,
        )
        for row in rows
    )
    return QuizResult(
        graded.percent, graded.passed, quiz.passing_percent, results, graded.pending_review
    )
