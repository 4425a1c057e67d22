"""Essay questions wait for the instructor: the attempt is pending review (not passed, not
completing the lesson) until every essay answer is scored in the grading inbox. Practice
quizzes never count towards a certificate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk_server.certificates.repository import CertificateRepository
from lmsdesk_server.db.models import LessonProgress, Quiz
from lmsdesk_server.demo.seed import demo_id
from tests.server.community.helpers import Crowd, Person
from tests.server.grading.helpers import ESSAY, QUIZ_LESSON
from tests.server.sync.helpers import PAID, PAID_QUIZ, rows

RIGHT = {str(demo_id("practical-sqlite:q0")): 0, str(demo_id("practical-sqlite:q1")): False}


def _attempt(person: Person, answers: dict[str, Any]) -> dict[str, Any]:
    attempt = str(uuid.uuid4())
    now = datetime.now(UTC)
    device = person.device
    result = device.push(
        device.mutation(
            m.SUBMIT_ATTEMPT,
            attempt_id=attempt,
            quiz_id=PAID_QUIZ,
            started_at=(now - timedelta(minutes=3)).isoformat(),
            submitted_at=now.isoformat(),
            answers=answers,
        )
    )["results"][0]
    assert result["status"] == "applied", result
    row: dict[str, Any] = result["row"]
    return row


def test_an_essay_attempt_waits_for_review_then_counts(crowd: Crowd, session: Session) -> None:
    essay = "Readers never wait for the writer, so a background sync does not freeze reading."
    pending = _attempt(crowd.student, {**RIGHT, str(ESSAY): essay})
    # The two choices are right (2 of 4 points) but the attempt has not passed yet.
    assert (pending["status"], pending["passed"], pending["score"]) == ("pending_review", False, 2)
    inbox = crowd.instructor.ok("GET", "/instructor/grading?status=ungraded")["items"]
    item = next(i for i in inbox if i["id"] == pending["id"])
    assert item["kind"] == "attempt"
    assert item["essays"] == [
        {
            "question_id": str(ESSAY),
            "prompt": item["essays"][0]["prompt"],
            "answer": essay,
            "points": 2,
            "score": None,
        }
    ]
    path = f"/attempts/{pending['id']}/grade"
    assert crowd.student.call("POST", path, {"scores": {str(ESSAY): 2}}).status_code == 403
    assert crowd.instructor.call("POST", path, {"scores": {}}).status_code == 422
    over = crowd.instructor.call("POST", path, {"scores": {str(ESSAY): 3}})
    assert "at most 2 points" in over.json()["error"]["message"]
    graded = crowd.instructor.ok("POST", path, {"scores": {str(ESSAY): 1.5}, "feedback": "Yes."})
    assert (graded["status"], graded["score"], graded["passed"]) == ("graded", 3.5, True)
    pulled = rows(crowd.student.device.pull_all(), "quiz_attempts")[pending["id"]]
    assert (pulled["status"], pulled["feedback"]) == ("graded", "Yes.")
    session.expire_all()
    progress = session.query(LessonProgress).filter_by(
        student_id=crowd.student.id, lesson_id=QUIZ_LESSON
    )
    assert progress.one().status is ProgressStatus.COMPLETED
    left = crowd.instructor.ok("GET", "/instructor/grading?status=ungraded")["items"]
    assert pending["id"] not in {i["id"] for i in left}


def test_a_failed_essay_grade_leaves_the_quiz_not_passed(crowd: Crowd) -> None:
    wrong = {str(demo_id("practical-sqlite:q0")): 1, str(ESSAY): "No idea"}
    pending = _attempt(crowd.student, wrong)
    graded = crowd.instructor.ok(
        "POST", f"/attempts/{pending['id']}/grade", {"scores": {str(ESSAY): 0}}
    )
    assert (graded["status"], graded["passed"]) == ("graded", False)


def test_a_practice_quiz_is_not_needed_for_the_certificate(
    seeded: None,  # noqa: ARG001 - the demo's paid course
    session: Session,
) -> None:
    repo = CertificateRepository(session)
    counted = repo.lessons_in_course(PAID)
    quiz = session.get(Quiz, PAID_QUIZ)
    assert quiz is not None
    quiz.practice = True
    session.flush()
    assert repo.lessons_in_course(PAID) == counted - 1
