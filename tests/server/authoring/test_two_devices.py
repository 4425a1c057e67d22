"""One draft, two laptops: field-by-field merge, conflicts the instructor resolves, reorders
that never collide, deletes that reach the other laptop in an order its keys allow."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import Course, User
from tests.server.authoring.helpers import author, edit
from tests.server.sync.helpers import Device, DeviceFactory, rows

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def laptops(instructor: User, device_for: DeviceFactory) -> tuple[Device, Device]:
    return device_for(instructor), device_for(instructor)


def _course(session: Session, course_id: uuid.UUID) -> Course:
    session.expire_all()
    course = session.get(Course, course_id)
    assert course is not None
    return course


def test_different_fields_edited_on_two_laptops_both_survive(
    session: Session, laptops: tuple[Device, Device]
) -> None:
    a, b = laptops
    course = author(a).create("Offline apps")
    first = a.push(edit(a, course, "title", "Offline apps", "Offline-first apps"))
    second = b.push(edit(b, course, "subtitle", "", "From zero to sync"))
    assert [first["results"][0]["status"], second["results"][0]["status"]] == ["applied"] * 2
    saved = _course(session, course)
    assert (saved.title, saved.subtitle) == ("Offline-first apps", "From zero to sync")


def test_the_same_field_on_two_laptops_is_a_conflict_that_blocks_submit_until_resolved(
    session: Session, laptops: tuple[Device, Device]
) -> None:
    a, b = laptops
    rest = author(a)
    course = rest.create("Offline apps")
    rest.add_lesson(rest.add_section(course))
    a.push(edit(a, course, "title", "Offline apps", "Offline-first apps"))
    result = b.push(edit(b, course, "title", "Offline apps", "Apps that work offline"))
    clash = result["results"][0]
    assert clash["status"] == "conflict"
    assert "choose which to keep" in clash["reason"]
    assert (clash["row"]["server_value"], clash["row"]["client_value"]) == (
        "Offline-first apps",
        "Apps that work offline",
    )
    assert _course(session, course).title == "Offline-first apps"  # nothing overwritten

    # Both laptops learn about it.
    for device in (a, b):
        conflicts = rows(device.pull_all(), "draft_conflicts")
        assert [c["field"] for c in conflicts.values()] == ["title"]
    refused = rest.call("POST", f"/courses/{course}/submit")
    assert refused.status_code == 409
    assert "Resolve 1 conflicting edit(s)." in refused.json()["error"]["message"]

    resolved = author(b).call("POST", f"/conflicts/{clash['row']['id']}/resolve", {"keep": "mine"})
    assert resolved.status_code == 200, resolved.text
    assert _course(session, course).title == "Apps that work offline"
    assert rows(a.pull_all(), "draft_conflicts")[clash["row"]["id"]]["resolved_at"] is not None
    assert rest.call("POST", f"/courses/{course}/submit").status_code == 200


def test_keep_theirs_leaves_the_other_laptops_value(
    session: Session, laptops: tuple[Device, Device]
) -> None:
    a, b = laptops
    course = author(a).create("Offline apps")
    a.push(edit(a, course, "price_cents", 0, 1900))
    clash = b.push(edit(b, course, "price_cents", 0, 2900))["results"][0]
    b.push(b.mutation(m.RESOLVE_CONFLICT, conflict_id=clash["row"]["id"], keep="theirs"))
    assert _course(session, course).price_cents == 1900
    # Resolving again (a duplicate from the other laptop) changes nothing.
    again = a.push(a.mutation(m.RESOLVE_CONFLICT, conflict_id=clash["row"]["id"], keep="mine"))[
        "results"
    ][0]
    assert again["status"] == "merged"
    assert _course(session, course).price_cents == 1900


def test_an_online_edit_that_collides_answers_409_and_keeps_the_conflict(
    laptops: tuple[Device, Device],
) -> None:
    a, b = laptops
    course = author(a).create("Offline apps")
    a.push(edit(a, course, "description", "", "Version A"))
    response = author(b).edit("course", course, "description", "", "Version B")
    assert response.status_code == 409
    conflict = response.json()["error"]["details"]["conflict"]
    assert (conflict["server_value"], conflict["client_value"]) == ("Version A", "Version B")
    assert conflict["id"] in rows(a.pull_all(), "draft_conflicts")


def test_sections_appended_on_two_laptops_offline_keep_distinct_positions(
    laptops: tuple[Device, Device],
) -> None:
    a, b = laptops
    course = author(a).create("Offline apps")
    first, second = uuid.uuid4(), uuid.uuid4()
    a.push(
        a.mutation(m.ADD_SECTION, course_id=course, section_id=first, title="From A", position="a0")
    )
    b.push(
        b.mutation(
            m.ADD_SECTION,
            course_id=course,
            section_id=second,
            title="From B",
            position="a0",
        )
    )
    sections = rows(a.pull_all(), "course_sections")
    positions = {sections[str(first)]["position"], sections[str(second)]["position"]}
    assert len(positions) == 2
    assert sorted(positions)[0] == "a0"


def test_a_lesson_moves_across_sections_and_a_deleted_section_takes_its_lessons(
    laptops: tuple[Device, Device],
) -> None:
    a, b = laptops
    rest = author(a)
    course = rest.create("Offline apps")
    intro, advanced = rest.add_section(course, "a0"), rest.add_section(course, "a1")
    lesson = rest.add_lesson(intro)
    staying = rest.add_lesson(intro, position="a1")
    b.pull_all()
    moved = b.push(b.mutation(m.MOVE_LESSON, lesson_id=lesson, section_id=advanced, position="a0"))[
        "results"
    ][0]
    assert moved["status"] == "applied"
    assert rows(a.pull_all(), "lessons")[str(lesson)]["section_id"] == str(advanced)

    assert rest.call("DELETE", f"/sections/{intro}").status_code == 204
    gone = [(t["table"], t["row_id"]) for page in b.pull_all() for t in page["tombstones"]]
    assert gone == [("lessons", str(staying)), ("course_sections", str(intro))]
    # A delete that arrives twice (the other laptop deleted it offline too) agrees.
    twice = b.push(b.mutation(m.DELETE, entity="section", entity_id=intro))
    assert twice["results"][0]["status"] == "merged"


def test_a_move_into_another_course_is_refused(laptops: tuple[Device, Device]) -> None:
    a, _ = laptops
    rest = author(a)
    first, second = rest.create("One"), rest.create("Two")
    lesson = rest.add_lesson(rest.add_section(first))
    elsewhere = rest.add_section(second)
    refused = a.push(
        a.mutation(m.MOVE_LESSON, lesson_id=lesson, section_id=elsewhere, position="a0")
    )["results"][0]
    assert (refused["status"], refused["reason"]) == (
        "rejected",
        "A lesson can only move within its own course.",
    )


def test_a_deleted_draft_leaves_both_laptops_and_cannot_be_touched_again(
    laptops: tuple[Device, Device],
) -> None:
    a, b = laptops
    rest = author(a)
    course = rest.create("Throwaway")
    rest.add_lesson(rest.add_section(course))
    first = b.pull_all()
    assert str(course) in rows(first, "courses")
    assert rest.call("DELETE", f"/courses/{course}").status_code == 204
    revoked = [p for page in b.pull_all() for p in page["partitions"]["revoked"]]
    assert revoked == [f"draft:{course}"]
    late = b.push(edit(b, course, "title", "Throwaway", "Keep me"))["results"][0]
    assert (late["status"], late["reason"]) == ("rejected", "That course does not exist.")
    assert rest.call("DELETE", f"/courses/{course}").status_code == 204  # again: agrees
