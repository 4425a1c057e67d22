"""How far each user has read each course's community, synced so that reading on one laptop
clears the notification on the other. The mark only grows (two devices marking in any order
end at the later one) and never passes the server's clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lmsdesk.contracts.community import MarkSeenArgs
from lmsdesk_server.community.service.access import readable
from lmsdesk_server.db.models import CommunitySeen
from lmsdesk_server.db.partitions import lock_partition, stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged

_SKEW = timedelta(minutes=5)


def mark_seen(ctx: MutationContext, args: MarkSeenArgs) -> dict[str, Any]:
    readable(ctx.session, ctx.actor, args.course_id)
    through = min(args.seen_through, ctx.now + _SKEW)
    # Two devices marking the first time at once: one row, written in turn.
    lock_partition(ctx.session, user_partition(ctx.actor.id))
    mark = ctx.session.get(CommunitySeen, (ctx.actor.id, args.course_id), with_for_update=True)
    if mark is None:
        mark = CommunitySeen(user_id=ctx.actor.id, course_id=args.course_id, seen_through=through)
        ctx.session.add(mark)
    elif mark.seen_through >= through:
        raise MutationMerged("Already seen.", row_dict(mark))
    mark.seen_through = through
    stamp(ctx.session, mark, user_partition(ctx.actor.id))
    ctx.session.flush()
    return row_dict(mark)
