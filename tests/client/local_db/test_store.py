"""The per-account SQLite store: created and migrated at start-up, configured for safety."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from lmsdesk.local_db.accounts import (
    LastAccount,
    StoredAccount,
    ensure_replica,
    load_account,
    read_last_account,
    save_account,
    write_last_account,
)
from lmsdesk.local_db.engine import LocalStore
from lmsdesk.local_db.migrate import alembic_config, head_revision, upgrade_store
from lmsdesk.local_db.models import LocalBase


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    local = LocalStore(tmp_path / "account" / "lmsdesk.sqlite3")
    upgrade_store(local.engine)
    return local


def test_migration_creates_every_table_of_the_models(store: LocalStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert tables == set(LocalBase.metadata.tables) | {"alembic_version"}
    assert {"outbox", "sync_state", "downloads", "settings", "account", "replica"} <= tables
    assert {"courses", "lessons", "lesson_progress", "quiz_attempts", "enrollments"} <= tables


def test_upgrade_twice_is_harmless(store: LocalStore) -> None:
    upgrade_store(store.engine)
    with store.reading() as session:
        version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version == head
    # The quick check at start-up (no alembic import) knows the same head.
    assert head_revision() == head


def test_connections_use_wal_normal_sync_and_foreign_keys(store: LocalStore) -> None:
    with store.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_status_columns_refuse_unknown_values(store: LocalStore) -> None:
    with pytest.raises(Exception, match="CHECK constraint failed"), store.transaction() as s:
        s.execute(
            text(
                "INSERT INTO outbox (seq, mutation_id, name, args, hlc, description, state, "
                "attempts, created_at) VALUES (1, 'x', 'n', '{}', 0, '', 'bogus', 0, 't')"
            )
        )


def test_account_round_trips_with_aware_datetimes(store: LocalStore) -> None:
    seen = datetime(2026, 11, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    account = StoredAccount(uuid.uuid4(), "a@example.com", "A", ("student",), "http://x", seen)
    with store.transaction() as session:
        save_account(session, account)
    with store.reading() as session:
        loaded = load_account(session)
    assert loaded == account
    assert loaded is not None
    assert loaded.last_online_at == seen.astimezone(UTC)
    assert loaded.last_online_at is not None
    assert loaded.last_online_at.tzinfo is not None


def test_device_id_is_stable_and_a_copied_store_takes_a_new_one(
    store: LocalStore, tmp_path: Path
) -> None:
    side_file = tmp_path / "account" / "replica_epoch"
    with store.transaction() as session:
        first = ensure_replica(session, side_file)
    with store.transaction() as session:
        assert ensure_replica(session, side_file) == first

    # The store file copied to another folder (a restore, a second laptop): the side file there
    # does not match, so the copy must not reuse this device's sequence numbers.
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    store.close()
    shutil.copy(store.path, copy_dir / "lmsdesk.sqlite3")
    copy = LocalStore(copy_dir / "lmsdesk.sqlite3")
    with copy.transaction() as session:
        assert ensure_replica(session, copy_dir / "replica_epoch") != first


def test_last_account_pointer_survives_garbage(tmp_path: Path) -> None:
    pointer = tmp_path / "last_account.json"
    assert read_last_account(pointer) is None
    pointer.write_text("{not json")
    assert read_last_account(pointer) is None
    last = LastAccount("http://127.0.0.1:8765", "a@example.com", uuid.uuid4())
    write_last_account(pointer, last)
    assert read_last_account(pointer) == last


def _insert_order(store: LocalStore, status: str) -> None:
    with store.transaction() as s:
        s.execute(
            text(
                "INSERT INTO orders (id, student_id, course_id, amount_cents, currency, provider, "
                "status, created_at, sync_partition, sync_version) VALUES "
                "(:id, :sid, :cid, 1999, 'USD', 'test', :status, '2026-11-23T00:00:00+00:00', "
                "'user:x', 1)"
            ),
            {
                "id": uuid.uuid4().hex,
                "sid": uuid.uuid4().hex,
                "cid": uuid.uuid4().hex,
                "status": status,
            },
        )


def test_a_mirrored_order_may_be_cancelled_but_not_anything_else(store: LocalStore) -> None:
    _insert_order(store, "cancelled")
    with pytest.raises(Exception, match="CHECK constraint failed"):
        _insert_order(store, "abandoned")


def test_downgrade_turns_cancelled_orders_into_expired_ones(store: LocalStore) -> None:
    from alembic import command

    _insert_order(store, "cancelled")
    with store.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with store.reading() as session:
        assert session.execute(text("SELECT status FROM orders")).scalar() == "expired"
    upgrade_store(store.engine)
    _insert_order(store, "cancelled")
