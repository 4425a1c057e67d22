"""GET /media/{id}: entitlement, byte ranges for resumable downloads, signed links for players."""

from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentStatus, MediaStatus, ResourceKind
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import LessonResource, MediaAsset, User
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from lmsdesk_server.demo.seed import DemoSeeder, demo_id
from lmsdesk_server.resources import resources_dir
from lmsdesk_server.storage import MediaStore
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.sync.helpers import API, PAID, PAID_TEXT, enroll
from tests.support.s3 import store_for

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes: big enough for several ranges
VIDEO = demo_id("asset:welcome.mp4")


@pytest.fixture(params=["file", "s3"])
def media_store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    """Every test here runs against both stores (DESIGN.md section 12)."""
    return store_for(request.param, request, tmp_path / "server-data" / "media")


@pytest.fixture
def workbook(session: Session, context: ServerContext) -> uuid.UUID:
    """The demo catalog plus one asset only enrolled students may read: a resource of the paid
    course's (non-preview) text lesson."""
    DemoSeeder(session, resources=resources_dir(), store=context.media).run()
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    context.media.put(digest, PAYLOAD)
    instructor = session.get(User, demo_id("instructor@example.com"))
    assert instructor is not None
    asset = MediaAsset(
        owner_id=instructor.id,
        sha256=digest,
        size_bytes=len(PAYLOAD),
        mime_type="application/pdf",
        original_filename="workbook.pdf",
        storage_key=digest,
        status=MediaStatus.READY,
    )
    stamp(session, asset, CATALOG_PARTITION)
    session.add(asset)
    session.flush()
    resource = LessonResource(
        lesson_id=PAID_TEXT, title="Workbook", kind=ResourceKind.PDF, asset_id=asset.id
    )
    stamp(session, resource, CATALOG_PARTITION)
    session.add(resource)
    session.flush()
    return asset.id


def _login(client: TestClient, user: User) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_media_needs_a_signed_in_user(client: TestClient, workbook: uuid.UUID) -> None:
    response = client.get(f"{API}/media/{workbook}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_student_without_the_course_is_refused(
    client: TestClient, session: Session, workbook: uuid.UUID
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    headers = _login(client, student)
    response = client.get(f"{API}/media/{workbook}", headers=headers)
    assert response.status_code == 403
    assert "Enroll" in response.json()["error"]["message"]
    assert client.post(f"{API}/media/{workbook}/link", headers=headers).status_code == 403


@pytest.mark.usefixtures("workbook")
def test_preview_video_is_open_to_any_signed_in_user(client: TestClient, session: Session) -> None:
    headers = _login(client, make_user(session, roles=(Role.STUDENT,)))
    response = client.get(f"{API}/media/{VIDEO}", headers=headers)
    assert response.status_code == 200
    assert response.content == (resources_dir() / "demo" / "welcome.mp4").read_bytes()
    assert response.headers["content-type"] == "video/mp4"


def test_unknown_asset_is_not_found(client: TestClient, session: Session) -> None:
    headers = _login(client, make_user(session, roles=(Role.STUDENT,)))
    assert client.get(f"{API}/media/{uuid.uuid4()}", headers=headers).status_code == 404


def test_enrolled_student_downloads_whole_file_with_its_checksum_as_etag(
    client: TestClient, session: Session, workbook: uuid.UUID
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    enroll(session, student, PAID)
    response = client.get(f"{API}/media/{workbook}", headers=_login(client, student))
    assert response.status_code == 200
    assert response.content == PAYLOAD
    assert response.headers["etag"] == f'"{hashlib.sha256(PAYLOAD).hexdigest()}"'
    assert response.headers["accept-ranges"] == "bytes"


def test_a_range_resumes_at_the_byte_asked_for(
    client: TestClient, session: Session, workbook: uuid.UUID
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    enroll(session, student, PAID)
    headers = _login(client, student)
    etag = f'"{hashlib.sha256(PAYLOAD).hexdigest()}"'
    response = client.get(
        f"{API}/media/{workbook}", headers={**headers, "Range": "bytes=60000-", "If-Range": etag}
    )
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 60000-{len(PAYLOAD) - 1}/{len(PAYLOAD)}"
    assert response.content == PAYLOAD[60000:]

    stale = client.get(
        f"{API}/media/{workbook}", headers={**headers, "Range": "bytes=60000-", "If-Range": '"x"'}
    )
    assert stale.status_code == 200, "a changed file must be sent whole, not spliced"
    assert stale.content == PAYLOAD

    beyond = client.get(
        f"{API}/media/{workbook}", headers={**headers, "Range": f"bytes={len(PAYLOAD)}-"}
    )
    assert beyond.status_code == 416


def test_signed_link_plays_without_headers_until_access_ends(
    client: TestClient, session: Session, workbook: uuid.UUID
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    enrollment = enroll(session, student, PAID)
    link = client.post(f"{API}/media/{workbook}/link", headers=_login(client, student)).json()
    assert time.time() < _expiry(link["url"]) <= time.time() + 2 * 3600 + 5
    assert client.get(_path(link["url"])).content == PAYLOAD

    tampered = _path(link["url"]).replace("s=", "s=A")
    assert client.get(tampered).status_code == 403
    other = make_user(session, roles=(Role.STUDENT,))
    assert client.get(_path(link["url"]).replace(str(student.id), str(other.id))).status_code == 403

    enrollment.status = EnrollmentStatus.REFUNDED
    session.flush()
    assert client.get(_path(link["url"])).status_code == 403, "a refund ends streaming"


def test_an_expired_link_is_refused(
    client: TestClient, session: Session, workbook: uuid.UUID, context: ServerContext
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    enroll(session, student, PAID)
    past = int(time.time()) - 1
    signature = context.media_links.sign(workbook, student.id, None, past)
    response = client.get(f"{API}/media/{workbook}?u={student.id}&e={past}&s={signature}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "link_expired"


def _expiry(url: str) -> int:
    query = dict(p.split("=") for p in urlsplit(url).query.split("&"))
    return int(query["e"])


def test_every_answer_says_nosniff(client: TestClient, workbook: uuid.UUID) -> None:
    for response in (
        client.get(f"{API}/health"),
        client.get(f"{API}/media/{workbook}"),
        client.get("/checkout/success"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("mime_type", "disposition"),
    [
        ("application/pdf", "inline"),
        ("video/mp4", "inline"),
        ("image/png", "inline"),
        ("text/plain", "attachment"),
        ("application/zip", "attachment"),
        ("text/vtt", "attachment"),
    ],
)
def test_only_what_a_browser_shows_safely_is_served_inline(
    client: TestClient, session: Session, workbook: uuid.UUID, mime_type: str, disposition: str
) -> None:
    asset = session.get(MediaAsset, workbook)
    assert asset is not None
    asset.mime_type = mime_type
    session.flush()
    admin = make_user(session, roles=(Role.ADMIN,))
    response = client.get(f"{API}/media/{workbook}", headers=_login(client, admin))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(mime_type)
    assert response.headers["content-disposition"].startswith(disposition)
    assert response.headers["x-content-type-options"] == "nosniff"
