"""Admins decide on courses waiting for review: who may, on which version, and what each
decision does to the course and to every client's copy."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import Course, User
from tests.factories import make_user
from tests.server.authoring.helpers import author
from tests.server.moderation.helpers import Reviewer, submit_course
from tests.server.sync.helpers import API, PENDING, DeviceFactory, rows

pytestmark = pytest.mark.usefixtures("seeded")
ReviewerFor = Callable[[User], Reviewer]


def _course(session: Session, course_id: uuid.UUID) -> Course:
    session.expire_all()
    course = session.get(Course, course_id)
    assert course is not None
    return course


def _queued(reviewer: Reviewer, **params: object) -> dict[str, dict[str, object]]:
    answer = reviewer.queue(**params)
    assert answer.status_code == 200, answer.text
    return {item["course_id"]: item for item in answer.json()["items"]}


def test_the_queue_is_for_admins_oldest_first_with_filters(
    admin: User,
    instructor: User,
    student: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    mine = submit_course(device_for(instructor), "Offline maps for hikers")
    queue = reviewer_for(admin).queue()
    assert queue.status_code == 200
    body = queue.json()
    # The demo's course in review was submitted before ours: it comes first.
    assert [i["course_id"] for i in body["items"]] == [str(PENDING), str(mine.course)]
    assert body["total"] == 2
    ours = body["items"][1]
    assert (ours["title"], ours["instructor_name"], ours["revision"], ours["lessons"]) == (
        "Offline maps for hikers",
        "Ada Instructor",
        1,
        1,
    )
    assert list(_queued(reviewer_for(admin), q="hikers")) == [str(mine.course)]
    assert list(_queued(reviewer_for(admin), q="ada instr")) == [str(mine.course)]
    assert _queued(reviewer_for(admin), q="nothing like it") == {}

    for outsider in (student, instructor):
        refused = reviewer_for(outsider).queue()
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == "Only admins can review courses."
    anonymous = device_for(admin).client.get(f"{API}/moderation/queue")
    assert anonymous.status_code == 401


def test_approval_publishes_the_course_to_every_client(
    session: Session,
    admin: User,
    instructor: User,
    student: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    laptop = device_for(instructor)
    submitted = submit_course(laptop)
    learner, admins_laptop = device_for(student), device_for(admin)
    laptop.pull_all()
    assert str(submitted.course) not in rows(learner.pull_all(), "courses")
    assert rows(admins_laptop.pull_all(), "courses")[str(submitted.course)]["status"] == "pending"
    version = _course(session, submitted.course).version

    decided = reviewer_for(admin).decide(submitted.course, "approved", version)
    assert decided.status_code == 200, decided.text
    assert decided.json()["reviewer_name"] == "Grace Reviewer"
    course = _course(session, submitted.course)
    assert (course.status, course.published_at is not None) == (CourseStatus.APPROVED, True)

    # Every student's catalog gains it: summary rows, no lesson text for non-buyers.
    pulled = learner.pull_all()
    assert rows(pulled, "courses")[str(submitted.course)]["status"] == "approved"
    assert rows(pulled, "lessons")[str(submitted.lesson)]["content"] == ""
    # The instructor's laptop: the draft partition goes, the course arrives in the catalog whole.
    pulled = laptop.pull_all()
    assert f"draft:{submitted.course}" in pulled[0]["partitions"]["revoked"]
    assert rows(pulled, "lessons")[str(submitted.lesson)]["content"] == "# Hello"
    assert rows(pulled, "courses")[str(submitted.course)]["sync_partition"] == "catalog"
    # It left the admins' queue, on the server and on their laptops.
    assert str(submitted.course) not in _queued(reviewer_for(admin))
    assert f"draft:{submitted.course}" in admins_laptop.pull_all()[0]["partitions"]["revoked"]


def test_a_rejection_needs_feedback_and_sends_the_course_back_to_its_instructor(
    session: Session,
    admin: User,
    instructor: User,
    other_instructor: User,
    student: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    laptop = device_for(instructor)
    submitted = submit_course(laptop)
    laptop.pull_all()
    version = _course(session, submitted.course).version
    reviewer = reviewer_for(admin)

    silent = reviewer.decide(submitted.course, "rejected", version, feedback="   ")
    assert silent.status_code == 422
    assert "needs feedback" in silent.text
    assert _course(session, submitted.course).status is CourseStatus.PENDING

    note = {str(submitted.lesson): "Show the map download before explaining tiles."}
    rejected = reviewer.decide(
        submitted.course,
        "rejected",
        version,
        feedback="The first lesson is too thin.",
        lesson_notes=note,
    )
    assert rejected.status_code == 200, rejected.text
    assert _course(session, submitted.course).status is CourseStatus.REJECTED
    # The instructor's laptop learns the status, the feedback and the note on the lesson.
    pulled = laptop.pull_all()
    assert rows(pulled, "courses")[str(submitted.course)]["status"] == "rejected"
    (review,) = rows(pulled, "moderation_reviews").values()
    assert (review["feedback"], review["lesson_notes"], review["revision"]) == (
        "The first lesson is too thin.",
        note,
        1,
    )
    assert str(submitted.course) not in _queued(reviewer)

    # Edited and resubmitted: back in the queue as its second revision.
    rest = author(laptop)
    longer = rest.edit("lesson", submitted.lesson, "content", "# Hello", "# Hello\n\nMore.")
    assert longer.is_success
    assert _course(session, submitted.course).status is CourseStatus.DRAFT
    assert rest.call("POST", f"/courses/{submitted.course}/submit").is_success
    assert _queued(reviewer)[str(submitted.course)]["revision"] == 2

    # The history: for admins and the owner, nobody else.
    history = reviewer_for(instructor).history(submitted.course)
    assert history.status_code == 200
    (entry,) = history.json()["entries"]
    assert (entry["decision"], entry["reviewer_name"], entry["course_version"]) == (
        "rejected",
        "Grace Reviewer",
        version,
    )
    assert reviewer.history(submitted.course).status_code == 200
    for outsider in (other_instructor, student):
        assert reviewer_for(outsider).history(submitted.course).status_code == 403
    assert reviewer.history(uuid.uuid4()).status_code == 404


def test_a_decision_on_a_version_the_admin_did_not_see_is_refused(
    session: Session,
    admin: User,
    other_admin: User,
    instructor: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    laptop = device_for(instructor)
    submitted = submit_course(laptop)
    seen = _course(session, submitted.course).version
    # An admin reviews offline and decides to approve; meanwhile another admin rejects, and the
    # instructor changes the course and resubmits.
    offline = device_for(other_admin)
    offline.pull_all()
    assert reviewer_for(admin).decide(submitted.course, "rejected", seen, "Too short.").is_success
    rest = author(laptop)
    assert rest.edit("course", submitted.course, "subtitle", "", "Now longer").is_success
    assert rest.call("POST", f"/courses/{submitted.course}/submit").is_success

    result = offline.push(
        offline.mutation(
            m.DECIDE,
            course_id=submitted.course,
            review_id=uuid.uuid4(),
            decision="approved",
            course_version=seen,
            feedback="",
        )
    )["results"][0]
    assert result["status"] == "rejected"
    assert "changed after you reviewed it" in result["reason"]
    assert f"version {seen}" in result["reason"]
    assert _course(session, submitted.course).status is CourseStatus.PENDING

    stale = reviewer_for(other_admin).decide(submitted.course, "approved", seen)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    current = _course(session, submitted.course).version
    assert reviewer_for(other_admin).decide(submitted.course, "approved", current).is_success


def test_only_a_pending_course_can_be_decided_and_only_by_another_admin(
    session: Session,
    admin: User,
    other_admin: User,
    instructor: User,
    student: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    submitted = submit_course(device_for(instructor))
    version = _course(session, submitted.course).version
    refused = reviewer_for(instructor).decide(submitted.course, "approved", version)
    assert refused.status_code == 403
    learner = device_for(student)
    result = learner.push(
        learner.mutation(
            m.DECIDE,
            course_id=submitted.course,
            review_id=uuid.uuid4(),
            decision="approved",
            course_version=version,
            feedback="",
        )
    )["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "Only admins can review courses.")

    assert reviewer_for(admin).decide(submitted.course, "approved", version).is_success
    twice = reviewer_for(other_admin).decide(submitted.course, "rejected", version, "Late.")
    assert twice.status_code == 409
    assert "no longer waiting for review: it was approved" in twice.json()["error"]["message"]
    assert _course(session, submitted.course).status is CourseStatus.APPROVED

    # A draft never submitted, and a course that does not exist.
    draft = author(device_for(instructor)).create("Not ready")
    assert reviewer_for(admin).decide(draft, "approved", 1).status_code == 409
    assert reviewer_for(admin).decide(uuid.uuid4(), "approved", 1).status_code == 404
    # An admin who is also the course's instructor cannot approve it.
    both = make_user(session, roles=(Role.ADMIN, Role.INSTRUCTOR), full_name="Wears Two Hats")
    own = submit_course(device_for(both), "Reviewing myself")
    version = _course(session, own.course).version
    selfish = reviewer_for(both).decide(own.course, "approved", version)
    assert selfish.status_code == 403
    assert "your own course" in selfish.json()["error"]["message"]


def test_a_repeated_offline_decision_is_recorded_once(
    session: Session,
    admin: User,
    instructor: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    submitted = submit_course(device_for(instructor))
    version = _course(session, submitted.course).version
    laptop = device_for(admin)
    decision = laptop.mutation(
        m.DECIDE,
        course_id=submitted.course,
        review_id=uuid.uuid4(),
        decision="rejected",
        course_version=version,
        feedback="Add a quiz.",
    )
    assert laptop.push(decision)["results"][0]["status"] == "applied"
    # The same push again is a duplicate; the same decision queued anew (a store restored from a
    # backup takes a new device id) is merged: one review either way.
    assert laptop.push(decision)["results"][0]["status"] == "duplicate"
    again = device_for(admin)
    requeued = again.mutation(m.DECIDE, **decision["args"])
    assert again.push(requeued)["results"][0]["status"] == "merged"
    history = reviewer_for(admin).history(submitted.course).json()["entries"]
    assert len(history) == 1


def test_the_review_audit_is_append_only(
    session: Session,
    admin: User,
    instructor: User,
    device_for: DeviceFactory,
    reviewer_for: ReviewerFor,
) -> None:
    submitted = submit_course(device_for(instructor))
    version = _course(session, submitted.course).version
    assert reviewer_for(admin).decide(submitted.course, "rejected", version, "No.").is_success
    for statement in (
        "UPDATE moderation_reviews SET feedback = 'Yes.'",
        "DELETE FROM moderation_reviews",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
