"""A finished sync redraws only the screens whose tables it changed."""

from __future__ import annotations

from lmsdesk.sync.engine import EVERYTHING, OUTBOX, SyncOutcome, SyncStatus
from lmsdesk.ui.changes import (
    AUTHORING_TABLES,
    CATALOG_TABLES,
    MY_LEARNING_TABLES,
    when_changed,
)


def _redraws(tables: frozenset[str], changed: set[str]) -> int:
    calls: list[None] = []
    slot = when_changed(tables, lambda: calls.append(None))
    slot(SyncOutcome(SyncStatus.IDLE, changed=frozenset(changed)))
    return len(calls)


def test_a_no_op_sync_redraws_nothing() -> None:
    for tables in (CATALOG_TABLES, MY_LEARNING_TABLES, AUTHORING_TABLES):
        assert _redraws(tables, set()) == 0


def test_each_screen_redraws_for_its_own_tables_only() -> None:
    assert _redraws(CATALOG_TABLES, {"wishlist_items"}) == 1
    assert _redraws(MY_LEARNING_TABLES, {"wishlist_items"}) == 0
    assert _redraws(AUTHORING_TABLES, {"wishlist_items"}) == 0
    assert _redraws(MY_LEARNING_TABLES, {"lesson_progress"}) == 1
    assert _redraws(CATALOG_TABLES, {"lesson_progress"}) == 0
    assert _redraws(AUTHORING_TABLES, {OUTBOX}) == 1, "refused or sent edits show there"


def test_a_dropped_partition_redraws_everything() -> None:
    for tables in (CATALOG_TABLES, MY_LEARNING_TABLES, AUTHORING_TABLES):
        assert _redraws(tables, {EVERYTHING}) == 1
