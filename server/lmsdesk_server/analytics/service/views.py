"""Course detail views, reported by laptops in batches through sync (no request per view).

Views of courses that are not (or no longer) in the catalog are dropped quietly: they were
real looks at the time, and refusing them would only leave a failed change on the laptop.
A view is dated when it happened, but no earlier than the days the daily job still
recomputes (a laptop that was offline for a week counts its views as recent ones), and never
in the future.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from lmsdesk.contracts.analytics import RecordViewsArgs
from lmsdesk_server.analytics.repository import AnalyticsRepository
from lmsdesk_server.mutation import MutationContext

#: The job recomputes today and the two days before (daily.RECOMPUTED_DAYS).
_OLDEST = timedelta(days=2)


def record_views(ctx: MutationContext, args: RecordViewsArgs) -> None:
    repo = AnalyticsRepository(ctx.session)
    known = repo.approved_courses({v.course_id for v in args.views})
    oldest = ctx.now - _OLDEST
    rows = [
        {
            "id": uuid.uuid4(),
            "course_id": v.course_id,
            "viewer_id": ctx.actor.id,
            "viewed_at": min(max(v.viewed_at, oldest), ctx.now),
        }
        for v in args.views
        if v.course_id in known
    ]
    repo.add_views(rows)
