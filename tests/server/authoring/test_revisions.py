"""Changing a published course through a revision: the students keep the published course
while the revision is in review; approval carries the changes over, keeping progress on the
lessons that stayed."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.revisions import revision_row_id
from lmsdesk_server.db.models import Course, Lesson, LessonPrerequisite, QuizQuestion, User
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.authoring.helpers import Author, author
from tests.server.sync.helpers import (
    API,
    PAID,
    PAID_QUIZ,
    PAID_TEXT,
    DeviceFactory,
    enroll,
    progress,
    rows,
)

pytestmark = pytest.mark.usefixtures("seeded")
PAID_QUIZ_LESSON = demo_id("practical-sqlite:quiz")
PAID_SECTION_TWO = demo_id("practical-sqlite:s2")


@pytest.fixture
def owner(session: Session) -> User:
    """The demo instructor, who owns the published demo courses."""
    demo = session.scalars(select(User).where(User.email == "instructor@example.com")).one()
    demo.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    return demo


def _start(rest: Author, course: uuid.UUID) -> tuple[int, uuid.UUID]:
    revision = uuid.uuid4()
    answer = rest.call("POST", f"/courses/{course}/revisions", {"revision_id": str(revision)})
    return answer.status_code, revision


def _approve(session: Session, device_for: DeviceFactory, revision: uuid.UUID) -> None:
    admin = device_for(make_user(session, roles=(Role.ADMIN,)))
    decided = admin.client.post(
        f"{API}/moderation/courses/{revision}/decision",
        json={"decision": "approved", "course_version": _course(session, revision).version},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert decided.status_code == 200, decided.text


def _course(session: Session, course_id: uuid.UUID) -> Course:
    session.expire_all()
    course = session.get(Course, course_id)
    assert course is not None
    return course


def test_a_revision_is_a_draft_copy_and_only_one_is_open(
    session: Session, owner: User, other_instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(owner))
    status, revision = _start(rest, PAID)
    assert status == 201
    copy = _course(session, revision)
    assert (copy.status, copy.revision_of, copy.title) == (
        CourseStatus.DRAFT,
        PAID,
        "Practical SQLite",
    )
    copied = session.scalars(select(Lesson.title).where(Lesson.course_id == revision)).all()
    published = session.scalars(select(Lesson.title).where(Lesson.course_id == PAID)).all()
    assert sorted(copied) == sorted(published)
    assert session.get(Lesson, revision_row_id(revision, PAID_TEXT)) is not None

    again, _ = _start(rest, PAID)
    assert again == 409  # one open revision per course
    intruder, _ = _start(author(device_for(other_instructor)), PAID)
    assert intruder == 403
    draft = rest.create("Not published")
    assert _start(rest, draft)[0] == 403
    # The published course itself still cannot be edited directly.
    direct = rest.edit("course", PAID, "price_cents", 1999, 999)
    assert "start a revision" in direct.json()["error"]["message"]


def test_students_keep_the_published_course_until_the_revision_is_approved(
    session: Session, owner: User, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, PAID)
    learner = device_for(student)
    done = learner.push(
        learner.mutation(
            m.COMPLETE_LESSON, lesson_id=PAID_TEXT, completed_at="2026-11-20T10:00:00+00:00"
        )
    )
    assert done["results"][0]["status"] == "applied", done
    learner.pull_all()
    assert progress(session, student, PAID_TEXT).status == "completed"
    rest = author(device_for(owner))
    _status, revision = _start(rest, PAID)
    text = revision_row_id(revision, PAID_TEXT)
    question = session.scalars(
        select(QuizQuestion.id)
        .where(QuizQuestion.quiz_id == PAID_QUIZ)
        .order_by(QuizQuestion.position)
    ).first()
    assert question is not None
    published_video = session.scalars(
        select(Lesson.id).where(Lesson.course_id == PAID, Lesson.lesson_type == "video")
    ).one()
    video = revision_row_id(revision, published_video)
    old_title = session.get(Lesson, PAID_TEXT).title  # type: ignore[union-attr]
    assert rest.edit("lesson", text, "title", old_title, "SQLite, step one").is_success
    assert rest.edit("course", revision, "price_cents", 1999, 2499).is_success
    assert rest.edit("question", revision_row_id(revision, question), "points", 1, 3).is_success
    assert rest.call("DELETE", f"/lessons/{video}").status_code == 204
    new_section = rest.add_section(revision, position="a5")
    new_lesson = rest.add_lesson(new_section)
    assert rest.call("POST", f"/courses/{revision}/submit").is_success

    # In review: students see the published course as it was.
    assert rows(learner.pull_all(), "lessons") == {}
    assert _course(session, PAID).price_cents == 1999

    _approve(session, device_for, revision)

    published = _course(session, PAID)
    assert (published.status, published.price_cents) == (CourseStatus.APPROVED, 2499)
    assert _course(session, revision).deleted_at is not None
    pulled = learner.pull_all()
    lessons = rows(pulled, "lessons")
    # The kept lesson is the same row: renamed, and the student's completion of it stays.
    assert lessons[str(PAID_TEXT)]["title"] == "SQLite, step one"
    assert progress(session, student, PAID_TEXT).status == "completed"
    assert lessons[str(new_lesson)]["content"] == "# Hello"  # new, in full for the enrolled
    assert rows(pulled, "quiz_questions")[str(question)]["points"] == 3
    assert rows(pulled, "courses")[str(PAID)]["price_cents"] == 2499
    # The video lesson the revision deleted is gone from the catalog on every device.
    gone = {(t["table"], t["row_id"]) for page in pulled for t in page["tombstones"]}
    assert ("lessons", str(published_video)) in gone
    session.expire_all()
    assert session.get(Lesson, published_video) is None
    moved = session.get(Lesson, new_lesson)
    assert moved is not None
    assert moved.course_id == PAID
    assert session.scalars(select(Lesson).where(Lesson.course_id == revision)).all() == []
    # And the owner may start the next revision.
    assert _start(rest, PAID)[0] == 201


def test_a_revision_carries_prerequisites_both_ways(
    session: Session, owner: User, device_for: DeviceFactory
) -> None:
    """Links on the published course are copied into the revision; what the revision sets
    (on its copies, or on a lesson it added) is what the published course has after approval."""
    rest = author(device_for(owner))
    put = rest.call(
        "PUT",
        f"/lessons/{PAID_QUIZ_LESSON}/prerequisites",
        {"lesson_ids": [str(PAID_TEXT)]},
    )
    assert put.status_code == 200, put.text
    _status, revision = _start(rest, PAID)
    copied = session.get(
        LessonPrerequisite,
        (revision_row_id(revision, PAID_QUIZ_LESSON), revision_row_id(revision, PAID_TEXT)),
    )
    assert copied is not None
    new_lesson = rest.add_lesson(revision_row_id(revision, PAID_SECTION_TWO), position="a9")
    # In the revision: the quiz no longer needs the text; the new lesson needs the quiz.
    cleared = rest.call(
        "PUT",
        f"/lessons/{revision_row_id(revision, PAID_QUIZ_LESSON)}/prerequisites",
        {"lesson_ids": []},
    )
    assert cleared.status_code == 200, cleared.text
    needs = rest.call(
        "PUT",
        f"/lessons/{new_lesson}/prerequisites",
        {"lesson_ids": [str(revision_row_id(revision, PAID_QUIZ_LESSON))]},
    )
    assert needs.status_code == 200, needs.text
    assert rest.call("POST", f"/courses/{revision}/submit").is_success
    _approve(session, device_for, revision)
    session.expire_all()
    links = session.scalars(select(LessonPrerequisite)).all()
    assert [(x.lesson_id, x.prerequisite_lesson_id) for x in links] == [
        (new_lesson, PAID_QUIZ_LESSON)
    ]
