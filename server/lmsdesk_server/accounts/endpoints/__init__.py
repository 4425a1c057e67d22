"""Account endpoints: thin, they validate, then call the accounts services."""

from fastapi import APIRouter

from lmsdesk_server.accounts.endpoints import profile, recovery, sessions

router = APIRouter()
for part in (sessions, recovery, profile):
    router.include_router(part.router)
