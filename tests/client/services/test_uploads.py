"""A lesson video imported offline, sent when online, resumed after the connection drops
midway, attached to its lesson, and then gone from the submit checklist."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import LessonType
from lmsdesk.local_db.models.client import UploadState
from lmsdesk.services.learning import LearningService
from lmsdesk.services.uploads import UploadRefused, UploadService
from lmsdesk.sync.api_client import ServerUnreachable
from lmsdesk_server.resources import resources_dir
from tests.support.authoring import Author
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.media import fake_mp4
from tests.support.network import CuttableLink

DEMO_VIDEO = resources_dir() / "demo" / "welcome.mp4"


@pytest.fixture
def laptop(
    tmp_path: Path, link: CuttableLink, http: httpx.Client, live_server: LiveServer
) -> Laptop:
    machine = Laptop(tmp_path / "laptop", link, http)
    machine.sign_in(live_server.create_user(Role.INSTRUCTOR))
    return machine


def test_a_video_imported_offline_uploads_resumes_and_joins_its_lesson(
    laptop: Laptop, link: CuttableLink, live_server: LiveServer
) -> None:
    author = Author(laptop.service)
    uploads = UploadService(laptop.service, chunk_bytes=256 * 1024)
    course = author.create_course("Video course")
    lesson = author.add_lesson(author.add_section(course, "One"), "Welcome", LessonType.VIDEO)

    link.cut()
    imported = uploads.import_file(lesson, DEMO_VIDEO, "video")
    assert (imported.state, imported.size_bytes) == (UploadState.QUEUED, DEMO_VIDEO.stat().st_size)
    with pytest.raises(ServerUnreachable):
        uploads.run()
    assert uploads.for_lessons([lesson])[lesson].state is UploadState.QUEUED
    assert "Upload the video of 1 lesson(s)." in author.draft(course).problems

    link.restore()
    laptop.engine.sync()  # the course reaches the server first
    seen: list[int] = []

    def cut_after_two_chunks(_asset: object, done: int, _total: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            link.cut()  # the train enters a tunnel mid-upload

    with pytest.raises(ServerUnreachable):
        uploads.run(cut_after_two_chunks)
    interrupted = uploads.for_lessons([lesson])[lesson]
    assert interrupted.state is UploadState.QUEUED
    assert interrupted.bytes_sent == 2 * 256 * 1024

    link.restore()
    resumed: list[int] = []
    assert uploads.run(lambda _a, done, _t: resumed.append(done)) == 1
    assert resumed[0] == 2 * 256 * 1024  # carried on, did not start over
    assert resumed[-1] == DEMO_VIDEO.stat().st_size
    assert uploads.for_lessons([lesson])[lesson].state is UploadState.DONE

    laptop.engine.sync()
    outline = author.draft(course)
    video = outline.sections[0].lessons[0]
    assert video.has_video
    assert "Upload the video of 1 lesson(s)." not in outline.problems
    stored = live_server.media_bytes(imported.asset_id)
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(DEMO_VIDEO.read_bytes()).hexdigest()


def test_only_videos_are_taken_for_a_video_lesson(laptop: Laptop, tmp_path: Path) -> None:
    author = Author(laptop.service)
    course = author.create_course("Video course")
    lesson = author.add_lesson(author.add_section(course, "One"), "Welcome", LessonType.VIDEO)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    with pytest.raises(UploadRefused, match="is not an MP4, WebM or MOV video"):
        UploadService(laptop.service).import_file(lesson, notes, "video")
    assert UploadService(laptop.service).for_lessons([lesson]) == {}


@pytest.mark.parametrize(
    ("name", "content", "kind", "says"),
    [
        ("lecture.mp4", bytes(range(256)) * 64, "video", "is not an MP4 video"),
        ("lecture.mp4", fake_mp4(100_000), "video", "cannot be played"),  # a header, no video
        ("notes.txt", b"<html><script>steal()</script></html>", "resource", "web page"),
        ("photo.png", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "thumbnail", "is not a PNG image"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_at_import(
    laptop: Laptop, tmp_path: Path, name: str, content: bytes, kind: str, says: str
) -> None:
    author = Author(laptop.service)
    course = author.create_course("Course")
    lesson = author.add_lesson(author.add_section(course, "One"), "Welcome", LessonType.VIDEO)
    source = tmp_path / name
    source.write_bytes(content)
    target = course if kind == "thumbnail" else lesson
    with pytest.raises(UploadRefused, match=says):
        UploadService(laptop.service).import_file(target, source, kind)
    assert UploadService(laptop.service).for_lessons([target], kind) == {}


def _png(path: Path) -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 36, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f6fde"))
    assert image.save(str(path))


def test_a_thumbnail_and_a_lesson_file_imported_offline_reach_the_other_laptop(
    laptop: Laptop,
    link: CuttableLink,
    tmp_path: Path,
    http: httpx.Client,
    live_server: LiveServer,
) -> None:
    author = Author(laptop.service)
    uploads = UploadService(laptop.service)
    course = author.create_course("Course with files")
    lesson = author.add_lesson(author.add_section(course, "One"), "Reading", LessonType.TEXT)
    cover = tmp_path / "cover.png"
    _png(cover)
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4\n" + b"x" * 2048)
    with pytest.raises(UploadRefused, match="is not a PNG or JPEG image"):
        uploads.import_file(course, slides, "thumbnail")

    link.cut()
    uploads.import_file(course, cover, "thumbnail")
    uploads.import_file(lesson, slides, "resource")
    draft = author.draft(course)
    assert draft.thumbnail is not None
    assert draft.thumbnail.read_bytes() == cover.read_bytes()
    assert draft.thumbnail_note == "Waits to upload (when online)"
    (pending,) = author.links(lesson)
    assert (pending.title, pending.is_file, pending.note) == (
        "slides.pdf",
        True,
        "Waits to upload (when online)",
    )

    link.restore()
    laptop.engine.sync()
    assert uploads.run() == 2
    laptop.engine.sync()
    draft = author.draft(course)
    assert (draft.thumbnail_note, draft.thumbnail is not None) == ("", True)
    desktop = Laptop(tmp_path / "desktop", link, http)
    desktop.sign_in(laptop.service.current.profile.email).sync()  # type: ignore[union-attr]
    other = Author(desktop.service)
    assert other.draft(course).thumbnail_note == "Image on the server (not on this computer)"
    (file,) = other.links(lesson)
    assert (file.title, file.is_file, file.note) == ("slides.pdf", True, "")
    asset = next(a for t, a in LearningService(desktop.service).lesson(lesson).files)
    assert live_server.media_bytes(asset) == slides.read_bytes()
    opened = LearningService(desktop.service).file_location(asset)
    assert f"/api/v1/media/{asset}?" in str(opened)  # a signed link for the browser, online
