"""`GET /certificates/public-key`: what clients verify certificates with, offline; and
`GET /verify/{id}`, the page anyone (an employer, a QR code on the PDF) opens to check one."""

from __future__ import annotations

import uuid
from datetime import datetime
from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from lmsdesk.contracts.certificates import CertificateKey
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.schedule import CertificateFacts
from lmsdesk_server.certificates import service
from lmsdesk_server.deps import ContextDep, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.html_pages import page

router = APIRouter(tags=["certificates"])
#: Outside the API prefix, for browsers: plain HTML, no scripts.
pages = APIRouter(include_in_schema=False)


@router.get("/certificates/public-key")
def public_key(context: ContextDep) -> CertificateKey:
    return context.certificates.public_key


def _day(moment: datetime) -> str:
    return f"{moment:%d %B %Y}"


@pages.get("/verify/{certificate_id}", response_class=HTMLResponse)
def verify_page(certificate_id: str, context: ContextDep, session: SessionDep) -> HTMLResponse:
    try:
        wanted = uuid.UUID(certificate_id)
    except ValueError:
        wanted = None
    found = service.verification(session, context.certificates, wanted) if wanted else None
    if found is None:
        return page(
            "Certificate not found",
            "<h1>No such certificate</h1><p class='state unknown'>This link does not name a "
            "certificate issued here. Check that it was copied whole.</p>",
            404,
        )
    what = "the program " if found.kind == "program" else ""
    facts = (
        f"<p><b>{escape(found.student_name)}</b> completed {what}"
        f"<b>{escape(found.course_title)}</b>"
        f" on {_day(found.issued_at)}.</p><p>Certificate No. {escape(found.number)}</p>"
    )
    if not found.authentic:
        state = (
            "<p class='state invalid'>✗ Not valid: this certificate's record does not match "
            "the signature it was issued with.</p>"
        )
    elif found.revoked_at is not None:
        state = (
            f"<p class='state revoked'>✗ Revoked on {_day(found.revoked_at)}: the enrollment "
            "it was earned in ended (a refund), so this certificate no longer stands.</p>"
        )
    else:
        state = (
            "<p class='state valid'>✓ Valid: issued by this LMSDesk server and signed with "
            "its key.</p>"
        )
    heading = "Program certificate" if found.kind == "program" else "Certificate of completion"
    return page(f"Certificate {found.number}", f"<h1>{heading}</h1>{state}{facts}")


@router.get(
    "/certificates/{certificate_id}",
    responses={404: {"model": ErrorResponse}},
)
def certificate_facts(
    certificate_id: uuid.UUID, context: ContextDep, session: SessionDep
) -> CertificateFacts:
    """Anyone may check a certificate (the page above, as JSON): valid or revoked, against
    the signature it was issued with."""
    found = service.verification(session, context.certificates, certificate_id)
    if found is None:
        raise ApiError(404, "certificate_not_found", "No certificate was issued with that id.")
    return CertificateFacts(
        id=found.id,
        number=found.number,
        kind=found.kind,
        student_name=found.student_name,
        title=found.course_title,
        issued_at=found.issued_at,
        revoked_at=found.revoked_at,
        valid=found.valid,
        verify_url=f"{context.settings.public_url.rstrip('/')}/verify/{found.id}",
    )
