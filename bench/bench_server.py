"""What every benchmark shares: the real server (`lmsdesk-server serve` as its own process on
127.0.0.1) and the way figures are printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def served(
    database_url: str,
    data_dir: Path,
    *,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """Run the server on a free-ish port until the block ends; yields its base URL."""
    with served_process(database_url, data_dir, args=args, env=env, port=port) as (base, _pid):
        yield base


@contextmanager
def served_process(
    database_url: str,
    data_dir: Path,
    *,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[tuple[str, int]]:
    """`served`, yielding the server process's pid beside its base URL."""
    port = port or 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "LMSDESK_DATABASE_URL": database_url,
        "LMSDESK_SERVER_DATA_DIR": str(data_dir),
        **(env or {}),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "lmsdesk_server", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(30)


def print_figures(figures: dict[str, object], goals: dict[str, str], *, as_json: bool) -> None:
    """One line per figure with its target; with --json the last line is all of them."""
    width = max(map(len, figures)) + 2
    for key, value in figures.items():
        print(f"{key:{width}} {value!s:>12}   {goals.get(key, '')}")
    if as_json:
        print(json.dumps(figures))
