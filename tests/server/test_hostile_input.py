"""What the fuzzer found, each pinned down: input the server once answered with a 500 now gets
a clear 4xx (or, in a sync push, a rejected mutation that does not block the queue)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.authoring.helpers import author
from tests.server.sync.helpers import API, FREE, FREE_TEXT, DeviceFactory, enroll


@pytest.fixture
def everyone(session: Session) -> User:
    return make_user(session, roles=(Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN))


def test_text_with_a_nul_character_is_refused_in_both_doors(
    client: TestClient, device_for: DeviceFactory, everyone: User
) -> None:
    device = device_for(everyone)
    person = {"email": "nul@example.com", "password": "a long passphrase", "full_name": "N\x00L"}
    answer = client.post(f"{API}/auth/register", json=person)
    assert answer.status_code == 422
    assert "NUL" in answer.json()["error"]["message"]
    pushed = device.push(
        device.mutation(m.CREATE_COURSE, course_id=uuid.uuid4(), title="A\x00B"),
        device.mutation(m.CREATE_COURSE, course_id=uuid.uuid4(), title="Fine"),
    )["results"]
    assert [r["status"] for r in pushed] == ["rejected", "applied"]  # the queue moves on
    queue = client.get(
        f"{API}/moderation/queue",
        params={"q": "a\x00b"},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert (queue.status_code, queue.json()["error"]["code"]) == (422, "invalid_value")


def test_numbers_and_keys_out_of_range_and_forged_signatures_get_a_clear_answer(
    client: TestClient, device_for: DeviceFactory, everyone: User
) -> None:
    device = device_for(everyone)
    headers = {"Authorization": f"Bearer {device.token}"}
    huge = client.post(
        f"{API}/sync/push",
        headers=headers,
        json={
            "device_id": str(uuid.uuid4()),
            "epoch": 1,
            "protocol": 1,
            "mutations": [
                {
                    "seq": 2**64,
                    "mutation_id": str(uuid.uuid4()),
                    "hlc": 1,
                    "name": m.ADD_TO_WISHLIST.name,
                    "args": {},
                }
            ],
        },
    )
    assert huge.status_code == 422
    twice = device.mutation(m.ADD_TO_WISHLIST, course_id=uuid.uuid4())
    repeated = client.post(
        f"{API}/sync/push",
        headers=headers,
        json={
            "device_id": str(uuid.uuid4()),
            "epoch": 1,
            "protocol": 1,
            "mutations": [twice, {**twice, "mutation_id": str(uuid.uuid4())}],
        },
    )
    assert repeated.status_code == 422  # the same seq twice in one push (it was a 500)
    assert "increasing seq order" in repeated.json()["error"]["message"]
    rest = author(device)
    course = rest.create()
    badly_placed = rest.call(
        "POST",
        "/sections",
        {"course_id": str(course), "section_id": str(uuid.uuid4()), "title": "S", "position": "0"},
    )
    assert badly_placed.status_code == 422
    assert "not a position key" in badly_placed.json()["error"]["message"]
    cursor = {"device_id": str(uuid.uuid4()), "protocol": 1, "cursor": "e30.Ω≈ç", "limit": 10}
    forged = client.post(f"{API}/sync/pull", headers=headers, json=cursor)
    assert forged.status_code == 200  # an unknown cursor: everything is sent again
    link = client.get(
        f"{API}/media/{uuid.uuid4()}", params={"u": str(everyone.id), "e": "9999999999", "s": "Ω≈ç"}
    )
    assert link.status_code in (401, 403, 404)


@pytest.mark.usefixtures("seeded")
def test_times_without_an_offset_are_taken_as_utc(
    client: TestClient, device_for: DeviceFactory, session: Session
) -> None:
    """A client that leaves out the offset is not a server error: the time is UTC."""
    student = make_user(session)
    enroll(session, student, FREE)
    device = device_for(student)
    done = device.push(
        device.mutation(m.COMPLETE_LESSON, lesson_id=FREE_TEXT, completed_at="2026-11-20T10:00:00")
    )
    assert done["results"][0]["status"] == "applied", done
    seen = client.put(
        f"{API}/courses/{FREE}/community/seen",
        json={"seen_through": "2026-11-20T10:00:00"},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert seen.status_code == 200, seen.text
    assert seen.json()["seen_through"].startswith("2026-11-20T10:00:00")
