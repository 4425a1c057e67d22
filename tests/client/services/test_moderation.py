"""Reviewing courses from an admin's laptop against the real server: the queue synced for
offline review, decisions queued and applied on sync, a stale decision coming back with its
reason, and the resubmission's diff."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, ReviewDecision
from lmsdesk.services.catalog import CatalogQuery, CatalogService
from lmsdesk.services.moderation import ModerationRefused, ModerationService
from lmsdesk.sync.engine import SyncStatus
from tests.support.authoring import Author, submitted_course
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (a server of their own)


@pytest.fixture
def instructor(live_server: LiveServer) -> str:
    return live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")


@pytest.fixture
def admin(live_server: LiveServer) -> str:
    return live_server.create_user(Role.ADMIN, name="Grace Reviewer")


def test_an_admin_reviews_offline_and_the_decisions_apply_on_sync(
    laptops: Callable[[str], Laptop],
    instructor: str,
    admin: str,
    link: CuttableLink,
    live_server: LiveServer,
) -> None:
    studio = laptops("studio")
    studio.sign_in(instructor).sync()
    course, text, _quiz = submitted_course(studio, "Offline maps for hikers")
    reviewer = laptops("reviewer")
    reviewer.sign_in(admin).sync()
    moderation = ModerationService(reviewer.service)

    link.cut()  # on a plane
    (entry,) = moderation.queue("hikers").entries
    assert (entry.course_id, entry.instructor_name, entry.revision, entry.lessons) == (
        course,
        "Ada Instructor",
        1,
        2,
    )
    review = moderation.review(course)
    assert review.changes is None  # a first submission: nothing to compare with
    (section,) = review.sections
    question = section.lessons[1].questions[0]
    assert (question.prompt, question.correct) == (
        "Where do offline tiles live?",
        ("On the device",),
    )
    assert review.fields["Price"] == "29.00 USD"
    with pytest.raises(ModerationRefused, match="needs feedback"):
        moderation.decide(course, ReviewDecision.REJECTED, "  ")
    moderation.decide(
        course,
        ReviewDecision.REJECTED,
        "Explain how tiles get onto the device.",
        {text: "Start with the download button."},
    )
    queue = moderation.queue("hikers")
    assert queue.entries == ()  # decided: out of the queue while the decision waits
    assert [w.description for w in queue.waiting] == ["Send back “Offline maps for hikers”"]
    assert reviewer.engine.sync().status is SyncStatus.OFFLINE

    link.restore()
    assert reviewer.engine.sync().status is SyncStatus.IDLE
    assert live_server.course_status(course) == "rejected"
    assert moderation.queue("hikers").waiting == ()
    studio.engine.sync()
    author = Author(studio.service)
    draft = author.draft(course)
    assert (draft.status, draft.feedback) == (
        CourseStatus.REJECTED,
        "Explain how tiles get onto the device.",
    )
    assert draft.lesson_notes == (("Reading a map offline", "Start with the download button."),)

    # The instructor reworks it and resubmits; the reviewer sees what changed.
    author.edit("lesson", text, "title", "Getting tiles onto the device")
    author.edit("lesson", text, "content", "Tiles " * 90)
    author.add_lesson(draft.sections[0].id, "Downloading a region", LessonType.TEXT, "Steps")
    author.edit("course", course, "price_cents", 1900)
    assert author.draft(course).lesson_notes != ()  # still shown while they work on it
    author.submit(course)
    studio.engine.sync()
    reviewer.engine.sync()
    (entry,) = moderation.queue("hikers").entries
    assert entry.revision == 2
    review = moderation.review(course)
    assert [str(change) for change in review.changes or ()] == [
        "Course edited: Offline maps for hikers (Price: 29.00 → 19.00)",
        "Lesson edited: Getting tiles onto the device (renamed from “Reading a map offline”; "
        "text changed, 40 → 90 words)",
        "Lesson added: Downloading a region (text lesson in “Getting started”)",
    ]
    (past,) = review.history
    assert (past.decision, past.reviewer_name, past.lesson_notes) == (
        ReviewDecision.REJECTED,
        "Grace Reviewer",
        {"Getting tiles onto the device": "Start with the download button."},
    )

    moderation.decide(course, ReviewDecision.APPROVED)
    reviewer.engine.sync()
    assert live_server.course_status(course) == "approved"
    assert moderation.queue("hikers").entries == ()
    studio.engine.sync()
    assert Author(studio.service).draft(course).status is CourseStatus.APPROVED
    shopper = laptops("shopper")
    shopper.sign_in(live_server.create_user(Role.STUDENT)).sync()
    listed = CatalogService(shopper.service).search(CatalogQuery(text="hikers"))
    assert [c.title for c in listed] == ["Offline maps for hikers"]


def test_a_decision_on_a_course_that_changed_comes_back_with_the_reason(
    laptops: Callable[[str], Laptop],
    instructor: str,
    admin: str,
    link: CuttableLink,
    live_server: LiveServer,
) -> None:
    studio = laptops("studio")
    studio.sign_in(instructor).sync()
    course, text, _quiz = submitted_course(studio, "Sync engines explained")
    offline = laptops("offline-admin")
    offline.sign_in(admin).sync()
    online = laptops("online-admin")
    online.sign_in(live_server.create_user(Role.ADMIN, name="Linus Reviewer")).sync()

    link.cut()
    ModerationService(offline.service).decide(course, ReviewDecision.APPROVED)
    link.restore()
    # Meanwhile another admin sends it back and the instructor changes and resubmits it.
    ModerationService(online.service).decide(course, ReviewDecision.REJECTED, "Too short.")
    online.engine.sync()
    studio.engine.sync()
    Author(studio.service).edit("lesson", text, "content", "Much more " * 50)
    Author(studio.service).submit(course)
    studio.engine.sync()

    outcome = offline.engine.sync()
    assert (outcome.status, outcome.failed) == (SyncStatus.IDLE, 1)
    assert live_server.course_status(course) == "pending"  # the blind approval did nothing
    moderation = ModerationService(offline.service)
    (entry,) = moderation.queue("Sync engines").entries
    assert "changed after you reviewed it" in (entry.refused or "")
    assert moderation.review(course).changes  # what changed is right there to look at

    moderation.decide(course, ReviewDecision.APPROVED)  # having looked again
    assert offline.engine.sync().failed == 0  # the refusal it answered is gone from the panel
    assert live_server.course_status(course) == "approved"


def test_an_unsent_decision_can_be_taken_back_and_own_courses_are_not_reviewed(
    laptops: Callable[[str], Laptop], admin: str, link: CuttableLink, live_server: LiveServer
) -> None:
    both = live_server.create_user(Role.ADMIN, Role.INSTRUCTOR, name="Wears Two Hats")
    laptop = laptops("both")
    laptop.sign_in(both).sync()
    own, _text, _quiz = submitted_course(laptop, "My own course")
    moderation = ModerationService(laptop.service)
    assert own not in {e.course_id for e in moderation.queue().entries}
    with pytest.raises(ModerationRefused, match="your own course"):
        moderation.decide(own, ReviewDecision.APPROVED)

    reviewer = laptops("reviewer")
    reviewer.sign_in(admin).sync()
    theirs = ModerationService(reviewer.service)
    link.cut()
    seq = theirs.decide(own, ReviewDecision.APPROVED)
    assert own not in {e.course_id for e in theirs.queue().entries}
    theirs.take_back(seq)
    assert own in {e.course_id for e in theirs.queue().entries}
    link.restore()
    reviewer.engine.sync()
    assert live_server.course_status(own) == "pending"
