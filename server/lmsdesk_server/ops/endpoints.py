"""Liveness (`/health`), readiness (`/health/ready`) and Prometheus metrics (`/metrics`)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lmsdesk import __version__
from lmsdesk.contracts.common import Health
from lmsdesk_server.deps import ContextDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.observability import render_metrics
from lmsdesk_server.ops.readiness import queue_depths, readiness

router = APIRouter(tags=["health"])
#: Outside the API prefix, where Prometheus looks by default.
metrics_router = APIRouter(include_in_schema=False)


@router.get("/health", response_model=Health)
def health(context: ContextDep) -> JSONResponse:
    try:
        with context.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database, status_code = "ok", 200
    except SQLAlchemyError:
        database, status_code = "unavailable", 503
    body = Health(
        status="ok" if status_code == 200 else "degraded", version=__version__, database=database
    )
    return JSONResponse(body.model_dump(), status_code=status_code)


@router.get("/health/ready", responses={503: {"description": "not ready: see `checks`"}})
def ready(context: ContextDep) -> JSONResponse:
    """For a load balancer: 200 only when this process can serve (its database answers at the
    schema this code expects, and its media store is reachable)."""
    checks = readiness(context)
    ok = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ok else "not_ready", "checks": checks},
        status_code=200 if ok else 503,
    )


@metrics_router.get("/metrics")
async def metrics(
    context: ContextDep, authorization: Annotated[str | None, Header()] = None
) -> Response:
    token = context.settings.metrics_token
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}".encode()
        if not hmac.compare_digest(expected, (authorization or "").encode()):
            raise ApiError(401, "not_authenticated", "Metrics need the operator's token.")
    body, media_type = await run_in_threadpool(render_metrics, lambda: queue_depths(context))
    return Response(body, media_type=media_type)
