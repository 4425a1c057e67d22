"""The cart and sale prices on this device, before the server has seen them (see
local_mutations.py): a course added to the cart offline shows in the cart at once, and an
instructor's sale shows on their course. Every applier sets state, so replaying it after a
pulled page gives the same result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.pricing import CartArgs, SetSaleArgs
from lmsdesk.local_db.models.mirror import CartItem, Course
from lmsdesk.sync.local_mutation import (
    LocalContext,
    LocalMutation,
    drop_own_course_row,
    keep_own_course_row,
    local,
)


def _add(ctx: LocalContext, args: CartArgs) -> None:
    keep_own_course_row(ctx, CartItem, args.course_id)


def _remove(ctx: LocalContext, args: CartArgs) -> None:
    drop_own_course_row(ctx, CartItem, args.course_id)


def _set_sale(ctx: LocalContext, args: SetSaleArgs) -> None:
    course = ctx.session.get(Course, args.course_id)
    if course is not None:
        course.sale_price_cents = args.sale_price_cents
        course.sale_ends_at = args.ends_at


def _title(session: Session, course_id: Any) -> str:
    course = session.get(Course, course_id)
    return f"'{course.title}'" if course else "a course"


STOREFRONT_MUTATIONS: list[LocalMutation[Any]] = [
    local(m.ADD_TO_CART, _add, lambda s, a: f"Cart: added {_title(s, a.course_id)}"),
    local(m.REMOVE_FROM_CART, _remove, lambda s, a: f"Cart: removed {_title(s, a.course_id)}"),
    local(
        m.SET_SALE,
        _set_sale,
        lambda s, a: (
            f"Sale of {_title(s, a.course_id)}"
            if a.sale_price_cents is not None
            else f"Sale of {_title(s, a.course_id)} ended"
        ),
    ),
]
