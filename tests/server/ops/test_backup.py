"""`lmsdesk-server backup` and `restore`: a round trip gives back every row of every table and
every media file, byte for byte, here from a box's folder into S3 (how a small deployment moves
to several hosts); a damaged backup or a database in use is refused before anything is written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from lmsdesk_server.cli import main
from lmsdesk_server.storage import open_store
from lmsdesk_server.storage.filesystem import FileStore
from tests.support.postgres import PostgresForTests
from tests.support.s3 import S3ForTests


def _tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of ours, in a stable order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {
                name: sorted(
                    (
                        tuple(map(repr, row))
                        for row in conn.execute(text(f'SELECT * FROM "{name}"'))
                    ),
                )
                for name in names
            }
    finally:
        engine.dispose()


def _files(store_url: str | None, default: Path) -> dict[str, str]:
    store = open_store(store_url, default)
    return {
        key: hashlib.sha256(b"".join(store.read(key))).hexdigest() for key in store.object_keys()
    }


@pytest.fixture
def seeded_box(postgres: PostgresForTests, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = postgres.fresh_database("backup_source")
    monkeypatch.setenv("LMSDESK_DATABASE_URL", url)
    monkeypatch.setenv("LMSDESK_SERVER_DATA_DIR", str(tmp_path / "box"))
    monkeypatch.delenv("LMSDESK_MEDIA_STORE", raising=False)
    assert main(["seed-demo"]) == 0
    return url


def test_a_backup_restored_into_s3_gives_back_every_row_and_file(
    seeded_box: str,
    postgres: PostgresForTests,
    s3: S3ForTests,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    source_files = _files(None, tmp_path / "box" / "media")
    assert len(source_files) >= 3, "the demo's video, subtitles and pictures"
    assert main(["backup", "--to", str(tmp_path / "backup")]) == 0
    assert (tmp_path / "backup" / "manifest.json").exists()

    target = postgres.fresh_database("backup_target")
    bucket_url = s3.url(s3.fresh_bucket())
    monkeypatch.setenv("LMSDESK_DATABASE_URL", target)
    monkeypatch.setenv("LMSDESK_MEDIA_STORE", bucket_url)
    assert main(["restore", "--from", str(tmp_path / "backup")]) == 0

    before, after = _tables(seeded_box), _tables(target)
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], f"{table} differs after the round trip"
    assert _files(bucket_url, tmp_path) == source_files


def test_a_damaged_backup_or_a_database_in_use_is_refused(
    seeded_box: str,
    postgres: PostgresForTests,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["backup", "--to", str(tmp_path / "backup")]) == 0
    assert main(["backup", "--to", str(tmp_path / "backup")]) == 1
    assert "not empty" in capsys.readouterr().err

    # Into the database it came from (accounts in it): refused, nothing changed.
    before = _tables(seeded_box)
    assert main(["restore", "--from", str(tmp_path / "backup")]) == 1
    assert "already holds" in capsys.readouterr().err
    assert _tables(seeded_box) == before

    [video] = [p for p in (tmp_path / "backup" / "media").rglob("*") if p.stat().st_size > 100_000]
    video.write_bytes(video.read_bytes()[:-1] + b"x")
    target = postgres.fresh_database("backup_damaged")
    monkeypatch.setenv("LMSDESK_DATABASE_URL", target)
    monkeypatch.setenv("LMSDESK_SERVER_DATA_DIR", str(tmp_path / "other"))
    assert main(["restore", "--from", str(tmp_path / "backup")]) == 1
    assert "damaged" in capsys.readouterr().err
    assert _tables(target) == {}, "nothing restored from a damaged backup"
    assert not list(FileStore(tmp_path / "other" / "media").object_keys())
