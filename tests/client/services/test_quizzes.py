"""Quizzes offline: journaled answers survive a restart, local grading with explanations, the
server's grade replaces it after sync, attempts are limited, questions shuffled."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from lmsdesk.contracts.enums import ProgressStatus, QuestionType
from lmsdesk.local_db.models.mirror import LessonProgress
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.quizzes import QuizRefused, QuizService, QuizState
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
QUIZ = demo_id("offline-first-basics:quizrow")
QUIZ_LESSON = demo_id("offline-first-basics:quiz")
RIGHT: dict[QuestionType, Any] = {
    QuestionType.SINGLE_CHOICE: 1,
    QuestionType.MULTIPLE_CHOICE: [0, 1, 2],
    QuestionType.TRUE_FALSE: False,
    QuestionType.SHORT_ANSWER: "  Computer ",
}


@pytest.fixture
def enrolled(student: SessionService) -> SessionService:
    PurchaseService(student).enroll_free(FREE)
    SyncService(student).sync()
    return student


def _answers(state: QuizState, *, wrong: bool = False) -> dict[str, Any]:
    assert state.questions is not None
    answers = {q.id: RIGHT[q.question_type] for q in state.questions}
    if wrong:
        answers = {k: ("nope" if isinstance(v, str) else 0) for k, v in answers.items()}
    return answers


def test_answers_are_journaled_and_survive_a_restart(enrolled: SessionService) -> None:
    quizzes = QuizService(enrolled)
    state = quizzes.start(QUIZ)
    assert state.questions is not None
    assert len(state.questions) == 4
    first = state.questions[0]
    quizzes.journal(QUIZ, {first.id: RIGHT[first.question_type]}, elapsed=42.0)

    again = QuizService(enrolled).state(QUIZ)  # a new process: only the store remains
    assert again.questions == state.questions, "same questions in the same order"
    assert again.answers == {first.id: RIGHT[first.question_type]}
    assert again.elapsed_seconds >= 42.0, "quitting does not give the time back"


def test_offline_submit_grades_with_explanations_then_the_server_grade_replaces_it(
    enrolled: SessionService, link: CuttableLink
) -> None:
    quizzes = QuizService(enrolled)
    state = quizzes.start(QUIZ)
    link.cut()
    result = quizzes.submit(QUIZ, _answers(state))
    assert (result.percent, result.passed) == (100.0, True)
    assert all(r.correct and r.explanation for r in result.questions)
    after = quizzes.state(QUIZ)
    assert after.questions is None, "the attempt is spent"
    assert [(a.percent, a.graded_by_server) for a in after.attempts] == [(100.0, False)]
    assert enrolled.store is not None
    with enrolled.store.reading() as session:
        status = session.scalar(
            select(LessonProgress.status).where(LessonProgress.lesson_id == QUIZ_LESSON)
        )
    assert status is ProgressStatus.COMPLETED, "passing completes the quiz lesson at once"

    link.restore()
    SyncService(enrolled).sync()
    assert [(a.percent, a.graded_by_server) for a in quizzes.state(QUIZ).attempts] == [
        (100.0, True)
    ]


def test_a_failed_attempt_does_not_complete_and_attempts_run_out(
    enrolled: SessionService,
) -> None:
    quizzes = QuizService(enrolled)
    for _ in range(3):
        state = quizzes.start(QUIZ)
        result = quizzes.submit(QUIZ, _answers(state, wrong=True))
        assert not result.passed
        assert result.passing_percent == 60
    with pytest.raises(QuizRefused, match="all 3 attempts"):
        quizzes.start(QUIZ)
    assert len(quizzes.state(QUIZ).attempts) == 3


def test_questions_are_shuffled_when_the_quiz_says_so(enrolled: SessionService) -> None:
    state = QuizService(enrolled, shuffle=random.Random(7)).start(QUIZ)
    assert state.questions is not None
    authored = [
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT_ANSWER,
    ]
    shown = [q.question_type for q in state.questions]
    assert sorted(shown) == sorted(authored)
    assert shown != authored


def test_results_number_the_questions_as_the_attempt_showed_them(
    enrolled: SessionService,
) -> None:
    quizzes = QuizService(enrolled, shuffle=random.Random(7))
    state = quizzes.start(QUIZ)
    assert state.questions is not None
    result = quizzes.submit(QUIZ, _answers(state))
    assert [item.question.id for item in result.questions] == [q.id for q in state.questions]


def test_an_offline_attempt_past_the_limit_comes_back_refused_with_its_reason(
    enrolled: SessionService,
    link: CuttableLink,
    tmp_path: Path,
    http: httpx.Client,
    memory_keyring: MemoryKeyring,
) -> None:
    """On the train, one attempt left as far as this laptop knows; meanwhile the desktop used
    all three. The server refuses the laptop's attempt, and the laptop says why."""
    quizzes = QuizService(enrolled)
    state = quizzes.start(QUIZ)
    link.cut()
    quizzes.submit(QUIZ, _answers(state))
    link.restore()

    assert enrolled.current is not None
    desktop = SessionService(
        data_dir=tmp_path / "desktop",
        api_for=lambda u: ApiClient(u, http),
        token_store=lambda: KeyringTokenStore(memory_keyring),
    )
    desktop.sign_in(link.url, enrolled.current.profile.email, PASSWORD)
    SyncService(desktop).sync()
    for _ in range(3):
        QuizService(desktop).submit(QUIZ, _answers(QuizService(desktop).start(QUIZ), wrong=True))
    SyncService(desktop).sync()

    SyncService(enrolled).sync()
    after = quizzes.state(QUIZ)
    assert [a.percent for a in after.attempts] == [0.0, 0.0, 0.0], "the desktop's three"
    [reason] = after.refused
    assert "all 3 attempts" in reason
    assert desktop.store is not None
    desktop.store.close()


