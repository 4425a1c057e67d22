"""Quiz grading: one rule for the offline client and the authoritative server.

The client grades at once so a student offline sees a score; the server grades the same answers
again against the quiz it holds, and its grade replaces the client's when the attempt syncs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lmsdesk.contracts.enums import QuestionType


@dataclass(frozen=True)
class GradableQuestion:
    id: str
    question_type: QuestionType
    correct_answer: Any
    points: int


@dataclass(frozen=True)
class Grade:
    score: float
    max_score: float
    percent: float
    passed: bool
    #: Whether each auto-graded question was answered right (essays are not in it).
    correct: dict[str, bool]
    #: Essay answers wait for the instructor: until then the attempt has not passed.
    pending_review: bool = False


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def is_correct(question: GradableQuestion, answer: Any) -> bool:
    expected = question.correct_answer
    match question.question_type:
        case QuestionType.SINGLE_CHOICE:
            return isinstance(answer, int) and not isinstance(answer, bool) and answer == expected
        case QuestionType.MULTIPLE_CHOICE:
            return isinstance(answer, list) and sorted(set(answer)) == sorted(set(expected))
        case QuestionType.TRUE_FALSE:
            return isinstance(answer, bool) and answer is bool(expected)
        case QuestionType.ESSAY:
            return False  # graded by hand, never here
        case QuestionType.SHORT_ANSWER:
            accepted = expected if isinstance(expected, list) else [expected]
            return isinstance(answer, str) and _normalise(answer) in {
                _normalise(str(a)) for a in accepted
            }


def grade(
    questions: list[GradableQuestion],
    answers: dict[str, Any],
    passing_percent: int,
    essay_scores: dict[str, float] | None = None,
) -> Grade:
    """Grade an attempt. Essay questions count with the instructor's `essay_scores` (each capped
    at the question's points); without a score for each of them the attempt is pending review."""
    auto = [q for q in questions if q.question_type is not QuestionType.ESSAY]
    essays = [q for q in questions if q.question_type is QuestionType.ESSAY]
    correct = {q.id: q.id in answers and is_correct(q, answers[q.id]) for q in auto}
    marks = essay_scores or {}
    pending = any(q.id not in marks for q in essays)
    max_score = float(sum(q.points for q in questions))
    score = float(sum(q.points for q in auto if correct[q.id]))
    score += sum(min(float(marks.get(q.id, 0.0)), float(q.points)) for q in essays)
    percent = round(100.0 * score / max_score, 2) if max_score else 0.0
    return Grade(
        score=score,
        max_score=max_score,
        percent=percent,
        passed=not pending and percent >= passing_percent,
        correct=correct,
        pending_review=pending,
    )
