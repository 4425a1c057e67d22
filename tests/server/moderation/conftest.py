"""Moderation runs on the sync framework: the seeded catalog, devices, and a course submitted
through the authoring door by an instructor of its own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.moderation.helpers import Reviewer
from tests.server.sync.helpers import DeviceFactory


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, roles=(Role.ADMIN,), full_name="Grace Reviewer")


@pytest.fixture
def other_admin(session: Session) -> User:
    return make_user(session, roles=(Role.ADMIN,), full_name="Linus Reviewer")


@pytest.fixture
def reviewer_for(device_for: DeviceFactory) -> Any:
    return lambda user: Reviewer(device_for(user))
