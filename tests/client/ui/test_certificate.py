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
