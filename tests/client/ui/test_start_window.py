"""The next start paints the catalog this computer stored before the rest of the app is even
imported (app.show_start_window), hands over to the app's window in the same place, and opens
the account from this computer first: a server that accepts the connection and never answers
(a hung server, a captive portal) no longer keeps the catalog away."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lmsdesk.app import show_start_window
from lmsdesk.contracts.common import Role
from tests.support.layout import DEFAULT, MINIMUM, squashed
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, sign_in


def test_the_next_start_paints_the_stored_catalog_and_never_waits_for_a_hung_server(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
    tmp_path: Path,
) -> None:
    first = start_app(link.url)
    with qtbot.waitSignal(first.sync.finished, timeout=30_000):
        sign_in(qtbot, first, link.url, live_server.create_user(Role.STUDENT, name="Hana"))
    qtbot.waitUntil(lambda: bool(first.window.catalog_page.courses), timeout=10_000)
    titles = [course.title for course in first.window.catalog_page.courses]
    first.window.close()
    first.shutdown()

    link.hang()
    try:
        start = show_start_window(tmp_path / "client-data")
        assert start is not None
        assert start.isVisible()
        shown = [start.courses.item(i).text().split("\n")[0] for i in range(start.courses.count())]
        assert shown == titles
        for width, height in (MINIMUM, DEFAULT):
            start.resize(width, height)
            qtbot.wait(30)
            save_png(start, shots / f"student-start-window-{width}x{height}.png")
            assert squashed(start) == []
        start.resize(900, 600)
        where = start.geometry()

        second = start_app(link.url, start)
        assert not start.isVisible()  # the app's window took its place...
        assert second.window.geometry() == where  # ...where the person left it
        # The account opens from this computer while the server still has not answered.
        qtbot.waitUntil(lambda: bool(second.window.catalog_page.courses), timeout=5_000)
        assert [course.title for course in second.window.catalog_page.courses] == titles
        assert second.window.user_label.text() == "Hana (student)"
    finally:
        link.restore()
