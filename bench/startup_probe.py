"""One cold start, run as its own process by startup_bench.py: prints "ready" the moment the
window is interactive, then quits.

    python bench/startup_probe.py bare
    python bench/startup_probe.py app DATA_DIR TOKENS_DIR SERVER_URL

`bare` is the baseline: a PySide6 window with a label. `app` is LMSDesk as `lmsdesk` starts it,
signed in from its stored account: "painted" when the start window shows the stored catalog
(the first paint), "ready" when the app's own catalog list has been drawn from the store.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ready() -> None:
    print("ready", flush=True)


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1100, 720)
    window.show()
    QTimer.singleShot(0, ready)
    QTimer.singleShot(0, app.quit)
    return app.exec()


def lmsdesk(data_dir: str, tokens: str, server: str) -> int:
    # As `lmsdesk` starts (app.main): the stored catalog first, then the app.
    from lmsdesk.app import favour_the_window, show_start_window, take_over

    favour_the_window()
    start = show_start_window(Path(data_dir))
    if start is not None and start.courses.count():
        print("painted", flush=True)

    from lmsdesk.app import build
    from lmsdesk.config import ClientSettings
    from lmsdesk.sync.token_store import PrivateFileTokenStore

    app = build(
        ClientSettings(data_dir=Path(data_dir), server_url=server),
        token_store_factory=lambda: PrivateFileTokenStore(Path(tokens)),
    )

    def shown() -> None:
        if app.window.catalog_page.courses:
            ready()
            app.qt_app.quit()

    app.window.courses_shown.connect(shown)
    take_over(app.window, start)
    app.controller.start()
    try:
        return app.qt_app.exec()
    finally:
        app.shutdown()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        sys.exit(bare())
    sys.exit(lmsdesk(*sys.argv[2:5]))
