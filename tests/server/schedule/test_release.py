"""Weekly release, held by the server whatever a client sends: before its week opens, a lesson
of the student's cohort is refused for its body, media, progress, quiz attempts and work (403
`not_released`), and its body is withheld from the sync feed until then; a student of no cohort
(self-paced) and the instructor are not held back; moving a week reaches the laptops."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import LessonResource
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from tests.server.community.helpers import Crowd, Person
from tests.server.grading.helpers import upload_pdf
from tests.server.schedule.helpers import (
    ASSIGNMENT,
    INTRO,
    PAID_QUIZ,
    PAID_TEXT,
    PAID_VIDEO,
    PRACTICE,
    cohort,
    iso,
    place,
    week,
)
from tests.server.sync.helpers import rows


def _started_next_week(crowd: Crowd, session: Session) -> dict[str, object]:
    made = cohort(crowd.instructor, starts_in=timedelta(days=7))
    place(session, crowd.student.id, str(made["id"]))
    return made


def _attempt(person: Person) -> int:
    now = datetime.now(UTC).isoformat()
    body = {"attempt_id": str(uuid.uuid4()), "started_at": now, "submitted_at": now, "answers": {}}
    return person.call("POST", f"/quizzes/{PAID_QUIZ}/attempts", body).status_code


def test_nothing_of_an_unreleased_week_is_served_or_taken(crowd: Crowd, session: Session) -> None:
    _started_next_week(crowd, session)
    body = crowd.student.call("GET", f"/lessons/{PAID_TEXT}")
    assert body.status_code == 403
    assert body.json()["error"]["code"] == "not_released"
    assert "opens on" in body.json()["error"]["message"]
    assert "(Europe/Berlin)" in body.json()["error"]["message"]
    done = crowd.student.call("POST", f"/progress/{PAID_TEXT}/complete", {})
    assert (done.status_code, done.json()["error"]["code"]) == (403, "not_released")
    assert _attempt(crowd.student) == 403
    work = crowd.student.call("POST", f"/assignments/{ASSIGNMENT}/submissions", {"text": "x"})
    assert work.json()["error"]["code"] == "not_released"
    pushed = crowd.student.device.push(
        crowd.student.device.mutation(m.SET_POSITION, lesson_id=PAID_TEXT, position_seconds=3.0)
    )
    assert pushed["results"][0]["status"] == "rejected"
    # A preview lesson is open to everyone; a classmate taking the course self-paced and the
    # instructor are not held back.
    assert crowd.student.call("GET", f"/lessons/{PAID_VIDEO}").status_code == 200
    assert crowd.classmate.ok("GET", f"/lessons/{PAID_TEXT}")["content"].startswith("#")
    assert crowd.instructor.call("GET", f"/lessons/{PAID_TEXT}").status_code == 200
    assert crowd.outsider.call("GET", f"/lessons/{PAID_TEXT}").status_code == 403


def test_media_of_an_unreleased_lesson_is_refused(crowd: Crowd, session: Session) -> None:
    _started_next_week(crowd, session)
    asset = upload_pdf(crowd.instructor)
    resource = LessonResource(
        lesson_id=PAID_TEXT, title="Slides", kind="pdf", asset_id=uuid.UUID(asset), position=0
    )
    stamp(session, resource, CATALOG_PARTITION)
    session.add(resource)
    session.flush()
    refused = crowd.student.call("POST", f"/media/{asset}/link")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_released")
    assert crowd.classmate.call("POST", f"/media/{asset}/link").status_code == 200


def test_a_week_moved_into_the_past_opens_at_once_and_only_that_week(
    crowd: Crowd, session: Session
) -> None:
    made = _started_next_week(crowd, session)
    past = datetime.now(UTC) - timedelta(hours=1)
    assert week(
        crowd.instructor, str(made["id"]), 1, section_ids=[str(INTRO)], release_at=iso(past)
    ).is_success
    assert crowd.student.call("POST", f"/progress/{PAID_TEXT}/complete", {}).status_code == 200
    assert _attempt(crowd.student) == 403  # week 2 still closed


def test_the_feed_withholds_bodies_until_the_week_opens(crowd: Crowd, session: Session) -> None:
    made = _started_next_week(crowd, session)
    pages = crowd.student.device.pull_all()
    lesson = rows(pages, "lessons")[str(PAID_TEXT)]
    assert lesson["title"]
    assert lesson["content"] == ""
    assert str(PAID_QUIZ) not in rows(pages, "quizzes")
    classmate = rows(crowd.classmate.device.pull_all(), "lessons")[str(PAID_TEXT)]
    assert classmate["content"].startswith("#")
    # The instructor opens week 1 now: the next sync brings its bodies, not week 2's.
    past = iso(datetime.now(UTC) - timedelta(minutes=1))
    week(crowd.instructor, str(made["id"]), 1, section_ids=[str(INTRO)], release_at=past)
    again = crowd.student.device.pull_all()
    assert rows(again, "lessons")[str(PAID_TEXT)]["content"].startswith("#")
    assert str(PAID_QUIZ) not in rows(again, "quizzes")


def test_a_week_that_opens_between_two_syncs_arrives_whole_at_the_next(
    crowd: Crowd, session: Session
) -> None:
    made = _started_next_week(crowd, session)
    soon = datetime.now(UTC) + timedelta(hours=1)
    week(crowd.instructor, str(made["id"]), 2, section_ids=[str(PRACTICE)], release_at=iso(soon))
    crowd.student.device.pull_all()
    time.sleep(1.1)  # the cursor records its pull to the second
    # Time passes: the week's release time is now behind us (nothing was written to the feed).
    session.execute(
        text("UPDATE cohort_weeks SET release_at = :t WHERE cohort_id = :c AND number = 2"),
        {"t": datetime.now(UTC) - timedelta(milliseconds=50), "c": made["id"]},
    )
    # (Week 1, holding the text lesson, still opens next week.)
    later = crowd.student.device.pull_all()
    assert str(PAID_QUIZ) in rows(later, "quizzes")
    assert rows(later, "lessons")[str(PAID_TEXT)]["content"] == ""
