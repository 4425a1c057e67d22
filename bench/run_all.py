"""Every benchmark, one table (DESIGN.md section 8): figure, goal, measured, and the ratio to
the baseline each one measures in its own run.

    python bench/run_all.py [--quick]

Each benchmark runs as its own process (`--json`); its last line is its figures. `--quick`
runs smaller sizes, for a look rather than for the record. Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    script: str
    figure: str
    goal: str
    met: Callable[[float], bool]
    #: The figure that is this one's baseline in the same run, or None for an absolute target.
    baseline: str | None = None


ROWS = [
    Row(
        "sync_bench.py",
        "initial_pull_seconds",
        "<= 1.5x raw",
        lambda _v: True,
        "raw_insert_seconds",
    ),
    Row("sync_bench.py", "noop_requests", "<= 2", lambda v: v <= 2),
    Row("sync_bench.py", "noop_bytes", "<= 4096", lambda v: v <= 4096),
    Row("sync_bench.py", "noop_p50_ms", "< 20 ms", lambda v: v < 20),
    Row("sync_bench.py", "push_mutations_per_s", ">= 5000/s", lambda v: v >= 5000),
    Row("sync_bench.py", "pending_position_mutations_per_lesson", "<= 1", lambda v: v <= 1),
    Row(
        "startup_bench.py",
        "app_start_ms",
        "<= 2x bare window",
        lambda _v: True,
        "bare_window_start_ms",
    ),
    Row("ui_stall_bench.py", "ui_stall_ms", "<= 50 ms", lambda v: v <= 50, "idle_longest_gap_ms"),
    Row("player_bench.py", "first_frame_ms", "< 300 ms", lambda v: v < 300),
    Row("player_bench.py", "resume_error_s", "<= 1 s", lambda v: v <= 1),
    Row("download_bench.py", "client_mb_per_s", ">= 0.8x raw", lambda _v: True, "raw_mb_per_s"),
    Row("download_bench.py", "resume_refetched_bytes", "0", lambda v: v == 0),
    # N processes' peak requests/s over N x one process's peak, on one PostgreSQL.
    Row(
        "server_capacity.py",
        "scale_efficiency",
        ">= 0.8 (N procs vs N x 1)",
        lambda v: v >= 0.8,
    ),
    # The daily metrics job over a year against one INSERT ... SELECT of the same rows.
    Row("analytics_bench.py", "job_s", "<= 2x INSERT ... SELECT", lambda _v: True, "baseline_s"),
    Row("analytics_bench.py", "rows_that_differ", "0", lambda v: v == 0),
]
#: Ratio goals: the figure over its baseline (or under, for throughput).
RATIO_GOALS: dict[str, Callable[[float], bool]] = {
    "initial_pull_seconds": lambda r: r <= 1.5,
    "app_start_ms": lambda r: r <= 2,
    "client_mb_per_s": lambda r: r >= 0.8,
    "job_s": lambda r: r <= 2,
}
QUICK = {
    "sync_bench.py": ["--courses", "200"],
    "startup_bench.py": ["--runs", "3"],
    "ui_stall_bench.py": ["--courses", "200"],
    "download_bench.py": [],
    "server_capacity.py": ["--seconds", "4", "--levels", "4,16", "--devices", "16"],
    "analytics_bench.py": ["--courses", "100", "--enrollments", "10000", "--runs", "1"],
}


def run(script: str, quick: bool) -> dict[str, Any]:
    extra = QUICK.get(script, []) if quick else []
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / script), "--json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    print(f"  {script}: {took:.0f} s", file=sys.stderr, flush=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        return {}
    return dict(json.loads(lines[-1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    for script in dict.fromkeys(row.script for row in ROWS):
        results[script] = run(script, args.quick)
    print(f"{'figure':42} {'goal':20} {'measured':>12} {'baseline':>12} {'ratio':>7}  ok")
    missed = 0
    for row in ROWS:
        figures = results[row.script]
        value = figures.get(row.figure)
        if value is None:
            print(f"{row.figure:42} {row.goal:20} {'(failed)':>12}")
            missed += 1
            continue
        base = figures.get(row.baseline) if row.baseline else None
        ratio = round(value / base, 2) if base else None
        ratio_goal = RATIO_GOALS.get(row.figure)
        ok = row.met(value) and (ratio is None or ratio_goal is None or ratio_goal(ratio))
        missed += not ok
        print(
            f"{row.figure:42} {row.goal:20} {value!s:>12} {base if base is not None else '':>12}"
            f" {ratio if ratio is not None else '':>7}  {'yes' if ok else 'NO'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
