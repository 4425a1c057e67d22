"""`lmsdesk` as a user starts it: --version, and a clean quit on SIGTERM (session logout)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lmsdesk import __version__
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("module", "program"), [("lmsdesk", "lmsdesk"), ("lmsdesk_server", "lmsdesk-server")]
)
def test_version_prints_and_exits(module: str, program: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"{program} {__version__}"


def test_client_starts_and_quits_cleanly_on_sigterm(
    live_server: LiveServer, tmp_path: Path
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LMSDESK_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "lmsdesk", "--server", live_server.url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(3)  # the window is up and asking for a sign-in
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert "Traceback" not in output
