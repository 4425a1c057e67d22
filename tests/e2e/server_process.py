"""Start `lmsdesk-server serve` as a real process on 127.0.0.1 and wait until it answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    def __init__(
        self, data_dir: Path, *, port: int | None = None, env: dict[str, str] | None = None
    ):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, "LMSDESK_SERVER_DATA_DIR": str(data_dir), **(env or {})}
        self._env.pop("LMSDESK_DATABASE_URL", None) if "LMSDESK_DATABASE_URL" not in (
            env or {}
        ) else None
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    def cli(
        self, *args: str, timeout: float = 60, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lmsdesk_server", *args],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            input=stdin,
        )

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        """Another `lmsdesk-server` command on the same data dir, running beside this one."""
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "lmsdesk_server", *args],
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self, *args: str, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "lmsdesk_server", "serve", "--port", str(self.port), *args],
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server did not answer:\n{self.log.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout)
        self.process = None
        return code
