"""The admin console (DESIGN.md section 11.1): users and their roles and suspensions, granted
enrollments, refunds, the category tree, archiving courses, and the audit of all of it.

Every decision is also a sync mutation (its *Args), so an admin's decision made offline queues
like a moderation decision; the REST bodies are the same without the client-chosen id."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from lmsdesk.contracts.common import Role, WireModel
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
#: A reason the action cannot do without (a grant, a refund, a suspension, an archive).
NeededReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)
]
CategoryName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
]


# ---------------------------------------------------------------- reading
class AdminUser(WireModel):
    id: uuid.UUID
    email: str
    full_name: str
    roles: list[Role]
    is_active: bool
    email_verified_at: datetime | None
    created_at: datetime
    last_login_at: datetime | None


class AdminUsersPage(WireModel):
    items: list[AdminUser]
    total: int


class AdminOrder(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    amount_cents: int
    currency: str
    status: OrderStatus
    created_at: datetime
    refunded_at: datetime | None


class AdminEnrollment(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: EnrollmentStatus
    source: str
    enrolled_at: datetime
    #: The server's record of the student's progress (analytics), 0 before any.
    progress_percent: int = 0
    last_activity_at: datetime | None = None


class AdminUserDetail(WireModel):
    user: AdminUser
    orders: list[AdminOrder]
    enrollments: list[AdminEnrollment]


class AdminCategory(WireModel):
    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None
    position: int
    course_count: int


class AdminCategories(WireModel):
    items: list[AdminCategory]


class AuditEntry(WireModel):
    id: uuid.UUID
    actor_id: uuid.UUID
    actor_email: str
    action: str
    target_kind: str
    target_id: str
    summary: str
    reason: str
    details: dict[str, Any]
    created_at: datetime


class AuditPage(WireModel):
    items: list[AuditEntry]
    total: int


# ---------------------------------------------------------------- deciding (REST bodies)
class UserChange(WireModel):
    """PATCH /admin/users/{id}: only what is sent changes. A suspension needs a reason."""

    roles: Annotated[list[Role], Field(min_length=1, max_length=3)] | None = None
    is_active: bool | None = None
    reason: Reason = ""

    @model_validator(mode="after")
    def _something(self) -> UserChange:
        if self.roles is None and self.is_active is None:
            raise ValueError("send roles, is_active or both")
        if self.is_active is False and len(self.reason) < 3:
            raise ValueError("a suspension needs a reason (at least 3 characters)")
        return self


class GrantBody(WireModel):
    user_id: uuid.UUID
    course_id: uuid.UUID
    reason: NeededReason


class RefundBody(WireModel):
    #: None: whatever has not been refunded yet (of the one course, when `course_id` is named).
    amount_cents: Annotated[int, Field(gt=0, le=100_000_000)] | None = None
    reason: NeededReason
    #: One course of the order: what was paid for it comes back, and only its access goes.
    course_id: uuid.UUID | None = None


class CategoryCreate(WireModel):
    name: CategoryName
    parent_id: uuid.UUID | None = None


class CategoryChange(WireModel):
    """Rename, or move under another parent (`move_to_top` for the top level)."""

    name: CategoryName | None = None
    parent_id: uuid.UUID | None = None
    move_to_top: bool = False


class CourseArchiveBody(WireModel):
    reason: NeededReason


# ---------------------------------------------------------------- the same, as mutations
class SetUserArgs(UserChange):
    action_id: uuid.UUID
    user_id: uuid.UUID


class GrantArgs(GrantBody):
    action_id: uuid.UUID  # becomes the enrollment's id


class RefundArgs(RefundBody):
    action_id: uuid.UUID  # the provider's idempotency key: a replay refunds nothing twice
    order_id: uuid.UUID


class CategoryOp(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"


class CategoryArgs(WireModel):
    action_id: uuid.UUID
    op: CategoryOp
    #: The category (for create: the new one's id, chosen by the client like every new row).
    category_id: uuid.UUID
    name: CategoryName | None = None
    parent_id: uuid.UUID | None = None
    move_to_top: bool = False


class CourseStateArgs(WireModel):
    action_id: uuid.UUID
    course_id: uuid.UUID
    archive: bool  # False: restore
    reason: Reason = ""
