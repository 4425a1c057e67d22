"""Users in the admin console: finding them, what they bought and hold, their roles, and
suspending or reactivating them.

Rules (hold whatever a client sends, and when two admins act at once, under one lock): an admin
cannot suspend themselves; the last active admin keeps the admin role and stays active. A
suspension ends every session of the user at once: the next request, refresh or sync is refused.
"""

from __future__ import annotations

import uuid

from lmsdesk.contracts.admin import (
    AdminEnrollment,
    AdminOrder,
    AdminUser,
    AdminUserDetail,
    AdminUsersPage,
    SetUserArgs,
)
from lmsdesk.contracts.common import Role
from lmsdesk_server.accounts.repository.refresh_tokens import RefreshTokenRepository
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.db.models import User
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected


def view(user: User, roles: list[Role]) -> AdminUser:
    return AdminUser(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        roles=roles,
        is_active=user.is_active,
        email_verified_at=user.email_verified_at,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def search(
    repo: AdminRepository, *, q: str | None, role: Role | None, offset: int, limit: int
) -> AdminUsersPage:
    users, total = repo.users(q=q, role=role, offset=offset, limit=limit)
    roles = repo.roles_by_user([u.id for u in users])
    return AdminUsersPage(items=[view(u, roles[u.id]) for u in users], total=total)


def detail(repo: AdminRepository, user_id: uuid.UUID) -> AdminUserDetail:
    user = repo.get_or_refuse(User, user_id, "No such user.", status=404, code="not_found")
    return AdminUserDetail(
        user=view(user, repo.roles_by_user([user.id])[user.id]),
        orders=[
            AdminOrder(
                id=o.id,
                course_id=o.course_id,
                course_title=title,
                amount_cents=o.amount_cents,
                currency=o.currency,
                status=o.status,
                created_at=o.created_at,
                refunded_at=o.refunded_at,
            )
            for o, title in repo.orders_of(user.id)
        ],
        enrollments=[
            AdminEnrollment(
                id=e.id,
                course_id=e.course_id,
                course_title=title,
                status=e.status,
                source=e.source.value,
                enrolled_at=e.enrolled_at,
                progress_percent=kept.progress_percent if kept else 0,
                last_activity_at=kept.last_activity_at if kept else None,
            )
            for e, title, kept in repo.enrollments_of(user.id)
        ],
    )


def set_user(ctx: MutationContext, args: SetUserArgs) -> dict[str, object]:
    require_admin(ctx.actor)
    repo = AdminRepository(ctx.session)
    repo.lock_admin_roster()
    user = repo.get_or_refuse(
        User, args.user_id, "No such user.", lock=True, status=404, code="not_found"
    )
    before_roles = set(repo.roles_by_user([user.id])[user.id])
    roles = set(args.roles) if args.roles is not None else before_roles
    active = user.is_active if args.is_active is None else args.is_active
    if not active and user.id == ctx.actor.id:
        raise MutationRejected(
            "You cannot suspend your own account.", status=409, code="self_suspend"
        )
    was_admin = Role.ADMIN in before_roles and user.is_active
    stays_admin = Role.ADMIN in roles and active
    if was_admin and not stays_admin and repo.active_admins(besides=user.id) == 0:
        raise MutationRejected(
            "This is the last active admin: another account must be made admin first.",
            status=409,
            code="last_admin",
        )
    if roles == before_roles and active == user.is_active:
        raise MutationMerged("Nothing to change.", _row(user, roles))
    before_active = user.is_active
    changes = []
    if roles != before_roles:
        repo.set_roles(user.id, roles)
        was, now = _names(before_roles), _names(roles)
        changes.append(f"roles {was} → {now}")
    if active != before_active:
        user.is_active = active
        if not active:
            RefreshTokenRepository(ctx.session).revoke_user(user.id, ctx.now)
        changes.append("reactivated" if active else "suspended")
    if active != before_active:
        action = "user.reactivate" if active else "user.suspend"
    else:
        action = "user.roles"
    record(
        ctx,
        action=action,
        target_kind="user",
        target_id=user.id,
        summary=f"{user.email}: {'; '.join(changes)}",
        reason=args.reason,
        details={
            "before": {"roles": sorted(before_roles), "is_active": before_active},
            "after": {"roles": sorted(roles), "is_active": active},
        },
    )
    return _row(user, roles)


def _row(user: User, roles: set[Role]) -> dict[str, object]:
    return view(user, sorted(roles)).model_dump(mode="json")


def _names(roles: set[Role]) -> str:
    return ", ".join(sorted(roles)) or "none"
