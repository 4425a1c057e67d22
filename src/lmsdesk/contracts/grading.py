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
    correct: dict[str, bool]


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
        case QuestionType.SHORT_ANSWER:
            accepted = expected if isinstance(expected, list) else [expected]
            return isinstance(answer, str) and _normalise(answer) in {
                _normalise(str(a)) for a in accepted
            }


def grade(
    questions: list[GradableQuestion], answers: dict[str, Any], passing_percent: int
) -> Grade:
    correct = {q.id: q.id in answers and is_correct(q, answers[q.id]) for q in questions}
    max_score = float(sum(q.points for q in questions))
    score = float(sum(q.points for q in questions if correct[q.id]))
    percent = round(100.0 * score / max_score, 2) if max_score else 0.0
    return Grade(
        score=score,
        max_score=max_score,
        percent=percent,
        passed=percent >= passing_percent,
        correct=correct,
    )
