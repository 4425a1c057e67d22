"""The FastAPI application. Built around a ServerContext so tests and the CLI share one path."""

from __future__ import annotations

from fastapi import FastAPI

from lmsdesk import __version__
from lmsdesk.contracts import API_PREFIX
from lmsdesk_server.accounts import endpoints as accounts
from lmsdesk_server.accounts.endpoints import pages as account_pages
from lmsdesk_server.admin import endpoints as admin
from lmsdesk_server.admission import AdmissionControl
from lmsdesk_server.analytics import endpoints as analytics
from lmsdesk_server.authoring import endpoints as authoring
from lmsdesk_server.body_limits import BodyLimits
from lmsdesk_server.certificates import endpoints as certificates
from lmsdesk_server.commerce.endpoints import orders, pages, webhooks
from lmsdesk_server.community import endpoints as community
from lmsdesk_server.context import ServerContext
from lmsdesk_server.error_handlers import install_error_handlers
from lmsdesk_server.grading import endpoints as grading
from lmsdesk_server.learning import endpoints as learning
from lmsdesk_server.media import endpoints as media
from lmsdesk_server.moderation import endpoints as moderation
from lmsdesk_server.observability import RequestMetrics
from lmsdesk_server.ops import endpoints as ops
from lmsdesk_server.schedule import endpoints as schedule
from lmsdesk_server.security_headers import SecurityHeaders
from lmsdesk_server.storefront import endpoints as storefront
from lmsdesk_server.sync import endpoints as sync


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
    # Outermost: a request turned away costs nothing but the 503 (and is still counted).
    app.add_middleware(AdmissionControl, max_in_flight=context.settings.max_requests_in_flight)
    app.add_middleware(RequestMetrics)
    for domain in (
        ops,
        accounts,
        sync,
        learning,
        orders,
        webhooks,
        media,
        certificates,
        authoring,
        moderation,
        admin,
        community,
        grading,
        schedule,
        analytics,
        storefront,
    ):
        app.include_router(domain.router, prefix=API_PREFIX)
    # The pages a browser sees (checkout return pages) live outside the API prefix.
    app.include_router(pages.router)
    app.include_router(certificates.pages)
    app.include_router(storefront.pages)
    app.include_router(account_pages.router)
    app.include_router(ops.metrics_router)
    return app


def app_from_environment() -> FastAPI:
    """For `serve --workers N`: each worker process builds its app from the environment the
    supervising process prepared (LMSDESK_DATABASE_URL names the database it opened)."""
    from lmsdesk_server.config import ServerSettings
    from lmsdesk_server.observability import configure_logging

    settings = ServerSettings()
    configure_logging(settings.log_format)
    if not settings.database_url:
        raise RuntimeError("a worker process needs LMSDESK_DATABASE_URL")
    return create_app(ServerContext.build(settings, settings.database_url))
