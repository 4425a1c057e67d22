"""An S3-compatible server process on 127.0.0.1 for the S3 media store's tests: moto's server
mode (`python -m moto.server`) speaks S3's HTTP protocol (multipart uploads, ranges, the 5 MiB
smallest part); no MinIO package is reachable here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from lmsdesk_server.storage import MediaStore
from lmsdesk_server.storage.s3 import S3Store

#: Any credentials do for moto; set in the environment so subprocess servers find them too.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "lmsdesk-test",
    "AWS_SECRET_ACCESS_KEY": "lmsdesk-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def store_for(kind: str, request: pytest.FixtureRequest, root: Path) -> MediaStore:
    """A `file` store under `root`, or an `s3` one in a fresh bucket of the session's S3 server:
    for fixtures parametrized over both stores."""
    if kind == "file":
        from lmsdesk_server.storage.filesystem import FileStore

        return FileStore(root)
    s3: S3ForTests = request.getfixturevalue("s3")
    return s3.store()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class S3ForTests:
    def __init__(self) -> None:
        os.environ.update(CREDENTIALS)
        self.port = _free_port()
        self._server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(self.endpoint, timeout=1)
                break
            except httpx.TransportError:
                if self._server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the S3 server (moto) did not start") from None
                time.sleep(0.1)
        self._client: Any = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1"
        )

    def fresh_bucket(self) -> str:
        name = f"lmsdesk-{uuid.uuid4().hex[:16]}"
        self._client.create_bucket(Bucket=name)
        return name

    def url(self, bucket: str) -> str:
        """The LMSDESK_MEDIA_STORE value for a bucket here."""
        return f"s3://{bucket}?endpoint={self.endpoint}&region=us-east-1"

    def store(self) -> S3Store:
        return S3Store(self.fresh_bucket(), endpoint=self.endpoint, region="us-east-1")

    def multipart_uploads(self, bucket: str) -> list[Any]:
        return list(self._client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))

    def stop(self) -> None:
        self._server.terminate()
        self._server.wait(10)
