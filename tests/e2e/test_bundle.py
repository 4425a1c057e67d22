"""The installable client: packaging/build_linux.py builds the one-folder bundle, which prints
its version, says whether it can play video, and starts against a real server and quits
cleanly, without Python or the checkout on its path."""

from __future__ import annotations

import ctypes.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lmsdesk import __version__
from tests.support.live_server import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.long]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_linux.py"), "--dist", str(dist)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return dist / "lmsdesk"


def _clean_env(**extra: str) -> dict[str, str]:
    """No virtualenv, no checkout: what a user's desktop session has."""
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "USER", "TMPDIR")}
    return {**keep, "PATH": "/usr/bin:/bin", **extra}


def test_the_bundle_says_its_version_and_whether_it_plays_video(bundle: Path) -> None:
    program = bundle / "lmsdesk"
    assert (bundle / "lmsdesk.desktop").read_text().count("Exec=lmsdesk") == 1
    assert (bundle / "lmsdesk.png").stat().st_size > 1000
    version = subprocess.run(
        [str(program), "--version"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=60,
        check=False,
    )
    assert version.stdout.strip() == f"lmsdesk {__version__}"
    check = subprocess.run(
        [str(program), "--check"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=60,
        check=False,
    )
    if ctypes.util.find_library("vlc"):  # built where libvlc is: it is inside the bundle
        assert (check.returncode, check.stdout.splitlines()[1][:13]) == (0, "video: libvlc")
        assert (bundle / "_internal" / "vlc" / "plugins").is_dir()
    else:
        assert check.returncode == 1
        assert "video: not available" in check.stdout


def test_the_bundle_starts_against_a_server_and_quits_cleanly(
    bundle: Path, live_server: LiveServer, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [str(bundle / "lmsdesk"), "--server", live_server.url],
        env=_clean_env(QT_QPA_PLATFORM="offscreen", LMSDESK_DATA_DIR=str(tmp_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(4)  # up, and asking for a sign-in
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "Traceback" not in output
