"""Resumable uploads: announce, send in chunks, resume after an interruption at the offset the
server has, sha256 checked at the end; limits, types and ownership; a finished video attached to
a lesson clears the checklist."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import User
from lmsdesk_server.storage import MediaStore
from tests.server.authoring.helpers import author
from tests.server.sync.helpers import API, DeviceFactory, rows
from tests.support.media import fake_mp4
from tests.support.s3 import store_for

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.long]
VIDEO = fake_mp4(1024 * 1024)


@pytest.fixture(params=["file", "s3"])
def media_store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    """Every test here runs against both stores (DESIGN.md section 12)."""
    return store_for(request.param, request, tmp_path / "server-data" / "media")


class Uploader:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def start(self, data: bytes = VIDEO, **overrides: Any) -> httpx.Response:
        body = {
            "asset_id": str(uuid.uuid4()),
            "filename": "welcome.mp4",
            "mime_type": "video/mp4",
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "duration_seconds": 30.5,
            **overrides,
        }
        return self.client.post(f"{API}/media", json=body, headers=self.headers)

    def send(self, asset_id: str, offset: int, chunk: bytes) -> httpx.Response:
        return self.client.put(
            f"{API}/media/{asset_id}/content",
            content=chunk,
            headers={**self.headers, "Upload-Offset": str(offset)},
        )


@pytest.fixture
def uploader(instructor: User, device_for: DeviceFactory) -> Uploader:
    device = device_for(instructor)
    return Uploader(device.client, device.token)


def test_an_interrupted_upload_resumes_where_the_server_stopped(
    uploader: Uploader, client: TestClient
) -> None:
    started = uploader.start()
    assert started.status_code == 201, started.text
    asset = started.json()["asset_id"]
    assert started.json()["received_bytes"] == 0
    half = len(VIDEO) // 2
    assert uploader.send(asset, 0, VIDEO[:half]).json()["received_bytes"] == half
    # The connection dropped; the client is unsure what arrived and re-sends from 0.
    stale = uploader.send(asset, 0, VIDEO[:half])
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == {"received_bytes": half}
    state = client.get(f"{API}/media/{asset}/upload", headers=uploader.headers).json()
    assert (state["received_bytes"], state["status"]) == (half, "uploading")
    done = uploader.send(asset, half, VIDEO[half:])
    assert done.json() == {
        "asset_id": asset,
        "received_bytes": len(VIDEO),
        "size_bytes": len(VIDEO),
        "status": "ready",
    }
    # A retried last chunk (its answer lost) agrees; the owner can read the file back.
    assert uploader.send(asset, half, VIDEO[half:]).json()["status"] == "ready"
    back = client.get(f"{API}/media/{asset}", headers=uploader.headers)
    assert back.status_code == 200
    assert back.content == VIDEO


def test_a_damaged_file_is_discarded_and_sent_again(uploader: Uploader) -> None:
    asset = uploader.start().json()["asset_id"]
    damaged = b"x" + VIDEO[1:]
    refused = uploader.send(asset, 0, damaged)
    assert refused.status_code == 422
    assert "sha256" in refused.json()["error"]["message"]
    again = uploader.send(asset, 0, VIDEO)
    assert again.json()["status"] == "ready"


def test_limits_types_and_owners(
    uploader: Uploader, student: User, other_instructor: User, device_for: DeviceFactory
) -> None:
    too_big = uploader.start(size_bytes=5 * 1024**3)
    assert too_big.status_code == 413
    assert "the largest file the server takes is 4.0 GB" in too_big.json()["error"]["message"]
    wrong_type = uploader.start(mime_type="application/x-msdownload", filename="setup.exe")
    assert wrong_type.status_code == 422
    assert "cannot be uploaded" in wrong_type.text
    learner = device_for(student)
    refused = Uploader(learner.client, learner.token).start()
    assert refused.status_code == 403
    asset = uploader.start().json()["asset_id"]
    other = device_for(other_instructor)
    stranger = Uploader(other.client, other.token).send(asset, 0, VIDEO)
    assert stranger.status_code == 403
    assert uploader.send(asset, 0, VIDEO + b"extra").status_code == 413


def test_an_uploaded_video_attached_to_its_lesson_clears_the_checklist(
    uploader: Uploader, instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    course = rest.create()
    lesson = rest.add_lesson(rest.add_section(course), lesson_type="video")
    asset = uploader.start().json()["asset_id"]
    attach = {"lesson_id": str(lesson), "kind": "video", "asset_id": asset}
    early = rest.call("PUT", "/lessons/media", attach)
    assert early.status_code == 403
    assert early.json()["error"]["message"] == "That file has not finished uploading."
    uploader.send(asset, 0, VIDEO)
    attached = rest.call("PUT", "/lessons/media", attach)
    assert attached.status_code == 200, attached.text
    assert (attached.json()["video_asset_id"], attached.json()["duration_seconds"]) == (asset, 30)
    pulled = device.pull_all()
    assert rows(pulled, "media_assets")[asset]["status"] == "ready"
    assert rows(pulled, "lessons")[str(lesson)]["video_asset_id"] == asset
    subtitles = rest.call("PUT", "/lessons/media", {**attach, "kind": "subtitles"})
    assert subtitles.status_code == 403
    assert "cannot be a lesson's subtitles" in subtitles.json()["error"]["message"]
    assert rest.call("POST", f"/courses/{course}/submit").status_code == 200


def test_someone_elses_upload_cannot_be_attached(
    uploader: Uploader, other_instructor: User, device_for: DeviceFactory
) -> None:
    asset = uploader.start().json()["asset_id"]
    uploader.send(asset, 0, VIDEO)
    rest = author(device_for(other_instructor))
    lesson = rest.add_lesson(rest.add_section(rest.create()), lesson_type="video")
    refused = rest.call(
        "PUT", "/lessons/media", {"lesson_id": str(lesson), "kind": "video", "asset_id": asset}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "That file was not uploaded from your account."


def _uploaded(uploader: Uploader, data: bytes, filename: str, mime: str) -> str:
    started = uploader.start(data, filename=filename, mime_type=mime, duration_seconds=None)
    assert started.status_code == 201, started.text
    asset: str = started.json()["asset_id"]
    assert uploader.send(asset, 0, data).json()["status"] == "ready"
    return asset


def test_a_course_thumbnail_and_lesson_files_take_only_their_kinds_of_file(
    uploader: Uploader, instructor: User, other_instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(instructor))
    course = rest.create()
    lesson = rest.add_lesson(rest.add_section(course))
    png = _uploaded(uploader, b"\x89PNG\r\n\x1a\n" + b"0" * 200, "cover.png", "image/png")
    pdf = _uploaded(uploader, b"%PDF-1.4\n" + b"1" * 300, "slides.pdf", "application/pdf")

    wrong = rest.call("PUT", f"/courses/{course}/thumbnail", {"asset_id": pdf})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["message"] == "A application/pdf file cannot be a thumbnail."
    assert rest.call("PUT", f"/courses/{course}/thumbnail", {"asset_id": png}).is_success
    resource = uuid.uuid4()
    added = rest.call(
        "POST",
        "/files",
        {
            "lesson_id": str(lesson),
            "resource_id": str(resource),
            "title": "Slides",
            "asset_id": pdf,
        },
    )
    assert added.status_code == 201, added.text
    assert (added.json()["kind"], added.json()["asset_id"]) == ("pdf", pdf)
    stranger = author(device_for(other_instructor))
    theirs = stranger.create("Someone else's")
    refused = stranger.call("PUT", f"/courses/{theirs}/thumbnail", {"asset_id": png})
    assert refused.json()["error"]["message"] == "That file was not uploaded from your account."

    pulled = device_for(instructor).pull_all()
    assert rows(pulled, "courses")[str(course)]["thumbnail_asset_id"] == png
    assert rows(pulled, "lesson_resources")[str(resource)]["title"] == "Slides"
    assert {png, pdf} <= set(rows(pulled, "media_assets"))
    assert rest.call("PUT", f"/courses/{course}/thumbnail", {"asset_id": None}).is_success
    pulled = device_for(instructor).pull_all()
    assert rows(pulled, "courses")[str(course)]["thumbnail_asset_id"] is None


@pytest.mark.parametrize(
    ("filename", "mime_type", "content", "says"),
    [
        ("lecture.mp4", "video/mp4", bytes(range(256)) * 64, "not an MP4 video"),
        ("notes.txt", "text/plain", b"<!DOCTYPE html><script>steal()</script>", "web page"),
        ("notes.txt", "text/plain", b"MZ\x90\x00\x03\x00\x00\x00", "not plain text"),
        ("cover.png", "image/png", b"GIF89a" + b"\x00" * 64, "not a PNG image"),
        ("slides.pdf", "application/pdf", b"PK\x03\x04" + b"\x00" * 64, "not a PDF"),
    ],
)
def test_a_file_whose_content_is_not_its_declared_kind_is_refused_for_good(
    uploader: Uploader, filename: str, mime_type: str, content: bytes, says: str
) -> None:
    asset = uploader.start(content, filename=filename, mime_type=mime_type).json()["asset_id"]
    refused = uploader.send(asset, 0, content)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "content_mismatch"
    assert says in error["message"]
    assert filename in error["message"]
    state = uploader.client.get(f"{API}/media/{asset}/upload", headers=uploader.headers).json()
    assert state["status"] == "failed"
    # Sending it again cannot make it ready, and nobody can read it.
    assert uploader.send(asset, 0, content).status_code == 422
    back = uploader.client.get(f"{API}/media/{asset}", headers=uploader.headers)
    assert back.status_code == 404


def test_a_refused_video_does_not_satisfy_the_submit_checklist(
    uploader: Uploader, instructor: User, device_for: DeviceFactory
) -> None:
    rest = author(device_for(instructor))
    course = rest.create()
    rest.add_lesson(rest.add_section(course), lesson_type="video")
    junk = bytes(range(256)) * 64
    asset = uploader.start(junk).json()["asset_id"]
    assert uploader.send(asset, 0, junk).status_code == 422
    submitted = rest.call("POST", f"/courses/{course}/submit")
    assert submitted.status_code == 409


def test_an_upload_whose_last_check_never_ran_is_finished_when_asked_about(
    uploader: Uploader, context: ServerContext
) -> None:
    """The server stopped after storing the last chunk, before checking it: asking where the
    upload stands (or announcing it again) finishes it, on either store."""
    started = uploader.start()
    asset = started.json()["asset_id"]
    key = f"uploads/{_owner_of(uploader)}/{asset}.mp4"
    context.media.append(key, VIDEO, total=len(VIDEO))  # stored, never completed
    state = uploader.client.get(f"{API}/media/{asset}/upload", headers=uploader.headers)
    assert state.json()["status"] == "ready", state.text
    back = uploader.client.get(f"{API}/media/{asset}", headers=uploader.headers)
    assert back.content == VIDEO


def _owner_of(uploader: Uploader) -> str:
    me = uploader.client.get(f"{API}/me", headers=uploader.headers)
    return str(me.json()["id"])
