from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.sync.helpers import API, Device, seed

DeviceFactory = Callable[..., Device]


@pytest.fixture
def seeded(session: Session, tmp_path: Path) -> None:
    seed(session, tmp_path)


@pytest.fixture
def device_for(client: TestClient) -> DeviceFactory:
    def make(user: User, **fields: object) -> Device:
        response = client.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return Device(client, response.json()["access_token"], **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def student(session: Session) -> User:
    return make_user(session, roles=(Role.STUDENT,))
