from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import make_user
from tests.server.payments.helpers import login


@pytest.fixture
def student(session: Session, seeded: None) -> User:  # noqa: ARG001 - the demo courses bought
    return make_user(session, roles=(Role.STUDENT,))


@pytest.fixture
def headers(client: TestClient, student: User) -> dict[str, str]:
    return login(client, student.email)


@pytest.fixture
def admin_headers(client: TestClient, session: Session) -> dict[str, str]:
    admin = make_user(session, email="pay-admin@example.com", roles=(Role.ADMIN,))
    return login(client, admin.email)
