"""The page anyone opens to check a certificate (`GET /verify/{id}`): valid with its holder and
course, revoked after a refund, not valid when its record was edited, unknown otherwise."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.certificates import certificate_payload
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk_server.certificates import service
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import Certificate, Enrollment
from lmsdesk_server.db.partitions import stamp, user_partition
from tests.factories import make_user
from tests.server.sync.helpers import FREE, enroll


def _certificate(session: Session, context: ServerContext) -> tuple[Certificate, Enrollment]:
    student = make_user(session, full_name="Vera Verified")
    enrollment = enroll(session, student, FREE)
    issued = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    number = f"LMS-2026-{uuid.uuid4().hex[:10].upper()}"
    certificate = Certificate(
        student_id=student.id,
        course_id=FREE,
        certificate_number=number,
        issued_at=issued,
        signature=context.certificates.sign(certificate_payload(number, student.id, FREE, issued)),
    )
    stamp(session, certificate, user_partition(student.id))
    session.add(certificate)
    session.flush()
    return certificate, enrollment


def test_a_valid_certificate_then_revoked_after_a_refund(
    seeded: None,  # noqa: ARG001 - the demo course the certificate is for
    session: Session,
    context: ServerContext,
    client: TestClient,
) -> None:
    certificate, enrollment = _certificate(session, context)
    shown = client.get(f"/verify/{certificate.id}")
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/html")
    assert "✓ Valid" in shown.text
    assert "Vera Verified" in shown.text
    assert "Offline-First Apps: The Basics" in shown.text
    assert certificate.certificate_number in shown.text
    assert "<script" not in shown.text

    enrollment.status = EnrollmentStatus.REFUNDED
    service.follow_enrollment(session, enrollment, datetime.now(UTC))
    session.flush()
    revoked = client.get(f"/verify/{certificate.id}")
    assert "Revoked on" in revoked.text
    assert "✓ Valid" not in revoked.text


def test_an_edited_record_is_not_valid_and_unknown_ids_are_not_found(
    seeded: None,  # noqa: ARG001 - the demo course the certificate is for
    session: Session,
    context: ServerContext,
    client: TestClient,
) -> None:
    certificate, _enrollment = _certificate(session, context)
    certificate.issued_at = datetime(2020, 1, 1, tzinfo=UTC)  # backdated in the database
    session.flush()
    edited = client.get(f"/verify/{certificate.id}")
    assert "Not valid" in edited.text
    assert "✓ Valid" not in edited.text
    for unknown in (str(uuid.uuid4()), "not-a-certificate", "%3Cscript%3E"):
        missing = client.get(f"/verify/{unknown}")
        assert missing.status_code == 404
        assert "No such certificate" in missing.text
