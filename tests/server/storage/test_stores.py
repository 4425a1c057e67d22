"""Both media stores keep the same promises (DESIGN.md section 12): whole objects, byte ranges,
and resumable uploads in chunks of any size, with the S3 store on an S3 server on 127.0.0.1
that refuses parts under 5 MiB as S3 does."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lmsdesk_server.storage import MediaStore, open_store
from lmsdesk_server.storage.filesystem import FileStore
from lmsdesk_server.storage.s3 import S3Store
from tests.support.s3 import S3ForTests, store_for

MIB = 1024 * 1024
BIG = hashlib.shake_256(b"lmsdesk media").digest(12 * MIB + 12345)  # three parts and a tail


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    return store_for(request.param, request, tmp_path / "media")


def _read(store: MediaStore, key: str, first: int = 0, last: int | None = None) -> bytes:
    return b"".join(store.read(key, first, last))


def test_whole_objects_and_ranges(store: MediaStore) -> None:
    data = bytes(range(256)) * 100
    assert store.size("avatars/u/a.png") is None
    store.put("avatars/u/a.png", data)
    assert store.size("avatars/u/a.png") == len(data)
    assert _read(store, "avatars/u/a.png") == data
    assert _read(store, "avatars/u/a.png", 1000, 1999) == data[1000:2000]
    assert _read(store, "avatars/u/a.png", 25000) == data[25000:]
    assert list(store.object_keys()) == ["avatars/u/a.png"]
    store.delete("avatars/u/a.png")
    assert store.size("avatars/u/a.png") is None
    assert list(store.object_keys()) == []


@pytest.mark.parametrize("chunk", [1 * MIB, 7 * MIB])
def test_an_upload_in_chunks_of_any_size_becomes_the_object(store: MediaStore, chunk: int) -> None:
    key = "uploads/owner/asset.mp4"
    for offset in range(0, len(BIG), chunk):
        assert store.received(key) == offset
        store.append(key, BIG[offset : offset + chunk], total=len(BIG))
    assert store.received(key) == len(BIG)
    assert store.size(key) is None, "nothing is readable before the upload completes"
    assert store.complete(key) == hashlib.sha256(BIG).hexdigest()
    assert store.size(key) == len(BIG)
    assert _read(store, key, 6 * MIB, 6 * MIB + 99) == BIG[6 * MIB : 6 * MIB + 100]
    assert list(store.object_keys()) == [key], "no partial objects are left behind"


def test_a_discarded_upload_starts_again_from_nothing(store: MediaStore) -> None:
    key = "uploads/owner/other.mp4"
    store.append(key, BIG[: 6 * MIB], total=len(BIG))
    store.append(key, BIG[6 * MIB : 7 * MIB], total=len(BIG))
    assert store.received(key) == 7 * MIB
    store.discard(key)
    assert store.received(key) == 0
    store.append(key, BIG[:100], total=100)
    assert store.complete(key) == hashlib.sha256(BIG[:100]).hexdigest()


def test_keys_from_outside_are_refused(store: MediaStore) -> None:
    for key in ("../secrets/jwt_secret", "partial/x.tail", "a/../../b"):
        with pytest.raises(ValueError, match="not a media key"):
            store.put(key, b"x")


def test_the_store_is_chosen_by_its_url(tmp_path: Path, s3: S3ForTests) -> None:
    assert isinstance(open_store(None, tmp_path), FileStore)
    assert isinstance(open_store(f"file://{tmp_path}/elsewhere", tmp_path), FileStore)
    bucket = s3.fresh_bucket()
    chosen = open_store(s3.url(bucket), tmp_path)
    assert isinstance(chosen, S3Store)
    assert chosen.bucket == bucket
    for wrong in ("s3://?endpoint=x", "ftp://host/media"):
        with pytest.raises(ValueError, match="LMSDESK_MEDIA_STORE"):
            open_store(wrong, tmp_path)
