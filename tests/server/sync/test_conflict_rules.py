"""DESIGN.md section 5's conflict rules, each on its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk_server.db.models import QuizAttempt, User
from tests.server.sync.helpers import (
    FREE,
    FREE_QUIZ,
    FREE_QUIZ_LESSON,
    FREE_TEXT,
    FREE_VIDEO,
    DeviceFactory,
    demo_id,
    enroll,
    progress,
)

pytestmark = pytest.mark.usefixtures("seeded")
DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def enrolled(session: Session, student: User) -> User:
    enroll(session, student, FREE)
    return student


def test_a_later_rewatch_from_the_start_wins(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    laptop = device_for(enrolled)
    desktop = device_for(enrolled, clock_offset_ms=60_000)  # the rewatch is a minute later
    watched_far = laptop.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=25)
    rewatch = desktop.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=0)
    # The rewatch happened later but its sync arrives first: arrival order must not matter.
    desktop.push(rewatch)
    laptop.push(watched_far)
    row = progress(session, enrolled, FREE_VIDEO)
    assert row.last_position_seconds == 0
    assert row.furthest_position_seconds == 25  # the max register keeps "percent watched"


def test_a_device_whose_clock_is_a_day_fast_does_not_win_forever(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    fast = device_for(enrolled, clock_offset_ms=DAY_MS)
    honest = device_for(enrolled)
    fast.push(fast.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=20))
    honest.push(honest.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=5))
    assert progress(session, enrolled, FREE_VIDEO).last_position_seconds == 5


def test_a_device_whose_clock_is_a_day_slow_still_orders_after_what_it_has_seen(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    honest = device_for(enrolled)
    slow = device_for(enrolled, clock_offset_ms=-DAY_MS)
    honest.push(honest.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=12))
    slow.pull()  # it syncs, learns the server's clock...
    slow.push(slow.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=3))
    assert progress(session, enrolled, FREE_VIDEO).last_position_seconds == 3  # ...and wins after


def test_seeking_back_never_lowers_the_furthest_position(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    device = device_for(enrolled)
    for position in (10, 27, 4):
        device.push(
            device.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=position)
        )
    row = progress(session, enrolled, FREE_VIDEO)
    assert row.last_position_seconds == 4
    assert row.furthest_position_seconds == 27
    assert row.status is ProgressStatus.IN_PROGRESS


def test_seeking_ahead_moves_the_position_but_not_what_was_watched(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    device = device_for(enrolled)
    device.push(
        device.mutation(
            m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=29, furthest_seconds=6
        )
    )
    row = progress(session, enrolled, FREE_VIDEO)
    assert row.last_position_seconds == 29  # resumes where the student left the playhead
    assert row.furthest_position_seconds == 6  # but only 6 s were watched


def test_completion_only_grows_and_an_explicit_reset_clears_it(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    phone, laptop = device_for(enrolled), device_for(enrolled)
    done_at = datetime.now(UTC) - timedelta(minutes=5)
    complete = phone.mutation(
        m.COMPLETE_LESSON, lesson_id=FREE_TEXT, completed_at=done_at.isoformat()
    )
    phone.push(complete)
    # A stale position write from another device does not un-complete it.
    laptop.push(laptop.mutation(m.SET_POSITION, lesson_id=FREE_TEXT, position_seconds=0))
    assert progress(session, enrolled, FREE_TEXT).status is ProgressStatus.COMPLETED

    reset = laptop.mutation(m.RESET_PROGRESS, lesson_id=FREE_TEXT, reset_generation=0)
    assert laptop.push(reset)["results"][0]["status"] == "applied"
    row = progress(session, enrolled, FREE_TEXT)
    assert row.status is ProgressStatus.NOT_STARTED
    assert row.completed_at is None
    assert row.reset_generation == 1

    # The phone was offline during the reset and completes again from the old generation:
    late = phone.mutation(
        m.COMPLETE_LESSON,
        lesson_id=FREE_TEXT,
        completed_at=done_at.isoformat(),
        reset_generation=0,
    )
    assert phone.push(late)["results"][0]["status"] == "merged"
    assert progress(session, enrolled, FREE_TEXT).status is ProgressStatus.NOT_STARTED
    # A second reset of the same generation (another device) resets nothing more.
    again = phone.mutation(m.RESET_PROGRESS, lesson_id=FREE_TEXT, reset_generation=0)
    assert phone.push(again)["results"][0]["status"] == "merged"
    assert progress(session, enrolled, FREE_TEXT).reset_generation == 1


def test_time_spent_is_added_once_per_mutation(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    a, b = device_for(enrolled), device_for(enrolled)
    first = a.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=60)
    second = b.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=45)
    a.push(first)
    b.push(second)
    a.push(first)  # re-sent after a timeout
    b.push(second)
    assert progress(session, enrolled, FREE_TEXT).time_spent_seconds == 105


def _answers(correct: bool) -> dict[str, object]:
    key = "offline-first-basics"
    return {
        str(demo_id(f"{key}:q0")): 1 if correct else 0,
        str(demo_id(f"{key}:q1")): [0, 1, 2] if correct else [0],
        str(demo_id(f"{key}:q2")): False,
        str(demo_id(f"{key}:q3")): " Laptop " if correct else "cloud",
    }


def test_attempts_are_append_only_and_graded_by_the_server(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    laptop, phone = device_for(enrolled), device_for(enrolled)
    started = datetime.now(UTC) - timedelta(minutes=3)
    fail_id, pass_id = uuid.uuid4(), uuid.uuid4()

    def attempt(device: object, attempt_id: uuid.UUID, correct: bool) -> dict[str, object]:
        return device.mutation(  # type: ignore[attr-defined,no-any-return]
            m.SUBMIT_ATTEMPT,
            attempt_id=attempt_id,
            quiz_id=FREE_QUIZ,
            started_at=started.isoformat(),
            submitted_at=datetime.now(UTC).isoformat(),
            answers=_answers(correct),
        )

    failed = attempt(laptop, fail_id, correct=False)
    passed = attempt(phone, pass_id, correct=True)
    result = laptop.push(failed)["results"][0]
    assert result["status"] == "applied", result
    assert result["row"]["percent"] == 25.0  # only the true/false answer was right
    assert result["row"]["passed"] is False
    assert phone.push(passed)["results"][0]["row"]["passed"] is True
    laptop.push(failed)  # sent twice: still two attempts, not three
    session.expire_all()
    attempts = session.scalars(select(QuizAttempt).order_by(QuizAttempt.attempt_number)).all()
    assert [(a.id, a.attempt_number) for a in attempts] == [(fail_id, 1), (pass_id, 2)]
    # The passing score completed the quiz lesson.
    assert progress(session, enrolled, FREE_QUIZ_LESSON).status is ProgressStatus.COMPLETED


def test_a_client_cannot_claim_its_own_score(enrolled: User, device_for: DeviceFactory) -> None:
    device = device_for(enrolled)
    mutation = device.mutation(
        m.SUBMIT_ATTEMPT,
        attempt_id=uuid.uuid4(),
        quiz_id=FREE_QUIZ,
        started_at=datetime.now(UTC).isoformat(),
        submitted_at=datetime.now(UTC).isoformat(),
        answers=_answers(False),
    )
    mutation["args"]["percent"] = 100
    result = device.push(mutation)["results"][0]
    assert result["status"] == "rejected"
    assert "percent" in result["reason"]
