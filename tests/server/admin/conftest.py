from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.payments.helpers import login


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, email="console-admin@example.com", roles=(Role.ADMIN,))


@pytest.fixture
def admin_headers(client: TestClient, admin: User) -> dict[str, str]:
    return login(client, admin.email)
