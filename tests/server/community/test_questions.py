"""Q&A over REST and sync: who may ask, answer, accept and vote, and what each one sees."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk_server.db.models import Enrollment
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import FREE, PAID, PAID_TEXT, rows


def _ids(page: dict[str, Any]) -> list[str]:
    return [q["id"] for q in page["items"]]


def test_a_student_asks_a_classmate_answers_and_the_asker_accepts(crowd: Crowd) -> None:
    question = crowd.student.ask(PAID, lesson_id=str(PAID_TEXT))
    answer = crowd.classmate.answer(question["id"])
    teacher = crowd.instructor.answer(question["id"], "Indexes keep keys sorted.")

    accepted = crowd.student.ok("POST", f"/answers/{answer['id']}/accept")
    assert accepted["status"] == "resolved"
    assert accepted["accepted_answer_id"] == answer["id"]
    # The instructor may change the solution; a classmate may not choose it.
    refused = crowd.classmate.call("POST", f"/answers/{teacher['id']}/accept")
    assert refused.status_code == 403
    assert crowd.instructor.ok("POST", f"/answers/{teacher['id']}/accept")["accepted_answer_id"]

    detail = crowd.classmate.ok("GET", f"/questions/{question['id']}")
    assert detail["question"]["answer_count"] == 2
    assert detail["question"]["author_name"] == "Sam S."
    assert [a["is_instructor"] for a in detail["answers"]] == [False, True]


def test_only_students_of_the_course_ask_and_only_its_people_read(crowd: Crowd) -> None:
    body = {"title": "Anyone?", "body": "Hello"}
    assert crowd.outsider.call("POST", f"/courses/{PAID}/questions", body).status_code == 403
    assert crowd.instructor.call("POST", f"/courses/{PAID}/questions", body).status_code == 403
    assert crowd.outsider.call("GET", f"/courses/{PAID}/questions").status_code == 403
    asked = crowd.student.ask(PAID)
    for reader in (crowd.student, crowd.instructor, crowd.admin):
        assert asked["id"] in _ids(reader.ok("GET", f"/courses/{PAID}/questions"))
    # A course that is not published has no community (and does not say it exists).
    assert crowd.student.call("GET", f"/courses/{uuid.uuid4()}/questions").status_code == 404


def test_a_refund_ends_writing_but_the_posts_stay(crowd: Crowd, session: Session) -> None:
    question = crowd.student.ask(PAID)
    enrollment = session.query(Enrollment).filter_by(student_id=crowd.student.id).one()
    enrollment.status = EnrollmentStatus.REFUNDED
    session.flush()
    refused = crowd.student.call("POST", f"/questions/{question['id']}/answers", {"body": "x"})
    assert refused.status_code == 403
    assert crowd.classmate.ok("GET", f"/questions/{question['id']}")["question"]["title"]


def test_bad_input_gets_a_clear_error_and_changes_nothing(crowd: Crowd) -> None:
    before = crowd.student.ok("GET", f"/courses/{PAID}/questions")["total"]
    too_long = crowd.student.call(
        "POST", f"/courses/{PAID}/questions", {"title": "Hi there", "body": "x" * 20_001}
    )
    assert too_long.status_code == 422
    assert "20000" in too_long.text
    short = crowd.student.call("POST", f"/courses/{PAID}/questions", {"title": "Hi", "body": "x"})
    assert short.status_code == 422
    other_lesson = crowd.student.call(
        "POST",
        f"/courses/{FREE}/questions",
        {"title": "Wrong lesson", "body": "x", "lesson_id": str(PAID_TEXT)},
    )
    assert other_lesson.status_code in (403, 422)
    second_without_lesson = crowd.student.call(
        "POST", f"/courses/{PAID}/questions", {"title": "Which?", "body": "x", "video_second": 5}
    )
    assert second_without_lesson.status_code == 422
    assert crowd.student.ok("GET", f"/courses/{PAID}/questions")["total"] == before


def test_one_vote_per_user_and_never_on_ones_own(crowd: Crowd) -> None:
    question = crowd.student.ask(PAID)
    path = f"/questions/{question['id']}/vote"
    assert crowd.student.call("PUT", path, {"up": True}).status_code == 409
    assert crowd.classmate.ok("PUT", path, {"up": True})["vote_count"] == 1
    assert crowd.classmate.ok("PUT", path, {"up": True})["vote_count"] == 1
    assert crowd.classmate.ok("PUT", path, {"up": False})["vote_count"] == 0
    assert crowd.classmate.ok("PUT", path, {"up": False})["vote_count"] == 0
    assert crowd.outsider.call("PUT", path, {"up": True}).status_code == 403


def test_search_filters_and_sorts(crowd: Crowd) -> None:
    crowd.student.ask(PAID, title="Why are my queries slow?")
    wal = crowd.student.ask(PAID, title="What does WAL mode change?")
    crowd.classmate.ask(PAID, title="Is VACUUM safe while writing?")
    crowd.classmate.ok("PUT", f"/questions/{wal['id']}/vote", {"up": True})
    answer = crowd.instructor.answer(wal["id"])
    crowd.student.ok("POST", f"/answers/{answer['id']}/accept")

    ours = {
        "Why are my queries slow?",
        "What does WAL mode change?",
        "Is VACUUM safe while writing?",
    }

    def titles(query: str) -> list[str]:
        """What the list answers, of the questions this test asked (the demo has others)."""
        page = crowd.student.ok("GET", f"/courses/{PAID}/questions?{query}")
        return [q["title"] for q in page["items"] if q["title"] in ours]

    assert titles("q=slow queries") == ["Why are my queries slow?"]
    assert titles("status=resolved") == ["What does WAL mode change?"]
    assert len(titles("status=open")) == 2
    assert set(titles("mine=true")) == {"Why are my queries slow?", "What does WAL mode change?"}
    assert titles("sort=votes")[0] == "What does WAL mode change?"


def test_the_instructor_inbox_lists_unanswered_questions_oldest_first(crowd: Crowd) -> None:
    first = crowd.student.ask(PAID, title="First question")
    crowd.classmate.ask(PAID, title="Second question")
    answered = crowd.student.ask(PAID, title="Answered question")
    crowd.classmate.answer(answered["id"])
    inbox = crowd.instructor.ok("GET", "/community/unanswered")["items"]
    ours = [q for q in inbox if q["title"].endswith(" question")]
    assert [q["title"] for q in ours] == ["First question", "Second question"]
    assert ours[0]["id"] == first["id"]
    stamps = [q["created_at"] for q in inbox]
    assert stamps == sorted(stamps)  # the demo's unanswered ones too, oldest first
    assert crowd.student.call("GET", "/community/unanswered").status_code == 403


def test_a_question_asked_offline_arrives_once_and_reaches_the_course_by_sync(
    crowd: Crowd,
) -> None:
    question_id = uuid.uuid4()
    ask = crowd.student.device.mutation(
        m.ASK, question_id=question_id, course_id=PAID, title="Offline question", body="On a train"
    )
    first = crowd.student.device.push(ask)
    assert first["results"][0]["status"] == "applied", first
    # The same question again from the other door (a retry): the same post, not a copy.
    again = crowd.student.call(
        "POST",
        f"/courses/{PAID}/questions",
        {"question_id": str(question_id), "title": "Offline question", "body": "On a train"},
    )
    assert again.status_code == 201
    listed = _ids(crowd.student.ok("GET", f"/courses/{PAID}/questions"))
    assert listed.count(str(question_id)) == 1

    seen = {
        name: str(question_id) in rows(person.device.pull_all(), "community_questions")
        for name, person in crowd.everyone().items()
    }
    assert seen == {
        "student": True,
        "classmate": True,
        "outsider": False,
        "instructor": True,
        "admin": False,  # admins read communities through REST and the reports queue
    }


def test_a_question_sent_again_with_other_words_is_its_authors_edit(crowd: Crowd) -> None:
    """A device edits a question it has not sent yet by sending it again: if the first copy
    got through meanwhile, the second is one edit, never a second question."""
    question_id = str(uuid.uuid4())
    first = {"question_id": question_id, "title": "Draft title", "body": "First words"}
    crowd.student.ok("POST", f"/courses/{PAID}/questions", first, status=201)
    again = {**first, "title": "Final title", "body": "Better words"}
    edited = crowd.student.ok("POST", f"/courses/{PAID}/questions", again, status=201)
    assert (edited["title"], edited["body"], edited["revision"]) == (
        "Final title",
        "Better words",
        2,
    )
    listed = _ids(crowd.student.ok("GET", f"/courses/{PAID}/questions"))
    assert listed.count(question_id) == 1
    taken = crowd.classmate.call("POST", f"/courses/{PAID}/questions", again)
    assert taken.status_code == 409  # someone else's id
