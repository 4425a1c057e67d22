"""Row factories for server tests: the smallest valid row, overridable field by field."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import Course, User, UserRole
from lmsdesk_server.db.partitions import bump_partition
from lmsdesk_server.security.emails import email_skeleton
from lmsdesk_server.security.passwords import hash_password

DEFAULT_PASSWORD = "correct horse battery"


@functools.cache
def _hash_of(password: str) -> str:
    """One argon2 hash per password for every test user (each costs 0.2 s by design; the hash
    carries its own salt and parameters, so logins verify it as they would any other)."""
    return hash_password(password)


def make_user(
    session: Session,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    roles: tuple[Role, ...] = (Role.STUDENT,),
    **fields: Any,
) -> User:
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    user = User(
        email=email,
        email_skeleton=email_skeleton(email),
        password_hash=_hash_of(password),
        full_name=fields.pop("full_name", "Test User"),
        # Verified unless a test says otherwise: buying needs it, and most tests buy.
        email_verified_at=fields.pop("email_verified_at", datetime.now(UTC)),
        **fields,
    )
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role))
    session.flush()
    return user


def make_course(session: Session, *, instructor: User, **fields: Any) -> Course:
    course_id = fields.pop("id", uuid.uuid4())
    partition = f"draft:{course_id}"
    course = Course(
        id=course_id,
        instructor_id=instructor.id,
        title=fields.pop("title", "A course"),
        slug=fields.pop("slug", f"course-{course_id.hex[:10]}"),
        sync_partition=partition,
        sync_version=bump_partition(session, partition),
        **fields,
    )
    session.add(course)
    session.flush()
    return course
