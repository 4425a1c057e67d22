"""A published course's thumbnail in every student's catalog: fetched once, shown beside the
course and in its details, and there offline afterwards."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import LessonType, ReviewDecision
from lmsdesk.services.moderation import ModerationService
from lmsdesk.services.thumbnails import ThumbnailCache
from lmsdesk.services.uploads import UploadService
from tests.support.authoring import Author
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (a server of their own)
from tests.support.ui import AppFactory, save_png, sign_in


def test_students_see_the_thumbnail_of_a_published_course(
    qtbot: QtBot,
    start_app: AppFactory,
    link: CuttableLink,
    live_server: LiveServer,
    http: httpx.Client,
    tmp_path: Path,
    shots: Path,
) -> None:
    studio = Laptop(tmp_path / "studio", link, http)
    studio.sign_in(live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")).sync()
    author = Author(studio.service)
    course = author.create_course("Birds of the coast")
    author.add_lesson(author.add_section(course, "Shore"), "Gulls", LessonType.TEXT, "Gulls.")
    cover = tmp_path / "cover.png"
    picture = QImage(640, 360, QImage.Format.Format_RGB32)
    picture.fill(QColor("#1e7d32"))
    assert picture.save(str(cover))
    uploads = UploadService(studio.service)
    uploads.import_file(course, cover, "thumbnail")
    studio.engine.sync()
    assert uploads.run() == 1
    author.submit(course)
    studio.engine.sync()
    reviewer = Laptop(tmp_path / "reviewer", link, http)
    reviewer.sign_in(live_server.create_user(Role.ADMIN)).sync()
    ModerationService(reviewer.service).decide(course, ReviewDecision.APPROVED)
    reviewer.engine.sync()

    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, live_server.create_user(Role.STUDENT))
    page = app.window.catalog_page
    qtbot.waitUntil(lambda: any(c.id == course for c in page.courses), timeout=10_000)
    page.select(course)
    qtbot.waitUntil(lambda: page.detail.picture.isVisible(), timeout=10_000)
    row = next(i for i, c in enumerate(page.courses) if c.id == course)
    assert not page.items.item(row).icon().isNull()
    shown = page.detail.picture.pixmap().toImage()
    assert shown.pixelColor(shown.width() // 2, shown.height() // 2) == QColor("#1e7d32")
    save_png(app.window, shots / "catalog-thumbnail.png")
    # Kept on disk: the catalog shows it offline too, without asking the server.
    link.cut()
    asset = next(c.thumbnail_asset_id for c in page.courses if c.id == course)
    assert asset is not None
    assert ThumbnailCache(app.session).cached([asset])[asset].read_bytes() == cover.read_bytes()
    link.restore()
