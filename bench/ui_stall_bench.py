"""UI-thread stall benchmark (DESIGN.md section 8): the longest time the Qt UI thread does not
get to run while LMSDesk's first full sync of 1,000 courses runs, and the catalog is drawn
after it.

    python bench/ui_stall_bench.py [--courses N] [--lessons-per-course M] [--json]

The real app (offscreen), signed in, starts its sync as at sign-in; a QTimer ticking every
5 ms on the UI thread records the largest gap between two ticks. A gap over 50 ms is a stall
a user would feel (a click or a keypress waiting). The baseline is the same heartbeat with
nothing else running, measured first in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server"), str(ROOT / "bench")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_server import print_figures, served  # noqa: E402
from lmsdesk.services.session import SessionService  # noqa: E402
from lmsdesk.sync.api_client import ApiClient, new_http_client  # noqa: E402
from lmsdesk.sync.token_store import PrivateFileTokenStore  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402
from sync_bench import EMAIL, PASSWORD, build_catalog, say  # noqa: E402

TICK_MS = 5


class Heartbeat:
    """The largest gap between two ticks of a UI-thread timer, from start() to stop()."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.longest * 1000


def measure(base: str, work: Path, figures: dict[str, Any]) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from lmsdesk.app import build, favour_the_window
    from lmsdesk.config import ClientSettings

    tokens = work / "tokens"
    http = new_http_client()
    signed = SessionService(
        data_dir=work / "client",
        api_for=lambda u: ApiClient(u, http),
        token_store=lambda: PrivateFileTokenStore(tokens),
    )
    signed.sign_in(base, EMAIL, PASSWORD)  # the account the app resumes; nothing synced yet
    if signed.store is not None:
        signed.store.close()
    http.close()

    favour_the_window()  # as `lmsdesk` starts (app.main)
    app = build(
        ClientSettings(data_dir=work / "client", server_url=base),
        token_store_factory=lambda: PrivateFileTokenStore(tokens),
    )
    heart = Heartbeat()
    loop = QEventLoop()
    QTimer.singleShot(2000, loop.quit)  # the baseline: the heartbeat alone for 2 s
    heart.start()
    loop.exec()
    figures["idle_longest_gap_ms"] = round(heart.stop(), 1)

    drawn: list[float] = []

    def courses_shown() -> None:
        if len(app.window.catalog_page.courses) >= figures["courses"] and not drawn:
            drawn.append(time.perf_counter())
            QTimer.singleShot(200, loop.quit)  # and a moment after, as the user looks

    app.window.courses_shown.connect(courses_shown)
    app.window.show()
    started = time.perf_counter()
    heart.start()
    app.controller.start()  # resumes the account, then the first full sync starts
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    longest = heart.stop()
    app.window.close()
    app.shutdown()
    if not drawn:
        raise RuntimeError("the catalog was never drawn")
    figures["sync_to_catalog_seconds"] = round(drawn[0] - started, 2)
    figures["sync_longest_gap_ms"] = round(longest, 1)
    figures["ui_stall_ms"] = round(max(longest - TICK_MS, 0.0), 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--lessons-per-course", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lmsdesk-stall-"))
    figures: dict[str, Any] = {
        "courses": args.courses,
        "lessons": args.courses * args.lessons_per_course,
    }
    embedded = EmbeddedPostgres(work / "server")
    url = embedded.start()
    try:
        upgrade_to_head(url)
        say(f"building {args.courses} x {args.lessons_per_course} lessons ...")
        build_catalog(url, args.courses, args.lessons_per_course)
        with served(url, work / "server") as base:
            say("the app's first sync, with a heartbeat on the UI thread ...")
            measure(base, work, figures)
    finally:
        embedded.stop()
    print_figures(figures, {"ui_stall_ms": "<= 50"}, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
