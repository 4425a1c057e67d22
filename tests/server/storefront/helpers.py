"""Buying several courses at once, with a coupon, on the test provider."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from lmsdesk_server.demo.seed import demo_id
from tests.server.payments.helpers import API

SALE = demo_id("course:sync-engines")  # 29.99 USD, on sale at 14.99 in the demo


def checkout(
    client: TestClient,
    headers: dict[str, str],
    courses: list[uuid.UUID],
    coupon: str | None = None,
) -> Any:
    body: dict[str, object] = {"course_ids": [str(c) for c in courses]}
    if coupon is not None:
        body["coupon_code"] = coupon
    return client.post(f"{API}/checkout/sessions", json=body, headers=headers)


def pay(client: TestClient, session_id: str) -> None:
    """The student presses Pay on the test provider's page; the webhook is delivered inline."""
    paid = client.post(f"/checkout/test/{session_id}/pay", follow_redirects=False)
    assert paid.status_code in (200, 303), paid.text


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]
