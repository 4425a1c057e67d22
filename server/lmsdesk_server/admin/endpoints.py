"""The admin console over REST (DESIGN.md section 11.1). Every decision runs its sync
mutation's handler through the REST door, the same rule as an admin's offline decision; reads
are plain queries. Non-admins are refused before their body is read."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.admin import (
    AdminCategories,
    AdminCategory,
    AdminEnrollment,
    AdminUser,
    AdminUserDetail,
    AdminUsersPage,
    AuditPage,
    CategoryArgs,
    CategoryChange,
    CategoryCreate,
    CategoryOp,
    CourseArchiveBody,
    CourseStateArgs,
    GrantArgs,
    GrantBody,
    RefundArgs,
    RefundBody,
    SetUserArgs,
    UserChange,
)
from lmsdesk.contracts.common import ErrorResponse, Role
from lmsdesk_server.actor import Actor
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service import audit, categories, users
from lmsdesk_server.deps import ContextDep, CurrentActor, Limit, Offset, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.sync.service import door

router = APIRouter(prefix="/admin", tags=["admin"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422, 502, 503)
}


def _admin(actor: CurrentActor) -> Actor:
    if not actor.has_admin():
        raise ApiError(403, "forbidden", "Only admins can use the admin console.")
    return actor


AdminActor = Annotated[Actor, Depends(_admin)]


# ---------------------------------------------------------------- users
@router.get("/users", responses=_errors)
def list_users(
    _actor: AdminActor,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    role: Role | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> AdminUsersPage:
    return users.search(AdminRepository(session), q=q, role=role, offset=offset, limit=limit)


@router.get("/users/{user_id}", responses=_errors)
def user_detail(user_id: uuid.UUID, _actor: AdminActor, session: SessionDep) -> AdminUserDetail:
    # A missing user is refused by the repository (MutationRejected: the error handlers
    # answer its 404).
    return users.detail(AdminRepository(session), user_id)


@router.patch("/users/{user_id}", responses=_errors)
def change_user(
    user_id: uuid.UUID, body: UserChange, actor: AdminActor, session: SessionDep
) -> AdminUser:
    args = SetUserArgs(action_id=uuid.uuid4(), user_id=user_id, **body.model_dump())
    return AdminUser.model_validate(door.run(session, actor, m.ADMIN_SET_USER, args))


# ---------------------------------------------------------------- enrollments and orders
@router.post("/enrollments", status_code=201, responses=_errors)
def grant_enrollment(body: GrantBody, actor: AdminActor, session: SessionDep) -> AdminEnrollment:
    args = GrantArgs(action_id=uuid.uuid4(), **body.model_dump())
    row = door.run(session, actor, m.ADMIN_GRANT, args) or {}
    detail = users.detail(AdminRepository(session), body.user_id)
    return next(e for e in detail.enrollments if str(e.id) == str(row.get("id")))


@router.post("/orders/{order_id}/refund", responses=_errors)
def refund_order(
    order_id: uuid.UUID,
    body: RefundBody,
    actor: AdminActor,
    session: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    args = RefundArgs(action_id=uuid.uuid4(), order_id=order_id, **body.model_dump())
    return door.run(session, actor, m.ADMIN_REFUND, args, payments=context.payments) or {}


# ---------------------------------------------------------------- categories
@router.get("/categories", responses=_errors)
def category_tree(_actor: AdminActor, session: SessionDep) -> AdminCategories:
    return categories.tree(AdminRepository(session))


@router.post("/categories", status_code=201, responses=_errors)
def add_category(body: CategoryCreate, actor: AdminActor, session: SessionDep) -> AdminCategory:
    args = CategoryArgs(
        action_id=uuid.uuid4(),
        op=CategoryOp.CREATE,
        category_id=uuid.uuid4(),
        name=body.name,
        parent_id=body.parent_id,
    )
    door.run(session, actor, m.ADMIN_CATEGORY, args)
    return _category(session, args.category_id)


@router.patch("/categories/{category_id}", responses=_errors)
def change_category(
    category_id: uuid.UUID, body: CategoryChange, actor: AdminActor, session: SessionDep
) -> AdminCategory:
    args = CategoryArgs(
        action_id=uuid.uuid4(), op=CategoryOp.CHANGE, category_id=category_id, **body.model_dump()
    )
    door.run(session, actor, m.ADMIN_CATEGORY, args)
    return _category(session, category_id)


@router.delete("/categories/{category_id}", status_code=204, responses=_errors)
def delete_category(category_id: uuid.UUID, actor: AdminActor, session: SessionDep) -> Response:
    args = CategoryArgs(action_id=uuid.uuid4(), op=CategoryOp.DELETE, category_id=category_id)
    door.run(session, actor, m.ADMIN_CATEGORY, args)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _category(session: SessionDep, category_id: uuid.UUID) -> AdminCategory:
    return next(c for c in categories.tree(AdminRepository(session)).items if c.id == category_id)


# ---------------------------------------------------------------- courses
@router.post("/courses/{course_id}/archive", responses=_errors)
def archive_course(
    course_id: uuid.UUID, body: CourseArchiveBody, actor: AdminActor, session: SessionDep
) -> dict[str, Any]:
    args = CourseStateArgs(
        action_id=uuid.uuid4(), course_id=course_id, archive=True, reason=body.reason
    )
    return _course_state(door.run(session, actor, m.ADMIN_COURSE_STATE, args))


@router.post("/courses/{course_id}/restore", responses=_errors)
def restore_course(course_id: uuid.UUID, actor: AdminActor, session: SessionDep) -> dict[str, Any]:
    args = CourseStateArgs(action_id=uuid.uuid4(), course_id=course_id, archive=False)
    return _course_state(door.run(session, actor, m.ADMIN_COURSE_STATE, args))


def _course_state(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    return {"id": row.get("id"), "status": row.get("status")}


# ---------------------------------------------------------------- audit
@router.get("/audit", responses=_errors)
def audit_log(
    _actor: AdminActor,
    session: SessionDep,
    actor: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> AuditPage:
    return audit.entries(
        AdminRepository(session), actor=actor, action=action, offset=offset, limit=limit
    )
