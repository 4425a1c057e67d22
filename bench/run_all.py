"""Every benchmark, one table (DESIGN.md section 8): each figure with its goal, and where the goal
is a ratio, the ratio to the baseline that benchmark measures in the same run; min, median and
max over several runs.

    python bench/run_all.py [--runs 3] [--quick]

Each benchmark runs as its own process (`--json`); its last line is its figures. `--quick`
runs smaller sizes, for a look rather than for the record. A goal is judged on the median.
Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

Script = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Row:
    script: str
    figure: str
    goal: str
    #: Judged on the ratio to `baseline` when there is one, else on the figure.
    met: Callable[[float], bool]
    #: The figure that is this one's baseline in the same run, or None for an absolute target.
    baseline: str | None = None
    args: tuple[str, ...] = ()

    @property
    def key(self) -> Script:
        return (self.script, self.args)


STALL_1K = ("--courses", "1000", "--lessons-per-course", "100")
STALL_10K = ("--courses", "10000", "--lessons-per-course", "10")

ROWS = [
    Row(
        "sync_bench.py",
        "initial_pull_seconds",
        "<= 0.5x raw",
        lambda r: r <= 0.5,
        "raw_insert_seconds",
    ),
    Row("sync_bench.py", "noop_requests", "<= 2", lambda v: v <= 2),
    Row("sync_bench.py", "noop_bytes", "<= 4096", lambda v: v <= 4096),
    Row("sync_bench.py", "noop_p50_ms", "< 20 ms", lambda v: v < 20),
    Row("sync_bench.py", "push_mutations_per_s", ">= 5000/s", lambda v: v >= 5000),
    Row("sync_bench.py", "pending_position_mutations_per_lesson", "<= 1", lambda v: v <= 1),
    Row(
        "startup_bench.py",
        "first_paint_ms",
        "<= 2x bare window",
        lambda r: r <= 2,
        "bare_window_start_ms",
    ),
    Row(
        "startup_bench.py",
        "first_paint_ms_hung_server",
        "<= 2x bare, hung server",
        lambda r: r <= 2,
        "bare_window_start_ms",
    ),
    Row("startup_bench.py", "usable_ms", "<= 1000 ms", lambda v: v <= 1000),
    Row("startup_bench.py", "usable_ms_hung_server", "<= 1000 ms", lambda v: v <= 1000),
    Row(
        "ui_stall_bench.py",
        "ui_stall_ms",
        "<= 50 ms, 1,000 courses",
        lambda v: v <= 50,
        args=STALL_1K,
    ),
    Row(
        "ui_stall_bench.py",
        "ui_stall_ms",
        "<= 50 ms, 10,000 courses",
        lambda v: v <= 50,
        args=STALL_10K,
    ),
    Row("player_bench.py", "first_frame_ms", "< 300 ms", lambda v: v < 300),
    Row(
        "player_bench.py",
        "player_start_first_frame_ms",
        "< 300 ms, with its start",
        lambda v: v < 300,
    ),
    Row("player_bench.py", "resume_error_s", "<= 1 s", lambda v: v <= 1),
    Row("download_bench.py", "client_mb_per_s", ">= 0.8x raw", lambda r: r >= 0.8, "raw_mb_per_s"),
    Row("download_bench.py", "resume_refetched_bytes", "0", lambda v: v == 0),
    Row(
        "server_capacity.py",
        "noop_pull_server_cpu_us",
        "<= 2x baseline endpoint",
        lambda r: r <= 2,
        "baseline_server_cpu_us",
    ),
    # The realistic push beside sync_bench's batch: 1-3 changes per request, devices at once.
    Row("server_capacity.py", "small_push_mutations_per_s", "(reported)", lambda _v: True),
    Row("server_capacity.py", "small_push_p99_ms", "(reported)", lambda _v: True),
    Row("server_capacity.py", "fleet_p99_ms", "< 250 ms, 1,000 devices", lambda v: v < 250),
    Row("server_capacity.py", "fleet_errors", "0", lambda v: v == 0),
    # N processes' peak requests/s over N x one process's peak, on one PostgreSQL.
    Row("server_capacity.py", "scale_efficiency", ">= 0.8 (N procs vs N x 1)", lambda v: v >= 0.8),
    # The daily metrics job over a year against one INSERT ... SELECT of the same rows.
    Row("analytics_bench.py", "job_s", "<= 2x INSERT ... SELECT", lambda r: r <= 2, "baseline_s"),
    Row("analytics_bench.py", "rows_that_differ", "0", lambda v: v == 0),
]
QUICK: dict[str, list[str]] = {
    "sync_bench.py": ["--courses", "200"],
    "startup_bench.py": ["--runs", "3"],
    "ui_stall_bench.py": ["--courses", "200", "--lessons-per-course", "10"],
    "download_bench.py": [],
    "server_capacity.py": [
        *("--seconds", "4", "--levels", "4,16", "--devices", "16"),
        *("--fleet", "100", "--fleet-seconds", "10", "--cost-requests", "400"),
    ],
    "analytics_bench.py": ["--courses", "100", "--enrollments", "10000", "--runs", "1"],
}


def run(key: Script, quick: bool) -> dict[str, Any]:
    script, args = key
    extra = QUICK.get(script, []) if quick else list(args)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / script), "--json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    print(f"  {script} {' '.join(extra)}: {took:.0f} s", file=sys.stderr, flush=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        return {}
    return dict(json.loads(lines[-1]))


def spread(values: list[float]) -> str:
    """min / median / max, or the one value."""
    if not values:
        return "(failed)"
    if len(values) == 1:
        return f"{values[0]:g}"
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{low:g} / {middle:g} / {high:g}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results: dict[Script, list[dict[str, Any]]] = {}
    for _ in range(args.runs):
        for key in dict.fromkeys(row.key for row in ROWS):
            results.setdefault(key, []).append(run(key, args.quick))
    print(f"\n{'figure':40} {'goal':28} {'measured (min / median / max)':>34} {'ratio':>22}  ok")
    missed = 0
    for row in ROWS:
        runs = [figures for figures in results[row.key] if row.figure in figures]
        values = [float(figures[row.figure]) for figures in runs]
        ratios = [
            float(figures[row.figure]) / float(figures[row.baseline])
            for figures in runs
            if row.baseline and figures.get(row.baseline)
        ]
        judged = ratios if row.baseline else values
        ok = bool(judged) and len(runs) == args.runs and row.met(statistics.median(judged))
        missed += not ok
        shown_ratios = spread([round(r, 2) for r in ratios]) if row.baseline else ""
        print(
            f"{row.figure:40} {row.goal:28} {spread(values):>34} {shown_ratios:>22}"
            f"  {'yes' if ok else 'NO'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
