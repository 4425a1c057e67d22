"""A student who bought the paid demo course, and the audit as an admin reads it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from lmsdesk_server.db.models import User
from tests.server.payments.helpers import login, start_purchase
from tests.server.sync.helpers import PAID

ADMIN_API = "/api/v1/admin"
DEMO_ADMIN = "admin@example.com"


def buy(client: TestClient, student: User, course_id: uuid.UUID = PAID) -> uuid.UUID:
    """Checkout and pay on the test provider's page: the completion webhook is delivered
    inline, so the order is completed and the student enrolled when this returns."""
    purchase = start_purchase(client, login(client, student.email), course_id)
    paid = client.post(f"/checkout/test/{purchase.session_id}/pay", follow_redirects=False)
    assert paid.status_code in (200, 303), paid.text
    return purchase.order_id


def audit_actions(client: TestClient, headers: dict[str, str], action: str) -> list[dict[str, Any]]:
    """The entries this test made: the demo data's own history (by the demo admin) left out."""
    page = client.get(f"{ADMIN_API}/audit", params={"action": action}, headers=headers)
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return [e for e in items if e["actor_email"] != DEMO_ADMIN]
