"""Certificates: issued when every lesson of a course is complete, signed with the server's
Ed25519 key, verifiable with the public key alone."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.certificates import certificate_payload
from lmsdesk_server.db.models import Certificate, User
from tests.server.sync.helpers import (
    API,
    FREE,
    FREE_QUIZ_LESSON,
    FREE_TEXT,
    FREE_VIDEO,
    Device,
    DeviceFactory,
    enroll,
    rows,
)

pytestmark = pytest.mark.usefixtures("seeded")
NOW = "2026-11-23T10:00:00+00:00"


def _complete(device: Device, *lessons: uuid.UUID) -> None:
    for lesson in lessons:
        device.push(device.mutation(m.COMPLETE_LESSON, lesson_id=lesson, completed_at=NOW))


def _certificates(device: Device) -> dict[str, dict[str, object]]:
    return rows(device.pull_all(), "certificates")


def test_completing_every_lesson_issues_one_signed_certificate(
    session: Session, student: User, device_for: DeviceFactory, client: TestClient
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    _complete(device, FREE_VIDEO, FREE_TEXT)
    assert _certificates(device) == {}, "two of three lessons earn nothing yet"

    _complete(device, FREE_QUIZ_LESSON, FREE_TEXT)  # the last one, and a repeat
    [certificate] = _certificates(device).values()
    assert str(certificate["certificate_number"]).startswith("LMS-")
    key = client.get(f"{API}/certificates/public-key").json()
    assert key["algorithm"] == "Ed25519"
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    payload = certificate_payload(
        str(certificate["certificate_number"]),
        student.id,
        FREE,
        datetime.fromisoformat(str(certificate["issued_at"])),
    )
    public.verify(base64.b64decode(str(certificate["signature"])), payload)  # raises if forged
    with pytest.raises(InvalidSignature):
        public.verify(base64.b64decode(str(certificate["signature"])), payload + b"x")

    _complete(device, FREE_VIDEO)
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(Certificate))
    assert count == 1, "never a second certificate for the same course"


def test_no_certificate_without_an_enrollment(student: User, device_for: DeviceFactory) -> None:
    device = device_for(student)
    _complete(device, FREE_VIDEO)  # a preview lesson: learnable without enrolling
    assert _certificates(device) == {}
