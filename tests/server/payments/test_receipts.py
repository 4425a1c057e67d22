"""A PDF receipt per paid order, for its buyer only: the item, the discount, the total, the
provider's reference, and the refund when there was one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import OrderStatus
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.service.receipts import receipt_number, receipt_of, render
from tests.server.analytics.helpers import paid_order
from tests.server.community.conftest import crowd
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import PAID

__all__ = ["crowd"]  # the people around the paid course


def test_the_buyer_downloads_a_pdf_receipt(session: Session, crowd: Crowd) -> None:
    order = paid_order(session, crowd.student.id, PAID, 1999)
    order.provider_payment_intent_id = "pi_test_receipt"
    session.flush()
    answer = crowd.student.call("GET", f"/orders/{order.id}/receipt.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert f'filename="{receipt_number(order.id)}.pdf"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"%PDF-")
    assert answer.content.rstrip().endswith(b"%%EOF")
    actor = Actor(id=crowd.student.id, email="", roles=frozenset())
    receipt = receipt_of(session, order.id, actor)
    assert [(line.title, line.amount_cents) for line in receipt.lines] == [
        ("Practical SQLite", 1999)
    ]
    assert (receipt.subtotal_cents, receipt.discount_cents, receipt.total_cents) == (1999, 0, 1999)
    assert receipt.reference == "pi_test_receipt"
    assert receipt.buyer_name == "Sam Student"
    assert receipt.refunded_at is None


def test_a_refund_is_on_the_receipt_and_others_get_nothing(
    session: Session, crowd: Crowd, client: TestClient
) -> None:
    refunded = paid_order(session, crowd.student.id, PAID, 1999, refunded=True)
    actor = Actor(id=crowd.student.id, email="", roles=frozenset())
    assert receipt_of(session, refunded.id, actor).refunded_at is not None
    assert render(receipt_of(session, refunded.id, actor)).startswith(b"%PDF-")
    for stranger in (crowd.classmate, crowd.instructor, crowd.admin):
        answer = stranger.call("GET", f"/orders/{refunded.id}/receipt.pdf")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "order_not_found"
    anonymous = client.get(f"/api/v1/orders/{refunded.id}/receipt.pdf")
    assert anonymous.status_code == 401
    refunded.status = OrderStatus.PENDING
    refunded.completed_at = None
    session.flush()
    unpaid = crowd.student.call("GET", f"/orders/{refunded.id}/receipt.pdf")
    assert unpaid.status_code == 409
    assert unpaid.json()["error"]["code"] == "not_paid"
