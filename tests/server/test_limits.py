"""Limits: bodies, uploads and page sizes past what an endpoint takes get a clear 4xx, and the
server reads none of an oversized body."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.media import MAX_CHUNK_BYTES
from lmsdesk_server.body_limits import DEFAULT_LIMIT
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.sync.helpers import API, DeviceFactory


@pytest.fixture
def instructor(session: Session) -> User:
    return make_user(session, roles=(Role.INSTRUCTOR, Role.ADMIN))


def _headers(device_for: DeviceFactory, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {device_for(user).token}"}


def test_a_body_larger_than_the_endpoint_takes_is_refused_unread(
    client: TestClient, instructor: User, device_for: DeviceFactory
) -> None:
    headers = _headers(device_for, instructor)
    big = {
        "entity": "course",
        "entity_id": str(uuid.uuid4()),
        "field": "description",
        "base": "",
        "value": "x" * DEFAULT_LIMIT,
    }
    answer = client.patch(f"{API}/authoring/fields", json=big, headers=headers)
    assert answer.status_code == 413
    assert answer.json()["error"] == {
        "code": "payload_too_large",
        "details": None,
        "message": "The request body is larger than this endpoint takes (1024 KB).",
    }
    # An upload chunk may be up to MAX_CHUNK_BYTES; more is refused before it is read.
    too_much = b"0" * (MAX_CHUNK_BYTES + 65 * 1024)
    chunk = client.put(
        f"{API}/media/{uuid.uuid4()}/content",
        content=too_much,
        headers={**headers, "Upload-Offset": "0"},
    )
    assert chunk.status_code == 413

    # A body without a length is refused rather than read to the end.
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"course_id": "'
        yield b'x"}'

    streamed = client.post(f"{API}/checkout/sessions", content=chunks(), headers=headers)
    assert streamed.status_code == 411
    assert streamed.json()["error"]["code"] == "length_required"


def test_files_and_pages_past_their_limits_get_a_clear_answer(
    client: TestClient, instructor: User, device_for: DeviceFactory
) -> None:
    headers = _headers(device_for, instructor)
    huge = {
        "asset_id": str(uuid.uuid4()),
        "filename": "lecture.mp4",
        "mime_type": "video/mp4",
        "size_bytes": 5 * 1024**3,
        "sha256": hashlib.sha256(b"").hexdigest(),
    }
    announced = client.post(f"{API}/media", json=huge, headers=headers)
    assert announced.status_code == 413
    assert "the largest file the server takes is 4.0 GB" in announced.json()["error"]["message"]
    body = {"device_id": str(uuid.uuid4()), "protocol": 1, "cursor": None, "limit": 50_000}
    pull = client.post(f"{API}/sync/pull", headers=headers, json=body)
    assert pull.status_code == 422
    assert "limit" in pull.json()["error"]["message"]
    queue = client.get(f"{API}/moderation/queue", params={"limit": 1000}, headers=headers)
    assert queue.status_code == 422
