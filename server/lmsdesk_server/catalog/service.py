"""Wishlist (own, private) and ratings (public, enrolled students only)."""

from __future__ import annotations

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.ids import rating_id
from lmsdesk.contracts.sync import SetRatingArgs, WishlistArgs
from lmsdesk_server.db.models import CourseRating, WishlistItem
from lmsdesk_server.db.partitions import (
    CATALOG_PARTITION,
    stamp,
    user_partition,
    write_tombstone,
)
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected


def add_to_wishlist(ctx: MutationContext, args: WishlistArgs) -> dict[str, object]:
    repo = LearningRepository(ctx.session)
    course = repo.course(args.course_id)
    if course is None or course.status is not CourseStatus.APPROVED:
        raise MutationRejected("That course is not in the catalog.")
    item = repo.wishlist_item(ctx.actor.id, args.course_id)
    if item is not None:
        raise MutationMerged("Already on the wishlist.", row_dict(item))
    item = WishlistItem(student_id=ctx.actor.id, course_id=args.course_id, added_at=ctx.now)
    ctx.session.add(item)
    stamp(ctx.session, item, user_partition(ctx.actor.id))
    ctx.session.flush()
    return row_dict(item)


def remove_from_wishlist(ctx: MutationContext, args: WishlistArgs) -> dict[str, object] | None:
    repo = LearningRepository(ctx.session)
    item = repo.wishlist_item(ctx.actor.id, args.course_id)
    if item is None:
        raise MutationMerged("Not on the wishlist.")
    ctx.session.delete(item)
    write_tombstone(
        ctx.session,
        user_partition(ctx.actor.id),
        "wishlist_items",
        f"{ctx.actor.id}:{args.course_id}",
    )
    ctx.session.flush()
    return None


def set_rating(ctx: MutationContext, args: SetRatingArgs) -> dict[str, object]:
    repo = LearningRepository(ctx.session)
    if not repo.has_active_enrollment(ctx.actor.id, args.course_id):
        raise MutationRejected("Only students enrolled in a course can rate it.")
    rating = repo.rating(ctx.actor.id, args.course_id)
    if rating is None:
        rating = CourseRating(
            id=rating_id(ctx.actor.id, args.course_id),
            course_id=args.course_id,
            student_id=ctx.actor.id,
            created_at=ctx.now,
            rating=args.rating,
        )
        ctx.session.add(rating)
    rating.rating = args.rating
    rating.title = args.title
    rating.body = args.body
    rating.updated_at = ctx.now
    # Ratings are public: they live with the catalog, beside the course they rate.
    stamp(ctx.session, rating, CATALOG_PARTITION)
    ctx.session.flush()
    return row_dict(rating)
