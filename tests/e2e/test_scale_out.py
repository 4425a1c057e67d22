"""Three `lmsdesk-server serve` processes on one PostgreSQL, media in S3 (an S3 server process on
127.0.0.1), behind a round-robin proxy that sends each request to the next server: everything a
user does works as if there were one server (DESIGN.md section 12)."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.certificates import certificate_payload
from lmsdesk.contracts.sync import CompleteLessonArgs, SetPositionArgs
from lmsdesk.local_db.models.mirror import LessonProgress
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.engine import SyncStatus
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.demo.seed import demo_id
from tests.e2e.server_process import ServerProcess
from tests.fakes import MemoryKeyring
from tests.server.sync.helpers import Device
from tests.support.media import fake_mp4
from tests.support.postgres import PostgresForTests
from tests.support.round_robin import RoundRobinProxy
from tests.support.s3 import S3ForTests

API = "/api/v1"
DEMO_PASSWORD = "lmsdesk-demo"
PASSWORD = "a long enough password"
FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
FREE_LESSONS = [demo_id(f"offline-first-basics:{k}") for k in ("video", "text", "quiz")]
MIB = 1024 * 1024


@dataclass
class Cluster:
    proxy: RoundRobinProxy
    servers: list[ServerProcess]
    bucket: str
    s3: S3ForTests

    @property
    def url(self) -> str:
        return self.proxy.url


@pytest.fixture(scope="module")
def cluster(
    postgres: PostgresForTests, s3: S3ForTests, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    database = postgres.fresh_database("scale_out")
    upgrade_to_head(database)
    bucket = s3.fresh_bucket()
    proxy = RoundRobinProxy()
    root = tmp_path_factory.mktemp("scale-out")
    # No secret configured anywhere: every process must find the same ones in PostgreSQL.
    env = {
        "LMSDESK_DATABASE_URL": database,
        "LMSDESK_MEDIA_STORE": s3.url(bucket),
        "LMSDESK_PUBLIC_URL": proxy.url,
    }
    servers = [ServerProcess(root / f"host{i}", env=env) for i in range(3)]
    for server in servers:
        server.start()
    seeded = servers[0].cli("seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    proxy.start([s.url for s in servers])
    yield Cluster(proxy, servers, bucket, s3)
    proxy.stop()
    for server in servers:
        server.stop()


def _login(url: str, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    answer = httpx.post(f"{url}{API}/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _register(url: str) -> str:
    email = f"u{uuid.uuid4().hex[:10]}@example.com"
    made = httpx.post(
        f"{url}{API}/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Scale Out"},
    )
    assert made.status_code == 201, made.text
    return email


def _start_upload(cluster: Cluster, headers: dict[str, str], video: bytes) -> str:
    """Announce a video upload through the proxy; its asset id."""
    asset = str(uuid.uuid4())
    started = httpx.post(
        f"{cluster.url}{API}/media",
        headers=headers,
        json={
            "asset_id": asset,
            "filename": "lecture.mp4",
            "mime_type": "video/mp4",
            "size_bytes": len(video),
            "sha256": hashlib.sha256(video).hexdigest(),
            "duration_seconds": 60,
        },
    )
    assert started.status_code == 201, started.text
    return asset


def test_wrong_passwords_are_counted_by_all_servers_together(cluster: Cluster) -> None:
    email = _register(cluster.url)
    guesses = [
        httpx.post(
            f"{cluster.url}{API}/auth/login",
            json={"email": email, "password": "wrong guess"},
            headers={"X-Forwarded-For": "198.51.100.9"},
        ).status_code
        for _ in range(12)
    ]
    assert guesses == [401] * 10 + [429] * 2, "10 in the window, not 10 on each server"


def test_a_token_from_one_server_is_good_on_every_server(cluster: Cluster) -> None:
    headers = _login(cluster.servers[0].url, "student@example.com")
    for server in cluster.servers:
        assert httpx.get(f"{server.url}{API}/me", headers=headers).status_code == 200


def test_a_resumable_upload_whose_chunks_reach_different_servers(cluster: Cluster) -> None:
    headers = _login(cluster.url, "instructor@example.com")
    video = fake_mp4(11 * MIB)  # chunks of 4 MiB: two parts S3 holds back in a tail, then one
    asset = _start_upload(cluster, headers, video)
    chunk = 4 * MIB
    for offset in range(0, len(video), chunk):
        sent = httpx.put(
            f"{cluster.url}{API}/media/{asset}/content",
            content=video[offset : offset + chunk],
            headers={**headers, "Upload-Offset": str(offset)},
            timeout=60,
        )
        assert sent.status_code == 200, sent.text
        # Whichever server is asked next knows how far the upload got.
        state = httpx.get(f"{cluster.url}{API}/media/{asset}/upload", headers=headers).json()
        assert state["received_bytes"] == min(offset + chunk, len(video))
    assert state["status"] == "ready"
    served_by = {i for (i, path), n in cluster.proxy.served.items() if path.endswith("/content")}
    assert served_by == {0, 1, 2}, "the chunks went to every server"
    for server in cluster.servers:  # and every server serves the file, by ranges
        wanted = {**headers, "Range": "bytes=5000000-5000999"}
        part = httpx.get(f"{server.url}{API}/media/{asset}", headers=wanted)
        assert part.status_code == 206
        assert part.content == video[5_000_000:5_001_000]
    assert cluster.s3.multipart_uploads(cluster.bucket) == [], "no unfinished upload left"


def test_the_demo_video_plays_from_every_server_by_a_link_any_server_signed(
    cluster: Cluster,
) -> None:
    headers = _login(cluster.url, "student@example.com")
    video = demo_id("asset:welcome.mp4")
    link = httpx.post(f"{cluster.url}{API}/media/{video}/link", headers=headers)
    assert link.status_code == 200, link.text
    parts = urlsplit(link.json()["url"])
    assert f"{parts.scheme}://{parts.netloc}" == cluster.url, "links name the public address"
    for server in cluster.servers:
        played = httpx.get(f"{server.url}{parts.path}?{parts.query}", headers={"Range": "bytes=0-"})
        assert played.status_code == 206
        assert played.content[4:8] == b"ftyp"


def _mailed_code(cluster: Cluster, email: str) -> str:
    """The code in the one mail to `email`, from whichever server's mail job sent it."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sent = [
            eml
            for server in cluster.servers
            for eml in (server.data_dir / "outbox").glob("*.eml")
            if email in eml.read_text()
        ]
        if sent:
            time.sleep(1)  # time for a second (wrong) delivery to show up
            [eml] = [
                e
                for server in cluster.servers
                for e in (server.data_dir / "outbox").glob("*.eml")
                if email in e.read_text()
            ]
            found = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b", eml.read_text())
            assert found is not None
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no mail to {email}")


