"""Authoring runs on the sync framework: the same seeded catalog and wire-protocol devices."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.sync.conftest import device_for, seeded, student

__all__ = ["device_for", "instructor", "other_instructor", "seeded", "student"]


@pytest.fixture
def instructor(session: Session) -> User:
    return make_user(session, roles=(Role.INSTRUCTOR,), full_name="Ada Instructor")


@pytest.fixture
def other_instructor(session: Session) -> User:
    return make_user(session, roles=(Role.INSTRUCTOR,), full_name="Other Instructor")
