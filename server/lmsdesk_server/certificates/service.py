"""Certificates: issued by the server when every lesson of a course is complete for a student
with an active enrollment, numbered, and signed with the server's Ed25519 key.

Progress writes note the (student, course) pairs that gained a completed lesson; the request
scope calls `issue_pending` before it commits, so a certificate appears in the same
transaction as the completion that earned it, whichever door (sync push or REST) it came by.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.certificates import certificate_payload
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk_server.certificates.repository import CertificateRepository
from lmsdesk_server.db.models import Certificate, Enrollment, ProgramCertificate
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.schedule.service import programs
from lmsdesk_server.security.certificate_keys import CertificateSigner

_CANDIDATES = "lmsdesk.certificate_candidates"


def note_completion(session: Session, student_id: uuid.UUID, lesson_ids: list[uuid.UUID]) -> None:
    """Remember lessons completed in this transaction; `issue_pending` looks at their courses."""
    session.info.setdefault(_CANDIDATES, set()).update((student_id, x) for x in lesson_ids)


def issue_pending(session: Session, signer: CertificateSigner) -> list[Certificate]:
    candidates: set[tuple[uuid.UUID, uuid.UUID]] = session.info.pop(_CANDIDATES, set())
    if not candidates:
        return []
    lesson_ids = {lesson for _, lesson in candidates}
    courses = CertificateRepository(session).courses_of_lessons(lesson_ids)
    pairs = {(student, courses[lesson]) for student, lesson in candidates if lesson in courses}
    issued = [issue_if_complete(session, s, c, signer) for s, c in sorted(pairs)]
    return [c for c in issued if c is not None]


def issue_if_complete(
    session: Session, student_id: uuid.UUID, course_id: uuid.UUID, signer: CertificateSigner
) -> Certificate | None:
    repo = CertificateRepository(session)
    enrollment = repo.active_enrollment(student_id, course_id)
    if enrollment is None or repo.certificate_of(student_id, course_id) is not None:
        return None
    total = repo.lessons_in_course(course_id)
    done = repo.lessons_completed(student_id, course_id)
    if total == 0 or done < total:
        return None
    now = datetime.now(UTC)
    number = f"LMS-{now:%Y}-{secrets.token_hex(5).upper()}"
    certificate = Certificate(
        student_id=student_id,
        course_id=course_id,
        certificate_number=number,
        issued_at=now,
        signature=signer.sign(certificate_payload(number, student_id, course_id, now)),
    )
    stamp(session, certificate, user_partition(student_id))
    session.add(certificate)
    enrollment.completed_at = now
    stamp(session, enrollment, user_partition(student_id))
    session.flush()
    programs.follow_course_certificates(session, student_id, course_id, signer)
    return certificate


@dataclass(frozen=True)
class Verification:
    """What a certificate's public page says: whose, for what, when, and whether it holds."""

    id: uuid.UUID
    number: str
    student_name: str
    #: The course's title, or the program's.
    course_title: str
    issued_at: datetime
    revoked_at: datetime | None
    #: Signed by this server's key over exactly these facts (not edited since).
    authentic: bool
    kind: str = "course"  # or "program"

    @property
    def valid(self) -> bool:
        return self.authentic and self.revoked_at is None


def verification(
    session: Session, signer: CertificateSigner, certificate_id: uuid.UUID
) -> Verification | None:
    """A course certificate, or a program's (the same public page checks both)."""
    course = CertificateRepository(session).with_names(certificate_id)
    if course is not None:
        row, name, title = course
        return _checked(signer, row, row.course_id, name, title, "course")
    program = ScheduleRepository(session).program_certificate_with_names(certificate_id)
    if program is not None:
        held, name, title = program
        return _checked(signer, held, held.program_id, name, title, "program")
    return None


def _checked(
    signer: CertificateSigner,
    row: Certificate | ProgramCertificate,
    subject: uuid.UUID,
    student_name: str,
    title: str,
    kind: str,
) -> Verification:
    """The certificate's facts, and whether its signature (over its number, holder, course or
    program, and issue time) is this server's."""
    payload = certificate_payload(row.certificate_number, row.student_id, subject, row.issued_at)
    return Verification(
        id=row.id,
        number=row.certificate_number,
        student_name=student_name,
        course_title=title,
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
        authentic=signer.verify(payload, row.signature),
        kind=kind,
    )


def follow_enrollment(session: Session, enrollment: Enrollment, at: datetime) -> None:
    """A refund or revocation revokes the course's certificate; access restored, it is valid
    again (it was earned). A dispute in progress changes nothing."""
    certificate = CertificateRepository(session).certificate_of(
        enrollment.student_id, enrollment.course_id
    )
    if certificate is None:
        return
    if enrollment.status in (EnrollmentStatus.REFUNDED, EnrollmentStatus.REVOKED):
        certificate.revoked_at = at
    elif enrollment.status is EnrollmentStatus.ACTIVE:
        certificate.revoked_at = None
    else:
        return
    stamp(session, certificate, user_partition(enrollment.student_id))
    session.flush()
    programs.follow_course_certificates(session, enrollment.student_id, enrollment.course_id, None)
