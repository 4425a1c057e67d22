"""The audit of admin actions: every decision writes one entry, in the decision's own
transaction (a refused or rolled-back decision leaves none). The table refuses edits."""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.admin import AuditEntry, AuditPage
from lmsdesk_server.actor import Actor
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.db.models import AdminAction
from lmsdesk_server.mutation import MutationContext, MutationRejected


def require_admin(actor: Actor) -> None:
    if not actor.has_admin():
        raise MutationRejected("Only admins can do this.", status=403, code="forbidden")


def record(
    ctx: MutationContext,
    *,
    action: str,
    target_kind: str,
    target_id: object,
    summary: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AdminAction:
    return AdminRepository(ctx.session).record(
        AdminAction(
            actor_id=ctx.actor.id,
            action=action,
            target_kind=target_kind,
            target_id=str(target_id),
            summary=summary,
            reason=reason,
            details=details or {},
            created_at=ctx.now,
        )
    )


def entries(
    repo: AdminRepository, *, actor: Any, action: str | None, offset: int, limit: int
) -> AuditPage:
    rows, total = repo.audit(actor=actor, action=action, offset=offset, limit=limit)
    return AuditPage(
        items=[
            AuditEntry(
                id=row.id,
                actor_id=row.actor_id,
                actor_email=email,
                action=row.action,
                target_kind=row.target_kind,
                target_id=row.target_id,
                summary=row.summary,
                reason=row.reason,
                details=row.details,
                created_at=row.created_at,
            )
            for row, email in rows
        ],
        total=total,
    )