def _set_quiz(service: SessionService, **settings: Any) -> None:
    """The quiz as its instructor set it (written into this laptop's copy, as a pull would)."""
    from lmsdesk.local_db.models.mirror import Quiz

    store = service.require_store()
    with store.transaction() as session:
        quiz = session.get(Quiz, QUIZ)
        assert quiz is not None
        for name, value in settings.items():
            setattr(quiz, name, value)


def test_shuffled_options_are_answered_by_option_not_by_place(enrolled: SessionService) -> None:
    _set_quiz(enrolled, shuffle_options=True, max_attempts=None)
    quizzes = QuizService(enrolled)
    orders = set()
    for _ in range(6):
        state = quizzes.start(QUIZ)
        assert state.questions is not None
        choice = next(q for q in state.questions if q.question_type is QuestionType.MULTIPLE_CHOICE)
        assert sorted(choice.option_order) == list(range(len(choice.options)))
        # Resumed (a restart mid-attempt), the attempt shows the same order.
        resumed = quizzes.state(QUIZ).questions
        assert resumed is not None
        assert next(q for q in resumed if q.id == choice.id).option_order == choice.option_order
        orders.add(choice.option_order)
        # The right options, wherever they are shown, are right.
        assert quizzes.submit(QUIZ, _answers(state)).passed
    assert len(orders) > 1  # each attempt its own order


def test_a_practice_quiz_is_left_out_of_the_course_percent(enrolled: SessionService) -> None:
    from lmsdesk.services.learning import LearningService

    learning = LearningService(enrolled)
    for lesson in (demo_id("offline-first-basics:video"), demo_id("offline-first-basics:text")):
        learning.complete(learning.lesson(lesson))
    assert learning.outline(FREE).percent_complete == 67
    _set_quiz(enrolled, practice=True)
    assert learning.outline(FREE).percent_complete == 100
    state = QuizService(enrolled).start(QUIZ)
    assert state.practice
