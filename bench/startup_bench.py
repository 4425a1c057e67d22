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
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
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


#: Installed apps start from compiled bytecode (pip and PyInstaller compile it); a shell that
#: sets PYTHONDONTWRITEBYTECODE would make every start compile every module from source (a
#: third of the start on this machine). So the starts keep their bytecode here, compiled by a
#: first start that is not counted.
BYTECODE = Path(tempfile.mkdtemp(prefix="lmsdesk-startup-pyc-"))
PROBE_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": str(BYTECODE),
}


def start_ms(*args: str) -> float:
    """Milliseconds from launching the process to its "ready" line."""
    return start_times(*args)["ready"]


def start_times(*args: str) -> dict[str, float]:
    """Milliseconds from launching the process to each line it prints ("painted", "ready")."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(PROBE), *args],
        env=PROBE_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    times: dict[str, float] = {}
    for line in process.stdout:
        times[line.strip()] = (time.perf_counter() - started) * 1000
        if line.strip() == "ready":
            # Measured; its quit is not (with a hung server it waits out a request in flight).
            process.kill()
            process.wait(30)
            return times
    process.wait(30)
    raise RuntimeError(f"{args[0]} start never became ready (exit {process.returncode})")


@contextmanager
def hung_server(base: str) -> Iterator[None]:
    """A listener on the server's port that accepts every connection and never answers."""
    port = int(base.rsplit(":", 1)[1])
    listener = socket.create_server(("127.0.0.1", port), reuse_port=True, backlog=64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


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
    bare: list[float] = []
    painted: dict[str, list[float]] = {"offline": [], "hung": []}
    ready: dict[str, list[float]] = {"offline": [], "hung": []}
    store = (str(work / "client"), str(work / "tokens"), base)
    start_ms("bare")  # compiles the bytecode both kinds of start use
    start_ms("app", *store)
    for _ in range(args.runs):
        bare.append(start_ms("bare"))
        for case in ("offline", "hung"):
            # "hung": the server's address accepts connections and never answers (a hung
            # server, a captive portal); the catalog must not wait for it.
            with hung_server(base) if case == "hung" else nullcontext():
                times = start_times("app", *store)
            painted[case].append(times.get("painted", times["ready"]))
            ready[case].append(times["ready"])
    bare_ms = statistics.median(bare)
    figures: dict[str, Any] = {
        "courses_in_store": args.courses,
        "bare_window_start_ms": round(bare_ms),
    }
    for case in ("offline", "hung"):
        suffix = "" if case == "offline" else "_hung_server"
        first = statistics.median(painted[case])
        figures[f"first_paint_ms{suffix}"] = round(first)
        figures[f"startup_ratio{suffix}"] = round(first / bare_ms, 2)
        figures[f"usable_ms{suffix}"] = round(statistics.median(ready[case]))
    goals = {
        "startup_ratio": "<= 2 (first paint of the catalog)",
        "startup_ratio_hung_server": "<= 2",
        "usable_ms": "<= 1000",
        "usable_ms_hung_server": "<= 1000",
    }
    print_figures(figures, goals, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
