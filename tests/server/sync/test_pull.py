"""Pull: who sees what, whole partitions, revocation, pages, tombstones, resets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk_server.db.models import Course, Lesson, PartitionClock, User
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.storefront.helpers import SALE
from tests.server.sync.helpers import (
    API,
    DRAFT,
    FREE,
    FREE_QUIZ,
    FREE_TEXT,
    FREE_VIDEO,
    PAID,
    PAID_QUIZ,
    PAID_TEXT,
    PENDING,
    DeviceFactory,
    enroll,
    rows,
    statements_of,
)

pytestmark = pytest.mark.usefixtures("seeded")

T = TypeVar("T")


def test_pull_needs_a_signed_in_user(client: TestClient) -> None:
    assert client.post(f"{API}/sync/pull", json={}).status_code == 401


def test_a_new_student_sees_catalog_summaries_only(
    student: User, device_for: DeviceFactory
) -> None:
    pages = device_for(student).pull_all()
    courses = rows(pages, "courses")
    assert set(courses) == {str(FREE), str(PAID), str(SALE)}  # no drafts, nothing pending
    assert courses[str(FREE)]["instructor_name"] == "Ines Instructor"
    assert "search_vector" not in courses[str(FREE)]
    lessons = rows(pages, "lessons")
    assert lessons[str(PAID_TEXT)]["content"] == ""  # bought content stays on the server
    assert lessons[str(FREE_TEXT)]["content"] == ""  # even free courses need an enrollment
    assert str(FREE_VIDEO) in lessons  # titles and the curriculum are visible
    assert rows(pages, "quizzes") == {}
    assert rows(pages, "quiz_questions") == {}
    assert "storage_key" not in next(iter(rows(pages, "media_assets").values()))


def test_enrolling_delivers_the_course_whole_and_losing_it_takes_it_back(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    device = device_for(student)
    device.pull_all()
    enrollment = enroll(session, student, PAID)

    bought = device.pull_all()
    assert f"course:{PAID}" in bought[0]["partitions"]["added"]
    assert rows(bought, "lessons")[str(PAID_TEXT)]["content"].startswith("# SQLite")
    assert str(PAID_QUIZ) in rows(bought, "quizzes")
    questions = rows(bought, "quiz_questions")
    assert questions
    assert all("correct_answer" in q for q in questions.values())  # graded offline
    assert rows(bought, "enrollments")[str(enrollment.id)]["status"] == "active"

    # A refund: the enrollment is revoked; the course goes back to a summary.
    enrollment.status = EnrollmentStatus.REFUNDED
    stamp(session, enrollment, user_partition(student.id))
    session.flush()
    refunded = device.pull_all()
    assert f"course:{PAID}" in refunded[0]["partitions"]["revoked"]
    assert rows(refunded, "lessons")[str(PAID_TEXT)]["content"] == ""
    assert rows(refunded, "enrollments")[str(enrollment.id)]["status"] == "refunded"


def test_a_preview_lesson_is_readable_without_buying(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    lesson = session.get(Lesson, FREE_TEXT)
    assert lesson is not None
    lesson.is_preview = True
    stamp(session, lesson, CATALOG_PARTITION)
    session.flush()
    pages = device_for(student).pull_all()
    assert rows(pages, "lessons")[str(FREE_TEXT)]["content"].startswith("# How offline")


def test_drafts_reach_only_their_instructor_and_pending_ones_the_admins(
    session: Session, device_for: DeviceFactory
) -> None:
    instructor = session.get(User, demo_id("instructor@example.com"))
    assert instructor is not None
    admin = make_user(session, roles=(Role.ADMIN,))
    other_instructor = make_user(session, roles=(Role.INSTRUCTOR,))

    def course_ids(user: User) -> set[str]:
        return set(rows(device_for(user).pull_all(), "courses"))

    instructor.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    # The archived demo course reaches its instructor and admins (and its students), no one else.
    archived = str(demo_id("course:python-2-to-3"))
    published = {str(FREE), str(PAID), str(SALE)}
    assert course_ids(instructor) == published | {str(PENDING), str(DRAFT), archived}
    assert course_ids(admin) == published | {str(PENDING), archived}
    assert course_ids(other_instructor) == published


def test_pages_end_on_version_boundaries_and_add_up_to_everything(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    whole = device_for(student).pull_all(limit=20_000)
    assert len(whole) == 1
    paged = device_for(student).pull_all(limit=7)
    assert len(paged) > 3
    assert all(p["has_more"] for p in paged[:-1])
    assert not paged[-1]["has_more"]
    for table in ("courses", "lessons", "quiz_questions", "enrollments", "categories"):
        assert rows(paged, table) == rows(whole, table), table


def test_a_no_op_pull_is_small_and_changes_nothing(
    student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    device = device_for(student)
    device.pull_all()
    cursor = device.cursor
    response = client.post(
        f"{API}/sync/pull",
        json={"device_id": str(device.device_id), "protocol": 1, "cursor": cursor},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    body = response.json()
    assert body["changes"] == {}
    assert body["tombstones"] == []
    assert body["has_more"] is False
    assert len(response.content) < 2048


def test_a_deletion_arrives_as_a_tombstone(student: User, device_for: DeviceFactory) -> None:
    device = device_for(student)
    device.push(device.mutation(m.ADD_TO_WISHLIST, course_id=PAID))
    assert rows(device.pull_all(), "wishlist_items")
    device.push(device.mutation(m.REMOVE_FROM_WISHLIST, course_id=PAID))
    tombstones = [t for page in device.pull_all() for t in page["tombstones"]]
    assert tombstones == [
        {
            "table": "wishlist_items",
            "row_id": f"{student.id}:{PAID}",
            "partition": f"user:{student.id}",
        }
    ]


def test_a_cursor_older_than_the_tombstone_horizon_resets_only_that_partition(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    device.pull_all()
    device.push(device.mutation(m.ADD_TO_WISHLIST, course_id=PAID))
    session.execute(
        update(PartitionClock)
        .where(PartitionClock.partition == user_partition(student.id))
        .values(tombstones_purged_through=10_000)
    )
    pages = device.pull_all()
    assert pages[0]["partitions"]["reset"] == [f"user:{student.id}"]
    assert rows(pages, "enrollments")  # the whole partition again...
    assert rows(pages, "courses") == {}  # ...and nothing of the others


def test_a_partition_asked_for_again_comes_whole_and_one_not_visible_is_revoked(
    session: Session, student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    """What a client asks after the server refused a change it had already shown locally."""
    enroll(session, student, FREE)
    device = device_for(student)
    device.pull_all()
    mine, foreign_draft = f"user:{student.id}", f"draft:{DRAFT}"
    page = device.pull(resync=[mine, foreign_draft])
    assert page["partitions"]["reset"] == [mine]
    assert page["partitions"]["revoked"] == [foreign_draft]  # dropped, and nothing of it sent
    assert set(rows([page], "enrollments")) == {  # the user partition whole again...
        str(e)
        for e in session.scalars(
            text("SELECT id FROM enrollments WHERE student_id = :s"), {"s": student.id}
        )
    }
    assert rows([page], "courses") == {}  # ...and nothing of the others
    assert device.pull()["partitions"]["reset"] == []  # asked once, answered once
    response = client.post(
        f"{API}/sync/pull",
        json={"device_id": str(device.device_id), "protocol": 1, "resync": ["catalog"]},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert response.status_code == 422  # the catalog is never sent whole for one change


def test_a_forged_or_foreign_cursor_is_ignored(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    device = device_for(student)
    device.pull_all()
    other = device_for(make_user(session))
    other.cursor = device.cursor  # someone else's cursor
    assert rows(other.pull_all(), "courses")  # treated as none: everything is sent
    device.cursor = device.cursor[:-3] + "abc"  # tampered
    assert rows(device.pull_all(), "courses")


def test_quizzes_of_a_free_course_arrive_with_its_enrollment(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    device = device_for(student)
    enroll(session, student, FREE)
    assert str(FREE_QUIZ) in rows(device.pull_all(), "quizzes")


def test_an_archived_course_leaves_the_catalog_but_stays_with_its_students(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    browsing = device_for(make_user(session))
    assert str(PAID) in rows(browsing.pull_all(), "courses")
    enroll(session, student, PAID)
    course = session.get(Course, PAID)
    assert course is not None
    course.status = CourseStatus.ARCHIVED
    stamp(session, course, CATALOG_PARTITION)
    session.flush()

    gone = [t for page in browsing.pull_all() for t in page["tombstones"]]
    assert {"table": "courses", "row_id": str(PAID), "partition": CATALOG_PARTITION} in gone
    kept = device_for(student).pull_all()
    assert rows(kept, "courses")[str(PAID)]["status"] == "archived"
    assert rows(kept, "lessons")[str(PAID_TEXT)]["content"].startswith("# SQLite")


def test_timestamps_arrive_as_utc_text_with_microseconds(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    """The client stores them as text and sorts by it: one exact shape, whatever the server's
    time zone or the value's fraction."""
    session.execute(text("SET TIME ZONE 'America/New_York'"))
    enrollment = enroll(session, student, FREE)
    enrollment.enrolled_at = datetime(2026, 3, 1, 9, 30, 5, 120000, tzinfo=UTC)
    session.flush()
    got = rows(device_for(student).pull_all(), "enrollments")[str(enrollment.id)]
    assert got["enrolled_at"] == "2026-03-01T09:30:05.120000+00:00"


