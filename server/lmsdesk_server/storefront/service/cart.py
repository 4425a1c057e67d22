"""The cart (DESIGN.md section 11.5): courses a student means to buy together, synced like the
wishlist so every device shows the same cart, offline too. Checkout needs the network; the
cart does not. A course bought (in any order) leaves the cart when the order is paid.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk.contracts.pricing import MAX_ITEMS, CartArgs, CartLine, CartView
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import CartItem, Enrollment
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition, write_tombstone
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.errors import ApiError
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.storefront.repository.offers import OfferRepository
from lmsdesk_server.storefront.service import pricing

TABLE = "cart_items"


def add(ctx: MutationContext, args: CartArgs) -> dict[str, object] | None:
    if not ctx.actor.has(Role.STUDENT):
        raise MutationRejected(
            "Only a student account can buy courses.", status=403, code="students_only"
        )
    repo = OfferRepository(ctx.session)
    mine = user_partition(ctx.actor.id)
    # The partition first: two devices adding at once count the cart one after the other.
    lock_partition(ctx.session, mine)
    found = repo.courses([args.course_id])
    course = found[0] if found else None
    if course is None or course.status is not CourseStatus.APPROVED or course.deleted_at:
        raise MutationRejected(
            "That course is not in the catalog.", status=404, code="course_not_found"
        )
    if course.price_cents == 0:
        raise MutationRejected(
            "This course is free: enroll in it directly.", status=409, code="free_course"
        )
    if course.instructor_id == ctx.actor.id:
        raise MutationRejected("This is your own course.", status=409, code="own_course")
    enrollment = ctx.session.query(Enrollment).filter_by(
        student_id=ctx.actor.id, course_id=course.id, status=EnrollmentStatus.ACTIVE
    )
    if enrollment.first() is not None:
        # Not an error: an add queued offline arrives after the course was bought (on this
        # device or another). Nothing to add, nothing for the student to deal with; the
        # tombstone (committed: this change is applied as "nothing to add") takes the sending
        # device's own copy of the item away at its next pull.
        write_tombstone(ctx.session, mine, TABLE, f"{ctx.actor.id}:{course.id}")
        return None
    item = repo.cart_item(ctx.actor.id, args.course_id)
    if item is not None:
        raise MutationMerged("Already in the cart.", row_dict(item))
    if len(repo.cart(ctx.actor.id)) >= MAX_ITEMS:
        raise MutationRejected(
            f"The cart holds {MAX_ITEMS} courses at most: check these out first.",
            status=409,
            code="cart_full",
        )
    item = CartItem(student_id=ctx.actor.id, course_id=args.course_id, added_at=ctx.now)
    ctx.session.add(item)
    stamp(ctx.session, item, mine)
    ctx.session.flush()
    return row_dict(item)


def remove(ctx: MutationContext, args: CartArgs) -> None:
    item = OfferRepository(ctx.session).cart_item(ctx.actor.id, args.course_id)
    if item is None:
        raise MutationMerged("Not in the cart.")
    _drop(ctx.session, item)


def drop_bought(session: Session, student_id: uuid.UUID, course_ids: Iterable[uuid.UUID]) -> None:
    """A paid order's courses leave the buyer's cart (on every device, through sync)."""
    repo = OfferRepository(session)
    for course_id in course_ids:
        item = repo.cart_item(student_id, course_id)
        if item is not None:
            _drop(session, item)


def view(session: Session, actor: Actor, now: datetime) -> CartView:
    repo = OfferRepository(session)
    items = repo.cart(actor.id)
    lines = [CartLine(course_id=i.course_id, added_at=i.added_at) for i in items]
    courses = [
        c
        for c in repo.courses([i.course_id for i in items])
        if c.status is CourseStatus.APPROVED and c.deleted_at is None
    ]
    problem = ""
    if len(courses) < len(items):
        problem = "A course in the cart has left the catalog: remove it to check out."
    if not courses:
        return CartView(items=lines, quote=None, problem=problem)
    try:
        quote = pricing.quote(courses, None, now)
    except ApiError as exc:  # mixed currencies
        return CartView(items=lines, quote=None, problem=exc.message)
    return CartView(items=lines, quote=quote, problem=problem)


def _drop(session: Session, item: CartItem) -> None:
    session.delete(item)
    write_tombstone(
        session, user_partition(item.student_id), TABLE, f"{item.student_id}:{item.course_id}"
    )
    session.flush()
