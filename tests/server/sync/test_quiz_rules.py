"""The server referees every quiz rule, whatever the client did (DESIGN.md section 11.3): the
attempt limit across all devices, the time limit, and no attempt starting in the future. The
demo quiz allows 3 attempts of 10 minutes each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import QuizAttempt, User
from tests.server.sync.helpers import API, FREE, FREE_QUIZ, Device, DeviceFactory, enroll

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def enrolled(session: Session, student: User) -> User:
    enroll(session, student, FREE)
    return student


def _attempt(device: Device, *, started: datetime, took: timedelta) -> dict[str, Any]:
    return device.mutation(
        m.SUBMIT_ATTEMPT,
        attempt_id=uuid.uuid4(),
        quiz_id=FREE_QUIZ,
        started_at=started.isoformat(),
        submitted_at=(started + took).isoformat(),
        answers={},
    )


def _stored(session: Session, student: User) -> int:
    session.expire_all()
    count = select(func.count()).where(QuizAttempt.student_id == student.id)
    return int(session.scalar(count) or 0)


def test_attempts_past_the_limit_are_refused_across_devices(
    session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    laptop, desktop, tablet = (device_for(enrolled) for _ in range(3))
    now = datetime.now(UTC) - timedelta(hours=1)
    # Each offline device thought it had attempts left: five attempts for three places.
    queued = [
        (laptop, _attempt(laptop, started=now, took=timedelta(minutes=5))),
        (desktop, _attempt(desktop, started=now, took=timedelta(minutes=4))),
        (laptop, _attempt(laptop, started=now, took=timedelta(minutes=3))),
        (tablet, _attempt(tablet, started=now, took=timedelta(minutes=2))),
        (desktop, _attempt(desktop, started=now, took=timedelta(minutes=1))),
    ]
    results = [device.push(mutation)["results"][0] for device, mutation in queued]
    assert [r["status"] for r in results] == ["applied"] * 3 + ["rejected"] * 2
    assert "all 3 attempts" in results[3]["reason"]
    assert _stored(session, enrolled) == 3
    # The refusal is stored: sent again (a lost answer), it is refused again with its reason.
    again = queued[3][0].push(queued[3][1])["results"][0]
    assert again["status"] == "rejected"
    assert "all 3 attempts" in again["reason"]


def test_the_rest_door_refuses_a_fourth_attempt_with_409(
    client: TestClient, session: Session, enrolled: User, device_for: DeviceFactory
) -> None:
    device = device_for(enrolled)
    started = datetime.now(UTC) - timedelta(minutes=30)
    for _ in range(3):
        device.push(_attempt(device, started=started, took=timedelta(minutes=2)))
    response = client.post(
        f"{API}/quizzes/{FREE_QUIZ}/attempts",
        json={
            "attempt_id": str(uuid.uuid4()),
            "started_at": started.isoformat(),
            "submitted_at": (started + timedelta(minutes=1)).isoformat(),
            "answers": {},
        },
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "attempts_exhausted"
    assert _stored(session, enrolled) == 3


@pytest.mark.parametrize(
    ("took", "accepted"),
    [
        (timedelta(minutes=10), True),
        (timedelta(minutes=10, seconds=59), True),  # the click and the app's auto-submit
        (timedelta(minutes=11, seconds=1), False),
        (timedelta(hours=5), False),
    ],
)
def test_the_time_limit_holds_on_the_server(
    session: Session, enrolled: User, device_for: DeviceFactory, took: timedelta, accepted: bool
) -> None:
    device = device_for(enrolled)
    started = datetime.now(UTC) - took - timedelta(minutes=1)
    [result] = device.push(_attempt(device, started=started, took=took))["results"]
    assert result["status"] == ("applied" if accepted else "rejected"), result
    if not accepted:
        assert "over the quiz's time limit of 10 min" in result["reason"]
    assert _stored(session, enrolled) == int(accepted)


@pytest.mark.parametrize(
    ("ahead", "accepted"),
    [
        (timedelta(minutes=2), True),  # a computer clock a little fast is a clock, not a cheat
        (timedelta(minutes=10), False),
        (timedelta(days=30), False),
    ],
)
def test_an_attempt_cannot_start_in_the_future(
    session: Session, enrolled: User, device_for: DeviceFactory, ahead: timedelta, accepted: bool
) -> None:
    device = device_for(enrolled)
    started = datetime.now(UTC) + ahead
    [result] = device.push(_attempt(device, started=started, took=timedelta(minutes=1)))["results"]
    assert result["status"] == ("applied" if accepted else "rejected"), result
    if not accepted:
        assert "started in the future" in result["reason"]
    assert _stored(session, enrolled) == int(accepted)
