from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lmsdesk import __version__
from lmsdesk.contracts.common import Health
from lmsdesk_server.deps import ContextDep

router = APIRouter(tags=["health"])


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