def test_a_purchase_whose_webhook_reaches_another_server(cluster: Cluster) -> None:
    """The mail job runs on all three servers and sends the code once; Pay's webhook goes
    through the proxy to whichever server is next."""
    email = _register(cluster.url)
    code = _mailed_code(cluster, email)
    verified = httpx.post(f"{cluster.url}{API}/auth/verify-email", json={"token": code})
    assert verified.status_code == 204, verified.text
    headers = _login(cluster.url, email, PASSWORD)
    checkout = httpx.post(
        f"{cluster.url}{API}/checkout/sessions", headers=headers, json={"course_id": str(PAID)}
    )
    assert checkout.status_code == 201, checkout.text
    paid = httpx.post(f"{checkout.json()['url']}/pay", timeout=30)
    assert paid.status_code == 303
    order_id = checkout.json()["order_id"]
    for server in cluster.servers:
        order = httpx.get(f"{server.url}{API}/orders/{order_id}", headers=headers).json()
        assert (order["status"], order["enrollment_active"]) == ("completed", True)
    webhooks = {i for (i, path), n in cluster.proxy.served.items() if "webhooks" in path}
    assert webhooks, "the webhook came through the proxy"


def test_a_certificate_from_one_server_verifies_with_the_key_every_server_publishes(
    cluster: Cluster,
) -> None:
    email = _register(cluster.url)
    headers = _login(cluster.url, email, PASSWORD)
    enrolled = httpx.post(
        f"{cluster.url}{API}/enrollments/free", headers=headers, json={"course_id": str(FREE)}
    )
    assert enrolled.status_code == 201, enrolled.text
    with httpx.Client(base_url=cluster.servers[1].url) as client:
        device = Device(client, headers["Authorization"].removeprefix("Bearer "))  # type: ignore[arg-type]
        now = datetime.now(UTC).isoformat()
        for lesson in FREE_LESSONS:
            device.push(device.mutation(m.COMPLETE_LESSON, lesson_id=lesson, completed_at=now))
        pages = device.pull_all()
    [certificate] = [r for p in pages for r in p["changes"].get("certificates", [])]
    payload = certificate_payload(
        certificate["certificate_number"],
        uuid.UUID(certificate["student_id"]),
        FREE,
        datetime.fromisoformat(certificate["issued_at"]),
    )
    for server in (cluster.servers[0], cluster.servers[2]):
        key = httpx.get(f"{server.url}{API}/certificates/public-key").json()["public_key"]
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key))
        public.verify(base64.b64decode(certificate["signature"]), payload)  # raises if not


