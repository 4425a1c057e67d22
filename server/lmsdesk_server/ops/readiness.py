"""Whether this process can serve, and how much background work waits (for `/metrics`)."""

from __future__ import annotations

from sqlalchemy import func, select, text

from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.migrate import head_revision
from lmsdesk_server.db.models import MailMessage


def readiness(context: ServerContext) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with transaction(context.session_factory) as session:
            at = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        head = head_revision()
        checks["database"] = "ok" if at == head else f"schema at {at}, this server needs {head}"
    except Exception as exc:  # any failure means "not ready", with its reason
        checks["database"] = f"unavailable: {type(exc).__name__}"
    try:
        context.media.size("lmsdesk-readiness-probe")
        checks["media_store"] = "ok"
    except Exception as exc:
        checks["media_store"] = f"unavailable: {type(exc).__name__}"
    return checks


def queue_depths(context: ServerContext) -> dict[str, int]:
    with transaction(context.session_factory) as session:
        mail = session.scalar(
            select(func.count())
            .select_from(MailMessage)
            .where(MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None))
        )
        # The job queue's own table (migration 0009): jobs waiting for a worker, by queue.
        jobs = session.execute(
            text(
                "SELECT queue_name, count(*) FROM procrastinate.procrastinate_jobs "
                "WHERE status = 'todo' GROUP BY queue_name"
            )
        ).all()
    depths = {"mail": int(mail or 0)}
    depths |= {f"jobs:{queue}": int(count) for queue, count in jobs}
    return depths
