"""A PDF receipt per paid order (DESIGN.md section 11.5): the buyer, each item, the discount,
the total, when it was paid, and the payment provider's reference; a refund is stated on it.

fpdf2 writes the PDF (a maintained pure-Python writer; the PDF format is not ours to keep). Text
is set in DejaVu Sans when the system has it (every character of a course title or a name),
else in the PDF core font with what Latin-1 cannot hold replaced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import OrderStatus
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.db.models import Course, Order, User
from lmsdesk_server.errors import ApiError

_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
_PAID = {OrderStatus.COMPLETED, OrderStatus.REFUNDED}


@dataclass(frozen=True)
class ReceiptLine:
    """A course at the price it sold at (a sale), before the coupon."""

    title: str
    amount_cents: int
    list_price_cents: int | None = None
    refunded_at: datetime | None = None


@dataclass(frozen=True)
class Receipt:
    number: str
    buyer_name: str
    buyer_email: str
    paid_at: datetime
    currency: str
    lines: list[ReceiptLine]
    discount_cents: int
    provider: str
    reference: str
    refunded_at: datetime | None
    coupon_code: str | None = None

    @property
    def subtotal_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents


def receipt_number(order_id: uuid.UUID) -> str:
    return f"R-{order_id.hex[:12].upper()}"


def receipt_of(session: Session, order_id: uuid.UUID, actor: Actor) -> Receipt:
    """The buyer's receipt of a paid order; another's order is as absent as a missing one."""
    order = CommerceRepository(session).order(order_id)
    if order is None or order.student_id != actor.id:
        raise ApiError(404, "order_not_found", "No such order.")
    if order.status not in _PAID or order.completed_at is None:
        raise ApiError(409, "not_paid", "A receipt exists once the order is paid.")
    return _receipt(session, order)


def _receipt(session: Session, order: Order) -> Receipt:
    repo = CommerceRepository(session)
    buyer = session.get(User, order.student_id)
    assert order.completed_at is not None
    items = repo.items_of(order.id)
    lines = [
        ReceiptLine(
            i.course_title,
            i.price_cents,
            i.list_price_cents if i.list_price_cents != i.price_cents else None,
            i.refunded_at,
        )
        for i in items
    ]
    if not lines:  # an order written without items (the first release's shape)
        course = session.get(Course, order.course_id)
        lines = [ReceiptLine(course.title if course else "(a course)", order.amount_cents)]
    codes = repo.coupon_codes({order.coupon_id} if order.coupon_id else set())
    return Receipt(
        number=receipt_number(order.id),
        buyer_name=buyer.full_name if buyer else "",
        buyer_email=buyer.email if buyer else "",
        paid_at=order.completed_at,
        currency=order.currency,
        lines=lines,
        discount_cents=order.discount_cents if items else 0,
        coupon_code=codes.get(order.coupon_id),
        provider=order.provider.value,
        reference=order.provider_payment_intent_id or order.provider_session_id or "",
        refunded_at=order.refunded_at,
    )


def _money(cents: int, currency: str) -> str:
    return f"{cents / 100:,.2f} {currency}"


class _Writer:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.add_page()
        font = next((f for f in _FONTS if f.exists()), None)
        if font is not None:
            self.pdf.add_font("Body", fname=str(font))
            self.family, self.unicode = "Body", True
        else:
            self.family, self.unicode = "Helvetica", False

    def text(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def line(self, value: str, size: int = 11, *, height: float = 7) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, height, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def row(self, left: str, right: str, size: int = 11) -> None:
        self.pdf.set_font(self.family, size=size)
        width = self.pdf.epw
        self.pdf.cell(width * 0.7, 8, self.text(left))
        self.pdf.cell(width * 0.3, 8, self.text(right), align="R", new_x="LMARGIN", new_y="NEXT")


def render(receipt: Receipt) -> bytes:
    w = _Writer()
    w.pdf.set_title(f"LMSDesk receipt {receipt.number}")
    w.pdf.set_author("LMSDesk")
    w.line("LMSDesk", 20, height=10)
    w.line(f"Receipt {receipt.number}", 14, height=9)
    w.line(f"Paid {receipt.paid_at:%d %B %Y, %H:%M} UTC")
    w.line(f"Billed to {receipt.buyer_name} <{receipt.buyer_email}>")
    w.pdf.ln(4)
    w.row("Item", "Amount")
    for item in receipt.lines:
        w.row(item.title, _money(item.amount_cents, receipt.currency))
        if item.list_price_cents is not None:
            w.row(
                "    on sale, regularly " + _money(item.list_price_cents, receipt.currency), "", 9
            )
        if item.refunded_at is not None:
            w.row(f"    refunded {item.refunded_at:%d %B %Y}", "", 9)
    w.pdf.ln(2)
    w.row("Subtotal", _money(receipt.subtotal_cents, receipt.currency))
    discount = receipt.discount_cents
    label = f"Discount ({receipt.coupon_code})" if receipt.coupon_code else "Discount"
    w.row(label, ("-" if discount else "") + _money(discount, receipt.currency))
    w.row("Total", _money(receipt.total_cents, receipt.currency), 13)
    w.pdf.ln(4)
    w.line(f"Payment: {receipt.provider}, reference {receipt.reference or 'none'}", 10)
    if receipt.refunded_at is not None:
        w.line(f"Refunded {receipt.refunded_at:%d %B %Y, %H:%M} UTC", 11)
    return bytes(w.pdf.output())