def test_three_laptops_sync_through_the_proxy_and_converge(
    cluster: Cluster, tmp_path: Path
) -> None:
    email = _register(cluster.url)
    enrolled = httpx.post(
        f"{cluster.url}{API}/enrollments/free",
        headers=_login(cluster.url, email, PASSWORD),
        json={"course_id": str(FREE)},
    )
    assert enrolled.status_code == 201
    laptops: list[SessionService] = []
    with httpx.Client(timeout=30) as http:
        for i in range(3):
            keyring = MemoryKeyring()
            service = SessionService(
                data_dir=tmp_path / f"laptop{i}",
                api_for=lambda url: ApiClient(url, http),
                token_store=lambda keyring=keyring: KeyringTokenStore(keyring),
                device_name=f"laptop{i}",
            )
            service.sign_in(cluster.url, email, PASSWORD)
            laptops.append(service)
        engines = [s.sync_engine for s in laptops]
        assert all(e is not None for e in engines)
        for i, engine in enumerate(engines):
            assert engine is not None
            engine.record(
                m.SET_POSITION, SetPositionArgs(lesson_id=FREE_LESSONS[0], position_seconds=5 + i)
            )
            engine.record(
                m.COMPLETE_LESSON,
                CompleteLessonArgs(lesson_id=FREE_LESSONS[i], completed_at=datetime.now(UTC)),
            )
        for _ in range(2):  # each pushes, then each pulls what the others pushed
            for engine in engines:
                assert engine is not None
                outcome = engine.sync()
                assert outcome.status is SyncStatus.IDLE, outcome
                assert outcome.pending == 0, outcome
        seen = []
        for service in laptops:
            assert service.store is not None
            with service.store.reading() as session:
                seen.append(
                    sorted(
                        (r.lesson_id, r.status.value, r.furthest_position_seconds)
                        for r in session.scalars(select(LessonProgress))
                    )
                )
        assert seen[0] == seen[1] == seen[2]
        assert {status for _, status, _ in seen[0]} == {"completed"}
        assert len(seen[0]) == 3
        for service in laptops:
            service.sign_out()


def test_the_same_chunk_sent_to_three_servers_at_once_is_stored_once(cluster: Cluster) -> None:
    """A client retrying through a flaky proxy can land one chunk on several servers at the same
    moment: one stores it, the others answer 409 with the offset, and the file comes out whole."""
    headers = _login(cluster.url, "instructor@example.com")
    video = fake_mp4(6 * MIB + 4321)
    asset = _start_upload(cluster, headers, video)
    first = video[: 3 * MIB]
    answers: list[httpx.Response] = []
    gate = threading.Barrier(3)

    def send(server: ServerProcess) -> None:
        gate.wait()
        answers.append(
            httpx.put(
                f"{server.url}{API}/media/{asset}/content",
                content=first,
                headers={**headers, "Upload-Offset": "0"},
                timeout=60,
            )
        )

    threads = [threading.Thread(target=send, args=(s,)) for s in cluster.servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["error"]["details"] == {"received_bytes": len(first)}
    rest = httpx.put(
        f"{cluster.servers[2].url}{API}/media/{asset}/content",
        content=video[len(first) :],
        headers={**headers, "Upload-Offset": str(len(first))},
        timeout=60,
    )
    assert rest.json()["status"] == "ready", rest.text
    whole = httpx.get(f"{cluster.servers[1].url}{API}/media/{asset}", headers=headers)
    assert whole.content == video
