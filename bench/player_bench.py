"""Player benchmark (DESIGN.md section 8): the app's VideoPlayer on real libvlc with the demo video,
dummy video and audio outputs.

    python bench/player_bench.py [--runs N] [--json]

first_frame_ms: from play() to libvlc's first video output of a local lesson video (median of
N runs after the first). player_start_first_frame_ms: the first of them with the player's own
start before it (libvlc's instance, which loads its plugins), as a lesson's first play.
resume_error_s: how far from a saved position playback actually starts (worst of N positions).
Targets: < 300 ms, <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lmsdesk.player.vlc_player import VideoPlayer, create_instance  # noqa: E402

VIDEO = ROOT / "resources" / "demo" / "welcome.mp4"


def wait_for(condition: object, timeout_s: float = 5.0) -> bool:
    # QEventLoop.processEvents, not QCoreApplication.processEvents: in PySide6 6.12 the static
    # one drops a reference to None per call, and the interpreter aborts once a few thousand
    # calls have added up.
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        loop.processEvents()
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.0005)
    return False


def first_frame_ms(instance: object) -> float:
    player = VideoPlayer(instance)
    player.open(VIDEO, autoplay=False)
    started = time.perf_counter()
    player.play()
    if not wait_for(lambda: player.first_frame_at is not None):
        raise RuntimeError("no first frame within 5 s")
    player.close()
    return (player.first_frame_at - started) * 1000  # type: ignore[operator]


def resume_error_s(instance: object, position: float) -> float:
    player = VideoPlayer(instance, poll_ms=20)
    player.open(VIDEO, start_at=position)
    if not wait_for(lambda: player.position() > 0):
        raise RuntimeError("playback did not start within 5 s")
    error = abs(player.position() - position)
    player.close()
    return error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # The player's own start, as a lesson's first play after the app opened: libvlc's instance
    # (it loads its plugins once per process), then the first frame of the first video.
    started = time.perf_counter()
    instance = create_instance(headless=True)
    instance_ms = (time.perf_counter() - started) * 1000
    cold_ms = instance_ms + first_frame_ms(instance)
    frames = [first_frame_ms(instance) for _ in range(args.runs)]
    positions = [3.0 + 3.7 * i for i in range(args.runs)]  # 3 s .. 25 s into the 30 s video
    errors = [resume_error_s(instance, p) for p in positions]
    figures = {
        "player_instance_ms": round(instance_ms, 1),
        "player_start_first_frame_ms": round(cold_ms, 1),
        "first_frame_ms": round(statistics.median(frames), 1),
        "first_frame_ms_worst": round(max(frames), 1),
        "resume_error_s": round(max(errors), 3),
        "first_frame_target_ms": 300,
        "resume_target_s": 1.0,
    }
    print(
        f"first frame of a local video: median {figures['first_frame_ms']} ms, worst "
        f"{figures['first_frame_ms_worst']} ms over {args.runs} runs (target < 300 ms)"
    )
    print(
        f"the player's own start (libvlc instance {figures['player_instance_ms']} ms) to the "
        f"first frame of the first video: {figures['player_start_first_frame_ms']} ms"
    )
    print(
        f"resume error: worst {figures['resume_error_s']} s over {args.runs} saved positions "
        "(target <= 1 s)"
    )
    if args.json:
        print(json.dumps(figures))
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
