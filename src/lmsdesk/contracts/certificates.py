"""Certificates on the wire, and the exact bytes the server signs: the client verifies a
certificate offline by rebuilding them and checking the Ed25519 signature with the server's
public key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lmsdesk.contracts.common import WireModel

ALGORITHM = "Ed25519"


class CertificateKey(WireModel):
    algorithm: str = ALGORITHM
    #: The raw 32-byte public key, base64 (standard alphabet).
    public_key: str


def certificate_payload(
    number: str, student_id: uuid.UUID, course_id: uuid.UUID, issued_at: datetime
) -> bytes:
    issued = issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"lmsdesk-certificate:v1|{number}|{student_id}|{course_id}|{issued}".encode()
