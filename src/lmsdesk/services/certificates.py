"""The student's certificates, verified offline against the server's Ed25519 public key.

The key is fetched once while online (after a sync) and kept in the account's settings; a
certificate whose signature does not match it is shown as not verified, never hidden.
Blocking: call on the database lane.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from lmsdesk.contracts.certificates import CertificateKey, certificate_payload
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk.local_db.models.client import Setting
from lmsdesk.local_db.models.mirror import Certificate, Course, Enrollment
from lmsdesk.local_db.models.schedule import Program, ProgramCertificate
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiFailure
from lmsdesk.sync.auth_session import SessionEnded

_KEY = "certificate_public_key"


@dataclass(frozen=True)
class CertificateView:
    number: str
    course_id: uuid.UUID
    course_title: str
    student_name: str
    issued_at: datetime
    verified: bool | None  # None: the server's key is not on this computer yet
    revoked: bool
    #: The public page anyone opens to check it (the QR code on the PDF points there).
    verify_url: str = ""

    @property
    def status_text(self) -> str:
        if self.revoked:
            return "Revoked by the issuer."
        if self.verified is None:
            return "Not verified yet: connect once so LMSDesk can fetch the issuer's key."
        if self.verified:
            return "✓ Verified: signed by the LMSDesk server that issued it."
        return "✗ Not verified: this certificate's signature does not match the issuer's key."


class CertificateService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def remember_key(self) -> bool:
        """Fetch and keep the server's public key (online, once). Returns whether one is kept."""
        store = self._session.store
        if store is None:
            return False
        with store.reading() as session:
            if session.get(Setting, _KEY) is not None:
                return True
        try:
            key = self._session.api_call(lambda api, _token: api.certificate_key())
        except (ApiFailure, SessionEnded):
            return False
        with store.transaction() as session:
            session.merge(Setting(key=_KEY, value=key.model_dump()))
        return True

    def certificates(self) -> dict[uuid.UUID, CertificateView]:
        """The signed-in student's certificates, by course."""
        store, current = self._session.store, self._session.current
        if store is None or current is None:
            return {}
        with store.reading() as session:
            stored = session.get(Setting, _KEY)
            key = CertificateKey.model_validate(stored.value) if stored else None
            rows = session.execute(
                select(Certificate, Course.title)
                .join(Course, Course.id == Certificate.course_id, isouter=True)
                .where(Certificate.student_id == current.profile.user_id)
            ).all()
        return {
            row.course_id: CertificateView(
                number=row.certificate_number,
                course_id=row.course_id,
                course_title=title or "A course",
                student_name=current.profile.full_name,
                issued_at=row.issued_at,
                verified=_verify(key, row) if key else None,
                revoked=row.revoked_at is not None,
                verify_url=verify_url(current.profile.server_url, row.id),
            )
            for row, title in rows
        }


@dataclass(frozen=True)
class ProgramProgress:
    """A program the student is working through: how many of its courses they hold a valid
    certificate of, and its own certificate once they hold them all."""

    id: uuid.UUID
    title: str
    done: int
    total: int
    certificate: CertificateView | None


class ProgramCertificates:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def programs(self) -> list[ProgramProgress]:
        """Programs with a course the student takes, or whose certificate they hold."""
        store, current = self._session.store, self._session.current
        if store is None or current is None:
            return []
        courses = CertificateService(self._session).certificates()
        with store.reading() as session:
            stored = session.get(Setting, _KEY)
            key = CertificateKey.model_validate(stored.value) if stored else None
            taking = {
                str(c)
                for c in session.scalars(
                    select(Enrollment.course_id).where(Enrollment.status == EnrollmentStatus.ACTIVE)
                )
            }
            held = {
                row.program_id: row
                for row in session.scalars(
                    select(ProgramCertificate).where(
                        ProgramCertificate.student_id == current.profile.user_id
                    )
                )
            }
            programs = session.scalars(select(Program).order_by(Program.title)).all()
        found = []
        for program in programs:
            ids = [uuid.UUID(c) for c in program.course_ids]
            if not (taking & set(program.course_ids)) and program.id not in held:
                continue
            done = sum(1 for c in ids if c in courses and not courses[c].revoked)
            row = held.get(program.id)
            view = None
            if row is not None:
                view = CertificateView(
                    number=row.certificate_number,
                    course_id=program.id,
                    course_title=f"the program {program.title}",
                    student_name=current.profile.full_name,
                    issued_at=row.issued_at,
                    verified=_signed(key, row, program.id) if key else None,
                    revoked=row.revoked_at is not None,
                    verify_url=verify_url(current.profile.server_url, row.id),
                )
            found.append(ProgramProgress(program.id, program.title, done, len(ids), view))
        return found


def verify_url(server_url: str, certificate_id: uuid.UUID) -> str:
    return f"{server_url.rstrip('/')}/verify/{certificate_id}"


def _verify(key: CertificateKey, row: Certificate) -> bool:
    return _signed(key, row, row.course_id)


def _signed(key: CertificateKey, row: Certificate | ProgramCertificate, subject: uuid.UUID) -> bool:
    """The row's signature, checked over its facts (its course's id, or its program's)."""
    payload = certificate_payload(row.certificate_number, row.student_id, subject, row.issued_at)
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        public.verify(base64.b64decode(row.signature), payload)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