def test_a_no_op_pull_runs_two_statements_for_every_role(
    session: Session, device_for: DeviceFactory, test_engine: Engine
) -> None:
    instructor = session.get(User, demo_id("instructor@example.com"))
    assert instructor is not None
    instructor.password_hash = hash_password(DEFAULT_PASSWORD)
    student = make_user(session, roles=(Role.STUDENT,))
    enroll(session, student, FREE)
    for user in (student, instructor, make_user(session, roles=(Role.ADMIN,))):
        device = device_for(user)
        device.pull_all()
        # The user's sign-in, then the clocks, drafts and releases in one read.
        answer, statements = statements_of(test_engine, device.pull)
        assert len(statements) == 2, (user.roles, statements)
        assert answer["changes"] == {}
        assert answer["tombstones"] == []


def test_a_no_op_check_misses_no_new_draft_and_no_course_sent_for_review(
    session: Session, device_for: DeviceFactory, test_engine: Engine
) -> None:
    instructor = make_user(session, roles=(Role.INSTRUCTOR,))
    admin = make_user(session, roles=(Role.ADMIN,))
    teaching, moderating = device_for(instructor), device_for(admin)
    teaching.pull_all()
    moderating.pull_all()
    assert len(statements_of(test_engine, teaching.pull)[1]) == 2
    # A draft writes only to its own partition, which the instructor's cursor has never held.
    created = teaching.client.post(
        f"{API}/authoring/courses",
        json={"course_id": str(uuid.uuid4()), "title": "Written since the last sync"},
        headers={"Authorization": f"Bearer {teaching.token}"},
    )
    assert created.status_code == 201, created.text
    course_id = str(created.json()["id"])
    assert course_id in rows(teaching.pull_all(), "courses")
    assert course_id not in rows(moderating.pull_all(), "courses")
    # Sent for review: now one of the admin's drafts, though no clock of theirs moved.
    course = session.get(Course, uuid.UUID(course_id))
    assert course is not None
    course.status = CourseStatus.PENDING
    stamp(session, course, f"draft:{course_id}")
    session.flush()
    assert rows(moderating.pull_all(), "courses")[course_id]["status"] == "pending"
