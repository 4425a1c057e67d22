"""Media in S3-compatible object storage (AWS, MinIO, Ceph, R2) through boto3: every server
process on every host reads and writes the same objects.

A resumable upload is an S3 multipart upload at the object's own key, so a chunk may reach any
server process: S3 itself says how many bytes it holds (its parts, plus the tail below). S3
refuses parts under 5 MiB except the last, and a client may send smaller chunks, so chunks are
gathered in a tail object until they make a part. The caller holds the asset's row lock, so
chunks of one upload never race.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

#: S3's smallest part (all but the last).
MIN_PART_BYTES = 5 * 1024 * 1024
PIECE = 1 << 20


def _missing(exc: ClientError) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound", "NoSuchUpload")


class S3Store:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint: str | None = None,
        region: str | None = None,
        prefix: str = "",
        min_part_bytes: int = MIN_PART_BYTES,
    ) -> None:
        self.bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._min_part = min_part_bytes
        where = f" at {endpoint}" if endpoint else ""
        self.description = f"s3://{bucket}/{self._prefix}{where}"
        # A boto3 client is thread-safe (a session is not): one for the process.
        self._s3: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )

    # ---------------------------------------------------------------- whole objects
    def _key(self, key: str) -> str:
        if key.startswith("partial/") or ".." in key.split("/"):
            raise ValueError(f"not a media key: {key!r}")
        return self._prefix + key

    def _tail(self, key: str) -> str:
        return f"{self._prefix}partial/{key}.tail"

    def put(self, key: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_file(self, key: str, path: Path) -> None:
        # boto3's managed transfer: multipart, in parallel, for files of any size.
        self._s3.upload_file(str(path), self.bucket, self._key(key))

    def size(self, key: str) -> int | None:
        return self._size(self._key(key))

    def _size(self, full_key: str) -> int | None:
        try:
            head = self._s3.head_object(Bucket=self.bucket, Key=full_key)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return int(head["ContentLength"])

    def read(self, key: str, first: int = 0, last: int | None = None) -> Iterator[bytes]:
        wanted = f"bytes={first}-{'' if last is None else last}"
        answer = self._s3.get_object(Bucket=self.bucket, Key=self._key(key), Range=wanted)
        body = answer["Body"]
        try:
            yield from body.iter_chunks(PIECE)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=self._key(key))

    def object_keys(self) -> Iterator[str]:
        for key, _ in self._listing():
            yield key

    def keys_before(self, cutoff: datetime) -> Iterator[str]:
        for key, modified in self._listing():
            if modified < cutoff:
                yield key

    def _listing(self) -> Iterator[tuple[str, datetime]]:
        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = str(item["Key"])[len(self._prefix) :]
                if not key.startswith("partial/"):
                    yield key, item["LastModified"]

    # ---------------------------------------------------------------- resumable uploads
    def _upload_id(self, key: str, *, create: bool) -> str | None:
        full = self._key(key)
        listed = self._s3.list_multipart_uploads(Bucket=self.bucket, Prefix=full)
        ours = sorted(
            (u for u in listed.get("Uploads", []) if u["Key"] == full),
            key=lambda u: u["Initiated"],
        )
        if ours:
            return str(ours[0]["UploadId"])
        if not create:
            return None
        return str(self._s3.create_multipart_upload(Bucket=self.bucket, Key=full)["UploadId"])

    def _parts(self, key: str, upload_id: str) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = []
        pages = self._s3.get_paginator("list_parts").paginate(
            Bucket=self.bucket, Key=self._key(key), UploadId=upload_id
        )
        for page in pages:
            parts.extend(page.get("Parts", []))
        return sorted(parts, key=lambda p: int(p["PartNumber"]))

    def _tail_bytes(self, key: str) -> bytes:
        try:
            answer = self._s3.get_object(Bucket=self.bucket, Key=self._tail(key))
        except ClientError as exc:
            if _missing(exc):
                return b""
            raise
        data: bytes = answer["Body"].read()
        return data

    def received(self, key: str) -> int:
        upload_id = self._upload_id(key, create=False)
        in_parts = sum(int(p["Size"]) for p in self._parts(key, upload_id)) if upload_id else 0
        return in_parts + (self._size(self._tail(key)) or 0)

    def append(self, key: str, data: bytes, *, total: int) -> None:
        upload_id = self._upload_id(key, create=True)
        assert upload_id is not None
        parts = self._parts(key, upload_id)
        pending = self._tail_bytes(key) + data
        done = sum(int(p["Size"]) for p in parts) + len(pending) >= total
        if len(pending) < self._min_part and not done:
            self._s3.put_object(Bucket=self.bucket, Key=self._tail(key), Body=pending)
            return
        number = int(parts[-1]["PartNumber"]) + 1 if parts else 1
        self._s3.upload_part(
            Bucket=self.bucket,
            Key=self._key(key),
            UploadId=upload_id,
            PartNumber=number,
            Body=pending,
        )
        self._s3.delete_object(Bucket=self.bucket, Key=self._tail(key))

    def complete(self, key: str) -> str:
        upload_id = self._upload_id(key, create=False)
        if upload_id is None:
            raise ValueError(f"no unfinished upload to {key!r}")
        parts = [
            {"PartNumber": int(p["PartNumber"]), "ETag": p["ETag"]}
            for p in self._parts(key, upload_id)
        ]
        self._s3.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self._key(key),
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )
        # The announced sha256 is of the whole file: read it back once (S3's own checksums of
        # a multipart object are of its parts).
        digest = hashlib.sha256()
        for piece in self.read(key):
            digest.update(piece)
        return digest.hexdigest()

    def discard(self, key: str) -> None:
        while (upload_id := self._upload_id(key, create=False)) is not None:
            self._s3.abort_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), UploadId=upload_id
            )
        self._s3.delete_object(Bucket=self.bucket, Key=self._tail(key))
