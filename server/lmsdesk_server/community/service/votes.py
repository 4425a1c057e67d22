"""Votes on questions and answers, and "helpful" on reviews: one per user, never on one's own.

The voted row is locked first, so two votes at once (two devices, or a retry beside the
original) count once: the second finds the first's vote row under the same lock.
"""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.community import PostKind, VoteArgs, VoteKind
from lmsdesk_server.community.repository import CommunityRepository
from lmsdesk_server.community.service.access import Standing, writable
from lmsdesk_server.db.models import CommunityVote
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition, write_tombstone
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

_COUNTER = {VoteKind.QUESTION: "vote_count", VoteKind.ANSWER: "vote_count"}


def vote(ctx: MutationContext, args: VoteArgs) -> dict[str, Any] | None:
    repo = CommunityRepository(ctx.session)
    mine = user_partition(ctx.actor.id)
    # The user's clock before the voted row: the order a push takes them in (it holds the
    # user's partition from the start), so the two doors never wait on each other in a circle.
    lock_partition(ctx.session, mine)
    target = repo.locked(PostKind(args.kind.value), args.target_id)
    if target is None:
        raise MutationRejected("That is no longer there.", status=404, code="not_found")
    writable(ctx.session, ctx.actor, target.course_id, Standing.STUDENT)
    author = target.student_id if args.kind is VoteKind.REVIEW else target.author_id
    if author == ctx.actor.id:
        raise MutationRejected("You cannot vote on what you wrote.", status=409)
    counter = _COUNTER.get(args.kind, "helpful_count")
    existing = repo.vote(ctx.actor.id, args.kind, args.target_id)
    if args.up:
        if existing is not None:
            raise MutationMerged("You have already voted.", row_dict(target))
        cast = CommunityVote(
            user_id=ctx.actor.id, kind=args.kind, target_id=args.target_id, created_at=ctx.now
        )
        ctx.session.add(cast)
        stamp(ctx.session, cast, mine)
        setattr(target, counter, getattr(target, counter) + 1)
    else:
        if existing is None:
            raise MutationMerged("There was no vote to take back.", row_dict(target))
        ctx.session.delete(existing)
        write_tombstone(
            ctx.session, mine, "community_votes", f"{ctx.actor.id}:{args.kind}:{args.target_id}"
        )
        setattr(target, counter, max(getattr(target, counter) - 1, 0))
    # The count travels with the row, in the partition it lives in (a review: the catalog).
    stamp(ctx.session, target, target.sync_partition)
    ctx.session.flush()
    return row_dict(target)
