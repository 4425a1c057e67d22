"""Cold start benchmark (DESIGN.md section 8): LMSDesk from process start to an interactive
window with 1,000 courses in its local store, against a bare PySide6 window started in the
same run.

    python bench/startup_bench.py [--courses N] [--runs R] [--json]

The store is filled by a real sync from a real server; the server is then stopped, so the
start measured is the local one (the app starts offline from its stored account, as on a
train). Each start is its own process; the figure is the median of R starts of each kind,
taken alternately so drift hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server"), str(ROOT / "bench")]

from bench_server import print_figures, served  # noqa: E402
from lmsdesk.services.session import SessionService  # noqa: E402
from lmsdesk.sync.api_client import ApiClient, new_http_client  # noqa: E402
from lmsdesk.sync.token_store import PrivateFileTokenStore  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402
from sync_bench import EMAIL, PASSWORD, build_catalog, say  # noqa: E402

PROBE = Path(__file__).with_name("startup_probe.py")


def start_ms(*args: str) -> float:
    """Milliseconds from launching the process to its "ready" line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(PROBE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "ready":
            elapsed = (time.perf_counter() - started) * 1000
            process.wait(30)
            return elapsed
    process.wait(30)
    raise RuntimeError(f"{args[0]} start never became ready (exit {process.returncode})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lmsdesk-startup-"))
    embedded = EmbeddedPostgres(work / "server")
    url = embedded.start()
    try:
        upgrade_to_head(url)
        say(f"building {args.courses} courses and syncing them into a client store ...")
        build_catalog(url, args.courses, 10)
        with served(url, work / "server") as base:
            http = new_http_client()
            tokens = work / "tokens"
            service = SessionService(
                data_dir=work / "client",
                api_for=lambda u: ApiClient(u, http),
                token_store=lambda: PrivateFileTokenStore(tokens),
            )
            service.sign_in(base, EMAIL, PASSWORD)
            assert service.sync_engine is not None
            service.sync_engine.sync()
            if service.store is not None:
                service.store.close()  # still signed in: the app resumes this account
            http.close()
    finally:
        embedded.stop()

    say("cold starts ...")
    bare, app = [], []
    for _ in range(args.runs):
        bare.append(start_ms("bare"))
        app.append(start_ms("app", str(work / "client"), str(work / "tokens"), base))
    figures: dict[str, Any] = {
        "courses_in_store": args.courses,
        "bare_window_start_ms": round(statistics.median(bare)),
        "app_start_ms": round(statistics.median(app)),
    }
    figures["startup_ratio"] = round(figures["app_start_ms"] / figures["bare_window_start_ms"], 2)
    print_figures(figures, {"startup_ratio": "<= 2"}, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
