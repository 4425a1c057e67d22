"""Sale prices (DESIGN.md section 11.5): the owning instructor (or an admin) sells an approved
course below its price until an end time. The course row carries the sale to every device, and
`effective_price` ends it there on time without another sync."""

from __future__ import annotations

from datetime import timedelta

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.pricing import SetSaleArgs
from lmsdesk_server.db.partitions import stamp
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationRejected
from lmsdesk_server.storefront.repository.offers import OfferRepository

#: A sale is an event, not a second price: at most this long.
LONGEST_SALE = timedelta(days=366)


def set_sale(ctx: MutationContext, args: SetSaleArgs) -> dict[str, object]:
    found = OfferRepository(ctx.session).courses([args.course_id], lock=True)
    course = found[0] if found else None
    if course is None or course.deleted_at is not None or course.revision_of is not None:
        raise MutationRejected("No such course.", status=404, code="course_not_found")
    if course.instructor_id != ctx.actor.id and not ctx.actor.has(Role.ADMIN):
        raise MutationRejected(
            "Only the course's instructor can put it on sale.", status=403, code="not_your_course"
        )
    if course.status is not CourseStatus.APPROVED:
        raise MutationRejected(
            "Only a published course can go on sale.", status=409, code="not_published"
        )
    if args.sale_price_cents is not None and args.ends_at is not None:
        if args.sale_price_cents >= course.price_cents:
            price = money_text(course.price_cents, course.currency)
            raise MutationRejected(
                f"A sale price is below the price ({price}).",
                status=422,
                code="not_a_sale",
            )
        if args.ends_at <= ctx.now or args.ends_at > ctx.now + LONGEST_SALE:
            raise MutationRejected(
                "A sale ends in the future, within a year.", status=422, code="bad_end"
            )
    course.sale_price_cents = args.sale_price_cents
    course.sale_ends_at = args.ends_at
    stamp(ctx.session, course, course.sync_partition)
    ctx.session.flush()
    return row_dict(course)
