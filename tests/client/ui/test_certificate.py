"""Finishing a course: the certificate arrives by sync, is verified offline against the
server's key, and exports as a PDF; a tampered one is shown as not verified."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import update

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.sync import CompleteLessonArgs
from lmsdesk.local_db.models.mirror import Certificate
from lmsdesk.services.certificates import CertificateService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student

FREE = demo_id("course:offline-first-basics")
LESSONS = [demo_id(f"offline-first-basics:{kind}") for kind in ("video", "text", "quiz")]


def test_certificate_arrives_verifies_offline_and_exports(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
    tmp_path: Path,
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    engine = app.session.sync_engine
    assert engine is not None
    for lesson in LESSONS:
        engine.record(
            m.COMPLETE_LESSON,
            CompleteLessonArgs(lesson_id=lesson, completed_at="2026-11-23T09:00:00Z"),
        )  # type: ignore[arg-type]
    with qtbot.waitSignal(app.sync.finished, timeout=20_000) as synced:
        app.sync.sync_now()
    assert synced.args[0].status is SyncStatus.IDLE
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        app.sync.sync_now()  # the certificate issued by the first push comes down
    link.cut()  # verification needs nothing from the network

    app.window.go_to_page("My learning")
    page = app.window.my_learning_page
    qtbot.waitUntil(
        lambda: bool(page.cards) and next(iter(page.cards.values())).certificate_button.isVisible(),
        timeout=10_000,
    )
    card = next(iter(page.cards.values()))
    assert card.progress_text.text().startswith("100%")
    card.certificate_button.click()
    dialog = app.learning.certificate_dialog
    assert dialog is not None
    assert dialog.status.text().startswith("✓ Verified")
    assert f"{link.url}/verify/" in dialog.link.text()  # the page anyone can check it on
    save_png(dialog, shots / "certificate.png")
    pdf = tmp_path / "certificate.pdf"
    dialog.export_to(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 1000
    dialog.close()

    assert app.session.store is not None
    with app.session.store.transaction() as session:
        session.execute(update(Certificate).values(certificate_number="LMS-2026-FORGED"))
    [forged] = CertificateService(app.session).certificates().values()
    assert forged.verified is False
    assert forged.status_text.startswith("✗ Not verified")


def test_the_qr_code_on_the_pdf_is_a_qr_code_of_the_link(qapp: object) -> None:  # noqa: ARG001 - QPainter needs the application
    import segno
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from lmsdesk.ui.certificate_dialog import draw_qr

    url = "http://127.0.0.1:8000/verify/6f1d0c52-3c57-4d6b-9a51-0d3e2a1f7c11"
    modules = len(segno.make(url, error="m").matrix) + 8
    image = QImage(modules * 10, modules * 10, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff0000"))
    painter = QPainter(image)
    draw_qr(painter, QRectF(0, 0, modules * 10, modules * 10), url)
    painter.end()

    def dark(x: int, y: int) -> bool:  # module (x, y), counted from the quiet zone's corner
        return image.pixelColor(x * 10 + 5, y * 10 + 5).lightness() < 128

    assert not dark(0, 0)  # the quiet zone is white
    for corner_x, corner_y in ((4, 4), (modules - 11, 4), (4, modules - 11)):
        # Each finder pattern: a dark ring, a light ring, a dark 3x3 centre.
        assert dark(corner_x, corner_y)
        assert not dark(corner_x + 1, corner_y + 1)
        assert dark(corner_x + 3, corner_y + 3)
