"""An S3-compatible server process on 127.0.0.1 for the S3 media store's tests: moto's server
mode speaks S3's HTTP protocol (multipart uploads, ranges, the 5 MiB smallest part), in a thread
of the test process; no MinIO package is reachable here."""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from lmsdesk_server.storage.s3 import S3Store

#: Any credentials do for moto; set in the environment so subprocess servers find them too.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "lmsdesk-test",
    "AWS_SECRET_ACCESS_KEY": "lmsdesk-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class S3ForTests:
    def __init__(self) -> None:
        os.environ.update(CREDENTIALS)
        self.port = _free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"
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
        self._server.stop()
