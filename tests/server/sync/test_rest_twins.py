"""One rule, two doors: a REST call and a synced mutation run the same handler."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import User
from tests.server.sync.helpers import (
    API,
    FREE,
    FREE_TEXT,
    PAID,
    PAID_TEXT,
    DeviceFactory,
    enroll,
    progress,
    rows,
)

pytestmark = pytest.mark.usefixtures("seeded")


def test_rest_twins_need_a_signed_in_user(client: TestClient) -> None:
    assert client.post(f"{API}/progress/{FREE_TEXT}/time", json={"seconds": 5}).status_code == 401
    assert client.put(f"{API}/wishlist/{PAID}").status_code == 401


def test_rest_and_sync_add_up_under_the_same_rule(
    session: Session, student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    headers = {"Authorization": f"Bearer {device.token}"}
    device.push(device.mutation(m.ADD_TIME, lesson_id=FREE_TEXT, seconds=20))
    online = client.post(f"{API}/progress/{FREE_TEXT}/time", json={"seconds": 5}, headers=headers)
    assert online.status_code == 200
    assert online.json()["time_spent_seconds"] == 25
    assert progress(session, student, FREE_TEXT).time_spent_seconds == 25
    # The REST write is stamped into the user's partition like any synced one.
    pulled = rows(device.pull_all(), "lesson_progress")
    assert [r["time_spent_seconds"] for r in pulled.values()] == [25]


def test_rest_refusals_are_the_same_refusals_as_sync(
    student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    headers = {"Authorization": f"Bearer {device_for(student).token}"}
    refused = client.post(f"{API}/progress/{PAID_TEXT}/time", json={"seconds": 5}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "You are not enrolled in this course."
    rating = client.put(f"{API}/courses/{PAID}/rating", json={"rating": 5}, headers=headers)
    assert rating.status_code == 403
    assert "enrolled" in rating.json()["error"]["message"]
    bad = client.post(f"{API}/progress/{FREE_TEXT}/time", json={"seconds": -1}, headers=headers)
    assert bad.status_code == 422


def test_wishlist_over_rest(student: User, device_for: DeviceFactory, client: TestClient) -> None:
    device = device_for(student)
    headers = {"Authorization": f"Bearer {device.token}"}
    assert client.put(f"{API}/wishlist/{PAID}", headers=headers).status_code == 200
    assert rows(device.pull_all(), "wishlist_items")
    assert client.delete(f"{API}/wishlist/{PAID}", headers=headers).status_code == 204
    tombstones = [t for page in device.pull_all() for t in page["tombstones"]]
    assert [t["table"] for t in tombstones] == ["wishlist_items"]
