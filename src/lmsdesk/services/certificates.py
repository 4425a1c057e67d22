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
from lmsdesk.local_db.models.client import Setting
from lmsdesk.local_db.models.mirror import Certificate, Course
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


def verify_url(server_url: str, certificate_id: uuid.UUID) -> str:
    return f"{server_url.rstrip('/')}/verify/{certificate_id}"


def _verify(key: CertificateKey, row: Certificate) -> bool:
    payload = certificate_payload(
        row.certificate_number, row.student_id, row.course_id, row.issued_at
    )
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        public.verify(base64.b64decode(row.signature), payload)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
