"""`GET /certificates/public-key`: what clients verify certificates with, offline."""

from __future__ import annotations

from fastapi import APIRouter

from lmsdesk.contracts.certificates import CertificateKey
from lmsdesk_server.deps import ContextDep

router = APIRouter(tags=["certificates"])


@router.get("/certificates/public-key")
def public_key(context: ContextDep) -> CertificateKey:
    return context.certificates.public_key
