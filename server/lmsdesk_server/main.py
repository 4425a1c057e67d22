"""The FastAPI application. Built around a ServerContext so tests and the CLI share one path."""

from __future__ import annotations

from fastapi import FastAPI

from lmsdesk import __version__
from lmsdesk.contracts import API_PREFIX
from lmsdesk_server.admission import AdmissionControl
from lmsdesk_server.api import (
    auth,
    authoring,
    certificates,
    checkout_pages,
    commerce,
    health,
    learning,
    media,
    moderation,
    sync,
    webhooks,
)
from lmsdesk_server.body_limits import BodyLimits
from lmsdesk_server.context import ServerContext
from lmsdesk_server.errors import install_error_handlers
from lmsdesk_server.security_headers import SecurityHeaders


def create_app(context: ServerContext) -> FastAPI:
    app = FastAPI(
        title="LMSDesk server",
        version=__version__,
        docs_url=f"{API_PREFIX}/docs",
        openapi_url=f"{API_PREFIX}/openapi.json",
        redoc_url=None,
    )
    app.state.context = context
    install_error_handlers(app)
    app.add_middleware(BodyLimits)
    app.add_middleware(SecurityHeaders)
    # Outermost: a request turned away costs nothing but the 503.
    app.add_middleware(AdmissionControl)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(sync.router, prefix=API_PREFIX)
    app.include_router(learning.router, prefix=API_PREFIX)
    app.include_router(commerce.router, prefix=API_PREFIX)
    app.include_router(webhooks.router, prefix=API_PREFIX)
    app.include_router(media.router, prefix=API_PREFIX)
    app.include_router(certificates.router, prefix=API_PREFIX)
    app.include_router(authoring.router, prefix=API_PREFIX)
    app.include_router(moderation.router, prefix=API_PREFIX)
    app.include_router(checkout_pages.router)
    return app
