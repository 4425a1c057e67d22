"""Push: exactly once, in order, never jammed by one bad mutation."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts import mutations as m
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import MutationResult, User
from lmsdesk_server.main import create_app
from tests.server.sync.helpers import (
    API,
    FREE,
    FREE_TEXT,
    FREE_VIDEO,
    PAID_TEXT,
    DeviceFactory,
    enroll,
    progress,
)

pytestmark = pytest.mark.usefixtures("seeded")


def test_push_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.post(f"{API}/sync/push", json={})
    assert response.status_code == 401


def test_a_client_too_old_gets_426_with_the_minimum(
    client: TestClient, student: User, device_for: DeviceFactory
) -> None:
    device = device_for(student)
    response = client.post(
        f"{API}/sync/push",
        json={"device_id": str(device.device_id), "epoch": 1, "protocol": 0, "mutations": []},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert response.status_code == 426
    error = response.json()["error"]
    assert error["code"] == "upgrade_required"
    assert error["details"] == {"min_protocol": 1}
    assert "update" in error["message"]


def test_a_mutation_applies_once_however_often_it_is_sent(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    add_time = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=30)
    first = device.push(add_time)
    assert first["results"][0]["status"] == "applied"
    assert first["acked_through"] == 1
    for _ in range(3):  # the connection dropped before the answer arrived: sent again
        again = device.push(add_time)
        assert again["results"][0]["status"] == "duplicate"
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 30
    stored = session.scalar(select(func.count()).select_from(MutationResult))
    assert stored == 1


def test_a_rejected_mutation_does_not_block_the_ones_behind_it(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    not_enrolled = device.mutation(m.ADD_TIME, lesson_id=PAID_TEXT, seconds=5)
    unknown = device.mutation("enrollment.create@1", course_id=FREE)
    malformed = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=-3)
    fine = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=7)
    body = device.push(not_enrolled, unknown, malformed, fine)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["rejected", "rejected", "rejected", "applied"]
    assert "not enrolled" in body["results"][0]["reason"]
    assert "does not know" in body["results"][1]["reason"]  # enrollments are server-only
    assert "seconds" in body["results"][2]["reason"]
    assert body["acked_through"] == 4
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 7


def test_a_push_whose_commit_fails_is_never_acknowledged_and_applies_on_the_retry(
    session: Session,
    student: User,
    device_for: DeviceFactory,
    context: ServerContext,
    session_factory: sessionmaker[Session],
) -> None:
    """An "applied" answer makes the client drop the change from its outbox: it must only ever
    be sent for a change that is committed (FastAPI's default for a dependency with yield
    commits after the response has gone)."""
    enroll(session, student, FREE)
    device = device_for(student)
    add_time = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=30)
    failures = [OperationalError("COMMIT", None, Exception("the disk is full"))]

    def commit_fails_once(request_session: Session) -> None:
        if failures and not request_session.in_nested_transaction():  # the request's COMMIT
            raise failures.pop()

    event.listen(session_factory, "before_commit", commit_fails_once)
    try:
        with (
            TestClient(create_app(context), raise_server_exceptions=False) as flaky,
            pytest.raises(AssertionError, match="database_unavailable"),
        ):
            dataclasses.replace(device, client=flaky).push(add_time)
    finally:
        event.remove(session_factory, "before_commit", commit_fails_once)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(MutationResult)) == 0
    assert device.push(add_time)["results"][0]["status"] == "applied"  # not a duplicate
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 30


def test_a_refused_mutation_sent_again_is_refused_again_with_its_reason(
    student: User, device_for: DeviceFactory
) -> None:
    """A client whose first answer was lost must still learn that the change did not happen."""
    device = device_for(student)
    not_enrolled = device.mutation(m.ADD_TIME, lesson_id=PAID_TEXT, seconds=5)
    first = device.push(not_enrolled)["results"][0]
    again = device.push(not_enrolled)["results"][0]
    assert (first["status"], again["status"]) == ("rejected", "rejected")
    assert again["reason"] == first["reason"]
    assert "not enrolled" in again["reason"]


def test_sequence_numbers_may_skip_but_never_go_back(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    one = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=1)
    device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=99)  # coalesced away
    three = device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=2)
    assert [r["status"] for r in device.push(one, three)["results"]] == ["applied", "applied"]
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 3


def test_a_copied_store_replaying_under_a_new_device_id_is_a_duplicate(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    original = device_for(student)
    mutation = original.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=10)
    original.push(mutation)
    copy = device_for(student)  # same outbox row, new device id
    assert copy.push(mutation)["results"][0]["status"] == "duplicate"
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 10


def test_a_device_id_cannot_be_borrowed_by_another_account(
    session: Session, student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    from tests.factories import make_user

    mine = device_for(student)
    mine.push(mine.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=1))
    thief = device_for(make_user(session))
    response = client.post(
        f"{API}/sync/push",
        json={"device_id": str(mine.device_id), "epoch": 1, "protocol": 1, "mutations": []},
        headers={"Authorization": f"Bearer {thief.token}"},
    )
    assert response.status_code == 403


def test_a_mutation_id_another_account_used_is_never_that_accounts_change(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    """A mutation's identity is its user's: user B reusing user A's mutation id gets B's own
    change applied, and never A's row (their answers, their score) as a 'duplicate'."""
    from datetime import UTC, datetime

    from tests.factories import make_user
    from tests.server.sync.helpers import FREE_QUIZ

    enroll(session, student, FREE)
    other = make_user(session)
    enroll(session, other, FREE)
    alice, bob = device_for(student), device_for(other)
    secret = alice.mutation(
        m.SUBMIT_ATTEMPT,
        attempt_id=uuid.uuid4(),
        quiz_id=FREE_QUIZ,
        started_at=datetime.now(UTC).isoformat(),
        submitted_at=datetime.now(UTC).isoformat(),
        answers={"q": "alice's private answer"},
    )
    assert alice.push(secret)["results"][0]["status"] == "applied"

    copycat = bob.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=7)
    copycat["mutation_id"] = secret["mutation_id"]
    [result] = bob.push(copycat)["results"]
    assert result["status"] == "applied"
    assert "alice" not in str(result)
    assert progress(session, other, FREE_TEXT).time_spent_seconds == 7
    # Sent again, it is Bob's own change that is the duplicate.
    copycat_again = dict(copycat, seq=copycat["seq"] + 1)
    assert bob.push(copycat_again)["results"][0]["status"] == "duplicate"
    assert progress(session, other, FREE_TEXT).time_spent_seconds == 7
