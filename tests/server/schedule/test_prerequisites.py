"""Prerequisites: set by the course's instructor, within the course, never in a loop; a lesson
stays locked (403 `locked`, saying what unlocks it) until they are complete, through either
door, and opens within the very batch that completes them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import LessonPrerequisite
from tests.server.community.helpers import Crowd
from tests.server.schedule.helpers import ASSIGNMENT, PAID_QUIZ_LESSON, PAID_TEXT
from tests.server.sync.helpers import FREE_TEXT, rows


def _require(crowd: Crowd, lesson: object, *needed: object) -> object:
    body = {"lesson_ids": [str(x) for x in needed]}
    return crowd.instructor.call("PUT", f"/authoring/lessons/{lesson}/prerequisites", body)


def test_only_the_instructor_sets_prerequisites_and_students_see_them(
    crowd: Crowd, session: Session
) -> None:
    body = {"lesson_ids": [str(PAID_TEXT)]}
    for person in (crowd.student, crowd.outsider, crowd.admin):
        refused = person.call("PUT", f"/authoring/lessons/{ASSIGNMENT}/prerequisites", body)
        assert refused.status_code == 403
    assert _require(crowd, ASSIGNMENT, PAID_TEXT).status_code == 200  # type: ignore[attr-defined]
    links = session.scalars(select(LessonPrerequisite)).all()
    assert [(x.lesson_id, x.prerequisite_lesson_id) for x in links] == [(ASSIGNMENT, PAID_TEXT)]
    pulled = rows(crowd.student.device.pull_all(), "lesson_prerequisites")
    assert f"{ASSIGNMENT}:{PAID_TEXT}" in {
        f"{r['lesson_id']}:{r['prerequisite_lesson_id']}" for r in pulled.values()
    }


def test_a_loop_a_self_link_and_another_courses_lesson_are_refused(
    crowd: Crowd, session: Session
) -> None:
    _require(crowd, ASSIGNMENT, PAID_QUIZ_LESSON)
    _require(crowd, PAID_QUIZ_LESSON, PAID_TEXT)
    loop = _require(crowd, PAID_TEXT, ASSIGNMENT)
    assert loop.status_code == 422  # type: ignore[attr-defined]
    message = loop.json()["error"]["message"]  # type: ignore[attr-defined]
    assert "loop" in message
    assert "Assignment: design a schema" in message
    assert _require(crowd, PAID_TEXT, PAID_TEXT).status_code == 422  # type: ignore[attr-defined]
    assert _require(crowd, PAID_TEXT, FREE_TEXT).status_code == 422  # type: ignore[attr-defined]
    assert len(session.scalars(select(LessonPrerequisite)).all()) == 2


def test_a_locked_lesson_opens_once_its_prerequisite_is_complete(crowd: Crowd) -> None:
    _require(crowd, ASSIGNMENT, PAID_TEXT)
    refused = crowd.student.call("POST", f"/assignments/{ASSIGNMENT}/submissions", {"text": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "locked"
    assert "SQLite in one page" in refused.json()["error"]["message"]
    assert crowd.student.call("GET", f"/lessons/{ASSIGNMENT}").json()["error"]["code"] == "locked"
    assert crowd.student.call("POST", f"/progress/{PAID_TEXT}/complete", {}).status_code == 200
    work = crowd.student.call("POST", f"/assignments/{ASSIGNMENT}/submissions", {"text": "x"})
    assert work.status_code == 201, work.text
    # The instructor is never locked out of their own course.
    assert crowd.instructor.call("GET", f"/lessons/{ASSIGNMENT}").status_code == 200


def test_completing_the_prerequisite_opens_the_lesson_within_the_same_push(crowd: Crowd) -> None:
    _require(crowd, PAID_QUIZ_LESSON, PAID_TEXT)
    device = crowd.classmate.device
    early = device.push(
        device.mutation(m.SET_POSITION, lesson_id=PAID_QUIZ_LESSON, position_seconds=1.0)
    )
    assert early["results"][0]["status"] == "rejected"
    both = device.push(
        device.mutation(
            m.COMPLETE_LESSON, lesson_id=PAID_TEXT, completed_at=datetime.now(UTC).isoformat()
        ),
        device.mutation(m.SET_POSITION, lesson_id=PAID_QUIZ_LESSON, position_seconds=2.0),
    )
    assert [r["status"] for r in both["results"]] == ["applied", "applied"]


def test_clearing_prerequisites_removes_them_from_every_laptop(crowd: Crowd) -> None:
    _require(crowd, ASSIGNMENT, PAID_TEXT)
    device = crowd.student.device
    device.pull_all()
    assert _require(crowd, ASSIGNMENT).status_code == 200  # type: ignore[attr-defined]
    later = device.pull_all()
    gone = {(t["table"], t["row_id"]) for page in later for t in page["tombstones"]}
    assert ("lesson_prerequisites", f"{ASSIGNMENT}:{PAID_TEXT}") in gone
