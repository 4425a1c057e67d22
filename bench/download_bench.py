"""Download benchmark (DESIGN.md section 8): the client's Downloader against the real server on
127.0.0.1, and as baseline a raw httpx download of the same file from a static file server
(sendfile: the kernel copies the bytes, so no Python server caps the baseline), same run.

    python bench/download_bench.py [--megabytes N] [--runs N] [--json]

download_ratio: the Downloader's throughput (Range request, sha256 verified, fsync'd, moved into
place) over the raw download's (stream to a file, nothing else); target >= 0.8. Also checks that
a download interrupted halfway resumes where it stopped: resume_refetched_bytes is how many
bytes were fetched twice (target: 0).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]

from bench_server import print_figures, served  # noqa: E402
from lmsdesk.local_db.models.client import DownloadState  # noqa: E402
from lmsdesk.services.download_queue import DownloadQueue  # noqa: E402
from lmsdesk.services.downloader import Downloader  # noqa: E402
from lmsdesk.services.media_library import MediaLibrary  # noqa: E402
from lmsdesk.services.purchases import PurchaseService  # noqa: E402
from lmsdesk.services.session import SessionService  # noqa: E402
from lmsdesk.services.sync_overview import SyncService  # noqa: E402
from lmsdesk.sync.api_client import ApiClient  # noqa: E402
from lmsdesk.sync.token_store import PrivateFileTokenStore  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402
from lmsdesk_server.demo.seed import DEMO_PASSWORD, demo_id  # noqa: E402
from lmsdesk_server.resources import resources_dir  # noqa: E402
from lmsdesk_server.storage.filesystem import FileStore  # noqa: E402

FREE = demo_id("course:offline-first-basics")
LESSON = demo_id("offline-first-basics:text")
EMAIL = "student@example.com"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(url: str, data_dir: Path, megabytes: int) -> tuple[uuid.UUID, Path]:
    """The demo catalog plus one big file: a resource of the free course's text lesson."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from lmsdesk_server.demo.seed import DemoSeeder

    with Session(create_engine(url)) as session, session.begin():
        DemoSeeder(session, resources=resources_dir(), store=FileStore(data_dir / "media")).run()
    payload = hashlib.shake_256(b"lmsdesk").digest(megabytes * 1024 * 1024)
    digest = hashlib.sha256(payload).hexdigest()
    (data_dir / "media" / digest).write_bytes(payload)
    asset, resource = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(
            "INSERT INTO media_assets (id, owner_id, sha256, size_bytes, mime_type, "
            "original_filename, storage_key, status, sync_partition, sync_version) "
            "VALUES (%s, %s, %s, %s, 'application/pdf', 'big.pdf', %s, 'ready', 'catalog', 1)",
            (asset, demo_id("instructor@example.com"), digest, len(payload), digest),
        )
        conn.execute(
            "INSERT INTO lesson_resources (id, lesson_id, title, kind, asset_id, sync_partition,"
            " sync_version) VALUES (%s, %s, 'Big file', 'pdf', %s, 'catalog', 1)",
            (resource, LESSON, asset),
        )
    return asset, data_dir / "media" / digest


@contextmanager
def static_server(path: Path) -> Iterator[str]:
    """The file served as a static file server serves it: the kernel copies it to the socket
    (sendfile), so Python never touches the bytes and cannot cap the baseline."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(path.stat().st_size))
            self.end_headers()
            with path.open("rb") as source:
                self.connection.sendfile(source)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/file"
    finally:
        server.shutdown()
        server.server_close()


def raw_seconds(url: str, target: Path) -> float:
    """A plain download of the same bytes: stream to a file, nothing else."""
    started = time.perf_counter()
    with (
        httpx.Client(timeout=30) as client,
        target.open("wb") as sink,
        client.stream("GET", url) as response,
    ):
        for chunk in response.iter_bytes(256 * 1024):
            sink.write(chunk)
    return time.perf_counter() - started


def fresh_queue(service: SessionService) -> DownloadQueue:
    """The course's downloads deleted (rows and files), its big lesson queued again."""
    assert service.store is not None
    assert service.account_dir is not None
    MediaLibrary(service.store, service.account_dir).remove_course(FREE)
    queue = DownloadQueue(service.store, service.account_dir / "media")
    queue.queue_course(FREE, lesson_id=LESSON)
    return queue


def client_seconds(service: SessionService, asset: uuid.UUID) -> float:
    queue = fresh_queue(service)
    started = time.perf_counter()
    outcome = Downloader(service, queue).run(lambda _p: None)
    elapsed = time.perf_counter() - started
    assert outcome.files_done == 1, outcome
    assert queue.local_file(asset) is not None
    return elapsed


def resumed_refetch(service: SessionService, asset: uuid.UUID, complete: Path) -> int:
    """A download cut halfway (its first half kept in `<file>.part`, as a dropped connection
    leaves it) is resumed: the bytes fetched again are what was kept minus where the resumed
    request started. Deterministic, whatever the file size and the machine's speed."""
    queue = fresh_queue(service)
    job = queue.next_job()
    while job is not None and job.asset_id != asset:  # claim the big file, not the others
        job = queue.next_job()
    assert job is not None
    queue.finish(job, DownloadState.QUEUED)
    kept = complete.stat().st_size // 2
    part = job.path.with_name(job.path.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    with complete.open("rb") as source:
        part.write_bytes(source.read(kept))
    resumed: list[int] = []
    Downloader(service, queue).run(
        lambda p: resumed.append(p.resumed_from) if p.asset_id == asset else None
    )
    return kept - resumed[0] if resumed else kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lmsdesk-download-bench-"))
    embedded = EmbeddedPostgres(work / "server")
    url = embedded.start()
    figures: dict[str, Any] = {"megabytes": args.megabytes}
    try:
        upgrade_to_head(url)
        asset, stored = seed(url, work / "server", args.megabytes)
        with served(url, work / "server") as base, httpx.Client(timeout=30) as http:
            service = SessionService(
                data_dir=work / "client",
                api_for=lambda u: ApiClient(u, http),
                token_store=lambda: PrivateFileTokenStore(work / "tokens"),
            )
            service.sign_in(base, EMAIL, DEMO_PASSWORD)
            PurchaseService(service).enroll_free(FREE)
            SyncService(service).sync()
            raw, ours = [], []
            with static_server(stored) as file_url:
                for run in range(args.runs):
                    say(f"run {run + 1}/{args.runs} ...")
                    raw.append(raw_seconds(file_url, work / "raw.bin"))
                    ours.append(client_seconds(service, asset))
            figures["raw_mb_per_s"] = round(args.megabytes / statistics.median(raw), 1)
            figures["client_mb_per_s"] = round(args.megabytes / statistics.median(ours), 1)
            figures["download_ratio"] = round(statistics.median(raw) / statistics.median(ours), 2)
            figures["resume_refetched_bytes"] = resumed_refetch(service, asset, work / "raw.bin")
    finally:
        embedded.stop()
    goals = {"download_ratio": ">= 0.8", "resume_refetched_bytes": "0"}
    print_figures(figures, goals, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
