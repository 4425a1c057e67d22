"""POST /sync/pull: the changes a user may see since their cursor, a page at a time.

Pages end on version boundaries (a transaction's writes arrive together; one transaction larger
than the page still comes whole). A partition the cursor has not seen arrives whole; one the user
lost is named in `revoked`; one whose tombstones were purged past the cursor, or that the client
asks to `resync` (it holds local effects of changes the server refused), is `reset` and sent
whole again. No-op pulls read only the partition clocks.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.sync import PartitionChanges, PullRequest, PullResponse, Tombstone
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.partitions import (
    CATALOG_PARTITION,
    COMMUNITY_CLOCK,
    MODERATION_PARTITION,
    clocks,
    community_partition,
    course_partition,
    draft_partition,
    user_partition,
)
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.schedule.repository import (
    RELEASED_BETWEEN,
    ScheduleRepository,
    released_between_params,
)
from lmsdesk_server.schedule.service.releases import Releases
from lmsdesk_server.sync.repository.feed import Reader, Scope, ShownRows, SyncFeedRepository
from lmsdesk_server.sync.repository.tables import (
    COMMUNITY_TABLES,
    OTHER_TABLES,
    SyncedTable,
    tables_of,
)
from lmsdesk_server.sync.service.cursor import Cursor, CursorCodec
from lmsdesk_server.sync.service.push import server_hlc


@dataclass
class PulledPage:
    """A pull answer whose rows are still the JSON arrays PostgreSQL built; `to_json` splices
    them into the PullResponse document without parsing them."""

    limit: int
    reader: Reader
    fragments: dict[str, list[str]] = field(default_factory=dict)
    tombstones: list[Tombstone] = field(default_factory=list)
    size: int = 0
    envelope: PullResponse | None = None

    def add_rows(self, table: SyncedTable, partition: str, shown: ShownRows) -> None:
        if shown.rows_json != "[]":
            self.fragments.setdefault(table.name, []).append(shown.rows_json)
        for key in shown.hidden_keys:  # hidden from this user: make sure their copy goes
            self.tombstones.append(Tombstone(table=table.name, row_id=key, partition=partition))
        self.size += shown.count

    def to_json(self) -> bytes:
        assert self.envelope is not None
        tables = ",".join(
            f"{json.dumps(name)}:[{','.join(part[1:-1] for part in parts)}]"
            for name, parts in self.fragments.items()
        )
        rest = self.envelope.model_dump_json(exclude={"changes"})
        return f'{{"changes":{{{tables}}},{rest[1:]}'.encode()


@dataclass(frozen=True)
class Visible:
    """What a user may read: the cursor's entries in serving order, and the courses whose
    community they take part in (all versioned by the one community clock)."""

    partitions: list[str]
    communities: list[str]

    def scope(self, entry: str) -> Scope:
        if entry == COMMUNITY_CLOCK:
            return Scope(entry, tuple(community_partition(c) for c in self.communities))
        return Scope.of(entry)


def visible(session: Session, actor: Actor) -> Visible:
    """Every partition this user may read, in the order they are served."""
    is_admin = actor.has_admin()
    feed = SyncFeedRepository(session)
    drafts = feed.draft_course_ids(actor.id, is_admin=is_admin)
    partitions = [user_partition(actor.id), CATALOG_PARTITION]
    partitions += [draft_partition(course) for course in drafts]
    if is_admin:
        partitions.append(MODERATION_PARTITION)
    # Each course's community, for its active students and its instructor (admins read it
    # through the reports queue and REST: every community on every admin laptop would not do).
    communities = feed.community_course_ids(actor.id)
    if communities:
        partitions.append(COMMUNITY_CLOCK)
    return Visible(partitions, communities)


def pull(session: Session, actor: Actor, request: PullRequest, codec: CursorCodec) -> PulledPage:
    now = datetime.now(UTC)
    previous = codec.decode(request.cursor, actor.id) or Cursor(user_id=actor.id)
    if nothing_new(session, actor, request.resync, previous, now):
        return _empty_page(request, previous, codec, now)
    feed = SyncFeedRepository(session)
    learning = LearningRepository(session)
    schedule = ScheduleRepository(session)
    # The reader's cohorts, read once: what is withheld, and what opened since the cursor.
    calendar = Releases({}) if actor.has_admin() else Releases.of(schedule, actor.id)
    shown = visible(session, actor)
    partitions = shown.partitions
    is_admin = actor.has_admin()
    entitled = learning.entitled_course_ids(actor.id, is_admin=is_admin)
    reader = Reader(
        entitled=frozenset(uuid.UUID(c) for c in entitled),
        archived=frozenset(uuid.UUID(c) for c in feed.archived_course_ids()),
        unreleased=frozenset(calendar.unreleased_lessons(schedule, now)),
    )
    page = PulledPage(limit=request.limit, reader=reader)
    report = PartitionChanges()
    current = clocks(session, partitions)
    user_version = current.get(user_partition(actor.id), (0, 0))[0]
    versions = dict(previous.versions)
    if previous.as_admin != is_admin and versions.get(CATALOG_PARTITION, 0) > 0:
        # Becoming (or ceasing to be) an admin changes which courses come in full: start over.
        report.reset.append(CATALOG_PARTITION)
        versions[CATALOG_PARTITION] = 0
    _reconcile_courses(feed, learning, page, report, actor, previous, versions)
    _send_released(feed, calendar, page, previous, versions, now)
    _reconcile_communities(
        feed, learning, page, report, actor, previous, versions, shown, request.resync
    )

    next_versions: dict[str, int] = {}
    # A partition asked for again but not visible (a refused create, someone else's): the
    # client drops its copy, as for any partition the user lost.
    # (A course's community is added and revoked above, course by course.)
    resync = {p for p in request.resync if not p.startswith(community_partition(""))}
    for gone in sorted((set(previous.versions) | resync) - set(partitions) - {COMMUNITY_CLOCK}):
        report.revoked.append(gone)
    has_more = False
    for partition in partitions:
        seen = versions.get(partition, 0)
        version, purged = current.get(partition, (0, 0))
        # Tombstones purged past the cursor, or asked for again (local effects of changes the
        # server refused): the client drops its copy, and the partition comes whole.
        scope = shown.scope(partition)
        if partition in resync or 0 < seen < purged:
            report.reset.extend(scope.partitions)
            seen = 0
        elif seen == 0 and version > 0 and previous.versions:
            report.added.append(partition)
        if has_more or version <= seen:
            next_versions[partition] = seen
            continue
        budget = max(page.limit - page.size, 1)
        boundary = feed.version_at(scope, seen, budget - 1)
        through = version if boundary is None else boundary
        tables = tables_of(partition)
        found = feed.tables_between(tables, scope, seen, through, reader)
        for table in tables:
            page.add_rows(table, partition, found[table.name])
        for tomb in feed.tombstones_between(scope, seen, through):
            page.tombstones.append(
                Tombstone(table=tomb.table_name, row_id=tomb.row_id, partition=tomb.partition)
            )
            page.size += 1
        next_versions[partition] = through
        has_more = through < version

    cursor = Cursor(
        user_id=actor.id,
        versions=next_versions,
        entitlements_through=user_version,
        as_admin=is_admin,
        pulled_at=int(now.timestamp()),
    )
    page.envelope = PullResponse(
        changes={},
        tombstones=page.tombstones,
        cursor=codec.encode(cursor),
        has_more=has_more,
        partitions=report,
        server_time=now,
        server_hlc=server_hlc(),
    )
    return page


def nothing_new(
    session: Session, actor: Actor, resync: list[str], previous: Cursor, now: datetime
) -> bool:
    """Whether the whole pull below would send nothing, asked in one statement (most pulls
    are this: a device polling a catalog that did not move).

    It would send nothing when every clock the cursor holds is where the cursor left it (the
    user's clock also versions their enrollments, so none changed), the user's drafts are the
    draft partitions the cursor holds, their role is the cursor's, and none of their cohorts
    opened a week since. Whatever else changes what a user sees (a course published, bought,
    archived, a community joined) writes to one of those clocks."""
    is_admin = actor.has_admin()
    user = user_partition(actor.id)
    if (
        resync
        or previous.as_admin != is_admin
        or previous.pulled_at <= 0
        or user not in previous.versions
        or CATALOG_PARTITION not in previous.versions
    ):
        return False
    after = datetime.fromtimestamp(previous.pulled_at, UTC)
    # Admins see every week (an empty window asks nothing).
    released = released_between_params(actor.id, after, after if is_admin else now)
    probe = SyncFeedRepository(session).probe(
        actor.id,
        sorted(previous.versions),
        is_admin=is_admin,
        released=RELEASED_BETWEEN,
        released_params=released,
    )
    if probe.released or probe.clocks.get(user, (0, 0))[0] != previous.entitlements_through:
        return False
    for partition, seen in previous.versions.items():
        version, purged = probe.clocks.get(partition, (0, 0))
        if version != seen or 0 < seen < purged:
            return False
    drafts = {p for p in previous.versions if p.startswith(draft_partition(""))}
    return drafts == {draft_partition(course) for course in probe.drafts}


def _empty_page(
    request: PullRequest, previous: Cursor, codec: CursorCodec, now: datetime
) -> PulledPage:
    page = PulledPage(limit=request.limit, reader=Reader(frozenset(), frozenset()))
    cursor = replace(previous, pulled_at=int(now.timestamp()))
    page.envelope = PullResponse(
        changes={},
        tombstones=[],
        cursor=codec.encode(cursor),
        has_more=False,
        partitions=PartitionChanges(),
        server_time=now,
        server_hlc=server_hlc(),
    )
    return page


def _reconcile_courses(
    feed: SyncFeedRepository,
    learning: LearningRepository,
    page: PulledPage,
    report: PartitionChanges,
    actor: Actor,
    previous: Cursor,
    versions: dict[str, int],
) -> None:
    """Courses bought or lost since the cursor: re-send what was already delivered of them, in
    full or as a summary. Later catalog versions arrive below, already projected the new way.
    Re-sending a course the client already had in full is harmless; skipping one is not."""
    catalog_seen = versions.get(CATALOG_PARTITION, 0)
    changed = learning.enrollments_changed_since(actor.id, previous.entitlements_through)
    for course, _active in sorted(changed):
        if uuid.UUID(course) in page.reader.entitled:
            report.added.append(course_partition(course))
        else:
            report.revoked.append(course_partition(course))
        _send_course(feed, page, course, catalog_seen)


def _send_released(
    feed: SyncFeedRepository,
    calendar: Releases,
    page: PulledPage,
    previous: Cursor,
    versions: dict[str, int],
    now: datetime,
) -> None:
    """Courses where a week of this student's cohort opened since the cursor's pull: what was
    delivered of them comes again, the newly opened lessons now whole."""
    catalog_seen = versions.get(CATALOG_PARTITION, 0)
    if catalog_seen <= 0 or previous.pulled_at <= 0:
        return
    after = datetime.fromtimestamp(previous.pulled_at, UTC)
    for course in calendar.released_between(after, now):
        _send_course(feed, page, str(course), catalog_seen)


def _reconcile_communities(
    feed: SyncFeedRepository,
    learning: LearningRepository,
    page: PulledPage,
    report: PartitionChanges,
    actor: Actor,
    previous: Cursor,
    versions: dict[str, int],
    shown: Visible,
    resync: list[str],
) -> None:
    """Courses whose community this user joined or left since the cursor (an enrollment, a
    refund, a course of theirs published), and communities asked for again: a joined one comes
    whole up to the version the cursor has (later versions follow with everyone's); a left one
    is revoked, so the device drops it."""
    seen = versions.get(COMMUNITY_CLOCK, 0)
    now = set(shown.communities)
    changed = {
        course
        for course, _active in learning.enrollments_changed_since(
            actor.id, previous.entitlements_through
        )
    }
    if previous.versions:
        catalog_seen = previous.versions.get(CATALOG_PARTITION, 0)
        changed |= set(feed.taught_courses_published_since(actor.id, catalog_seen))
    asked = {p.split(":", 1)[1] for p in resync if p.startswith(community_partition(""))}
    for course in sorted(changed | asked):
        partition = community_partition(course)
        if course not in now:
            if previous.versions:
                report.revoked.append(partition)
            continue
        if course in asked:
            report.reset.append(partition)
        elif previous.versions:
            report.added.append(partition)
        if seen > 0:
            for table in COMMUNITY_TABLES:
                rows = feed.course_community_rows(table, partition, seen, page.reader)
                page.add_rows(table, partition, rows)


def _send_course(feed: SyncFeedRepository, page: PulledPage, course: str, through: int) -> None:
    if through <= 0:
        return
    for table in OTHER_TABLES:
        rows = feed.course_rows(table, CATALOG_PARTITION, course, through, page.reader)
        page.add_rows(table, CATALOG_PARTITION, rows)
