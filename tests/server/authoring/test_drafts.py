"""Who may author what, and the draft -> pending state machine."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import Course, User
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD
from tests.server.authoring.helpers import author, edit
from tests.server.sync.helpers import FREE, PENDING, DeviceFactory, rows

pytestmark = pytest.mark.usefixtures("seeded")


def _status(session: Session, course_id: uuid.UUID) -> CourseStatus:
    session.expire_all()
    course = session.get(Course, course_id)
    assert course is not None
    return course.status


def test_a_draft_written_offline_reaches_only_its_instructors_devices(
    instructor: User, other_instructor: User, student: User, device_for: DeviceFactory
) -> None:
    laptop = device_for(instructor)
    course, section, lesson = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    results = laptop.push(
        laptop.mutation(m.CREATE_COURSE, course_id=course, title="Testing offline apps"),
        laptop.mutation(
            m.ADD_SECTION,
            course_id=course,
            section_id=section,
            title="Basics",
            position="a0",
        ),
        laptop.mutation(
            m.ADD_LESSON,
            section_id=section,
            lesson_id=lesson,
            title="Why offline",
            lesson_type="text",
            position="a0",
            content="# Hello",
        ),
        edit(laptop, course, "price_cents", 0, 1900),
    )["results"]
    assert [r["status"] for r in results] == ["applied"] * 4

    desktop = device_for(instructor)  # the instructor's second machine
    pulled = desktop.pull_all()
    mine = rows(pulled, "courses")[str(course)]
    assert (mine["status"], mine["price_cents"], mine["title"]) == (
        "draft",
        1900,
        "Testing offline apps",
    )
    assert rows(pulled, "lessons")[str(lesson)]["content"] == "# Hello"
    assert str(section) in rows(pulled, "course_sections")
    for outsider in (other_instructor, student):
        assert str(course) not in rows(device_for(outsider).pull_all(), "courses")


def test_only_instructors_create_courses_and_only_the_owner_edits_them(
    instructor: User, other_instructor: User, student: User, device_for: DeviceFactory
) -> None:
    learner = device_for(student)
    refused = learner.push(
        learner.mutation(m.CREATE_COURSE, course_id=uuid.uuid4(), title="Mine now")
    )["results"][0]
    assert (refused["status"], refused["reason"]) == (
        "rejected",
        "Only instructors can create courses.",
    )
    course = author(device_for(instructor)).create("Ada's course")
    intruder = author(device_for(other_instructor)).edit(
        "course", course, "title", "Ada's course", "Stolen"
    )
    assert intruder.status_code == 403
    assert intruder.json()["error"]["message"] == "Only the course's instructor can change it."
    assert rows(device_for(instructor).pull_all(), "courses")[str(course)]["title"] == (
        "Ada's course"
    )


def test_courses_waiting_for_review_or_published_cannot_be_edited(
    session: Session, device_for: DeviceFactory
) -> None:
    demo = session.scalars(select(User).where(User.email == "instructor@example.com")).one()
    demo.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    rest = author(device_for(demo))
    pending = rest.edit("course", PENDING, "subtitle", None, "New subtitle")
    assert pending.status_code == 403
    assert "waiting for review" in pending.json()["error"]["message"]
    published = rest.edit("course", FREE, "subtitle", None, "New subtitle")
    assert published.status_code == 403
    assert "published" in published.json()["error"]["message"]
    assert (_status(session, PENDING), _status(session, FREE)) == (
        CourseStatus.PENDING,
        CourseStatus.APPROVED,
    )


def test_submit_lists_what_is_missing_then_sends_the_draft_to_review(
    session: Session, instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(instructor))
    course = rest.create()
    empty = rest.call("POST", f"/courses/{course}/submit")
    assert (empty.status_code, empty.json()["error"]["code"]) == (409, "not_ready")
    assert "Add at least one section with a lesson in it." in empty.json()["error"]["message"]
    section = rest.add_section(course)
    video = rest.add_lesson(section, lesson_type="video", position="a0")
    assert rest.edit("course", course, "price_cents", 0, 30).status_code == 200
    problems = rest.call("POST", f"/courses/{course}/submit").json()["error"]["message"]
    assert "Set a price of at least 0.50" in problems
    assert "Upload the video of 1 lesson(s)." in problems
    assert "Add at least one section" not in problems
    assert _status(session, course) is CourseStatus.DRAFT

    assert rest.call("DELETE", f"/lessons/{video}").status_code == 204
    rest.add_lesson(section, lesson_type="text", position="a1")
    rest.edit("course", course, "price_cents", 30, 1900)
    submitted = rest.call("POST", f"/courses/{course}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "pending"
    assert _status(session, course) is CourseStatus.PENDING
    # Submitting twice agrees; editing while in review is refused.
    assert rest.call("POST", f"/courses/{course}/submit").status_code == 200
    late = rest.edit("course", course, "price_cents", 1900, 2900)
    assert late.status_code == 403
    assert "waiting for review" in late.json()["error"]["message"]


def test_editing_a_rejected_course_makes_it_a_draft_again(
    session: Session, instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(instructor))
    course = rest.create("Needs work")
    row = session.get(Course, course)
    assert row is not None
    row.status = CourseStatus.REJECTED
    session.flush()
    assert rest.edit("course", course, "subtitle", "", "Now with exercises").status_code == 200
    assert _status(session, course) is CourseStatus.DRAFT


def test_bad_edits_are_refused_with_a_reason_and_change_nothing(
    session: Session, instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    course = rest.create("Careful")
    unknown = rest.edit("course", course, "status", "draft", "approved")
    assert unknown.status_code == 422
    assert "cannot be edited" in unknown.text
    negative = rest.edit("course", course, "price_cents", 0, -5)
    assert negative.status_code == 422
    nowhere = rest.edit("course", course, "category_id", None, str(uuid.uuid4()))
    assert nowhere.status_code == 403
    assert "category does not exist" in nowhere.json()["error"]["message"]
    synced = device.push(edit(device, course, "currency", "USD", "dollars"))["results"][0]
    assert synced["status"] == "rejected"
    assert "currency" in synced["reason"]
    session.expire_all()
    saved = session.get(Course, course)
    assert saved is not None
    assert (saved.price_cents, saved.currency, saved.status) == (0, "USD", CourseStatus.DRAFT)


def test_tags_are_a_set_per_course_shared_by_name(
    instructor: User, other_instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    course = rest.create()
    first = rest.call(
        "PUT", "/courses/tags", {"course_id": str(course), "tags": ["Offline", " sync ", "offline"]}
    )
    assert first.status_code == 200, first.text
    assert first.json()["tags"] == ["offline", "sync"]
    pulled = device.pull_all()
    every = {row["id"]: row["name"] for row in rows(pulled, "course_tags").values()}
    mapped = [
        r["tag_id"]
        for r in rows(pulled, "course_tag_map").values()
        if r["course_id"] == str(course)
    ]
    names = {tag: every[tag] for tag in mapped}
    assert sorted(names.values()) == ["offline", "sync"]
    rest.call("PUT", "/courses/tags", {"course_id": str(course), "tags": ["offline"]})
    gone = [
        t["row_id"]
        for page in device.pull_all()
        for t in page["tombstones"]
        if t["table"] == "course_tag_map"
    ]
    assert gone == [f"{course}:{next(k for k, v in names.items() if v == 'sync')}"]
    # Another instructor's course tagged "offline" shares the tag.
    other = author(device_for(other_instructor))
    theirs = other.create()
    other.call("PUT", "/courses/tags", {"course_id": str(theirs), "tags": ["OFFLINE"]})
    too_many = rest.call(
        "PUT", "/courses/tags", {"course_id": str(course), "tags": [f"t{i}" for i in range(11)]}
    )
    assert too_many.status_code == 422
    refused = other.call("PUT", "/courses/tags", {"course_id": str(course), "tags": []})
    assert refused.status_code == 403


def test_a_lesson_lists_links_and_students_of_the_course_get_them(
    instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    lesson = rest.add_lesson(rest.add_section(rest.create()))
    link = uuid.uuid4()
    body = {
        "lesson_id": str(lesson),
        "resource_id": str(link),
        "title": "SQLite docs",
        "url": "https://sqlite.org/docs.html",
    }
    added = rest.call("POST", "/resources", body)
    assert added.status_code == 201, added.text
    assert added.json()["kind"] == "link"
    bad = rest.call(
        "POST",
        "/resources",
        {**body, "resource_id": str(uuid.uuid4()), "url": "javascript:alert(1)"},
    )
    assert bad.status_code == 422
    assert rows(device.pull_all(), "lesson_resources")[str(link)]["url"] == (
        "https://sqlite.org/docs.html"
    )
    assert rest.call("DELETE", f"/resources/{link}").status_code == 204
    gone = [(t["table"], t["row_id"]) for page in device.pull_all() for t in page["tombstones"]]
    assert gone == [("lesson_resources", str(link))]


def test_a_course_in_review_cannot_be_deleted(
    session: Session, instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(instructor))
    course = rest.create()
    rest.add_lesson(rest.add_section(course))
    assert rest.call("POST", f"/courses/{course}/submit").status_code == 200
    refused = rest.call("DELETE", f"/courses/{course}")
    assert refused.status_code == 403
    assert "waiting for review" in refused.json()["error"]["message"]
    assert _status(session, course) is CourseStatus.PENDING
