"""Build the LMSDesk client as a one-folder Linux bundle with PyInstaller.

    python packaging/build_linux.py [--dist DIR] [--no-vlc]

Writes DIR/lmsdesk/ (default dist/lmsdesk): the `lmsdesk` program, Qt, Python and the local
store's migrations, plus libvlc and its plugins when this machine has them (Debian: libvlc5,
vlc-plugin-base), so video plays without a system VLC. Without libvlc the bundle still runs and
the lesson page says what to install. The .desktop file and icon go beside it for installing.
"""

from __future__ import annotations

import argparse
import ctypes.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
VLC_PLUGINS = [Path("/usr/lib/x86_64-linux-gnu/vlc/plugins"), Path("/usr/lib/vlc/plugins")]


def libvlc_files() -> list[tuple[str, str]]:
    """(source, folder in the bundle) for libvlc, libvlccore and the plugins, if installed."""
    found = []
    for name in ("vlc", "vlccore"):
        library = ctypes.util.find_library(name)
        if library is None:
            return []
        for folder in (Path("/usr/lib/x86_64-linux-gnu"), Path("/usr/lib")):
            candidates = sorted(folder.glob(f"lib{name}.so*"))
            if candidates:
                found += [(str(path), ".") for path in candidates]
                break
    plugins = next((p for p in VLC_PLUGINS if p.is_dir()), None)
    if plugins is None:
        return []
    return [*found, (str(plugins), "vlc/plugins")]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--no-vlc", action="store_true")
    args = parser.parse_args()
    work = args.dist.parent / "build-pyinstaller"
    migrations = ROOT / "src" / "lmsdesk" / "local_db" / "migrations"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--onedir",
        "--name",
        "lmsdesk",
        "--distpath",
        str(args.dist),
        "--workpath",
        str(work),
        "--specpath",
        str(work),
        "--paths",
        str(ROOT / "src"),
        # Alembic reads migration scripts as files, so they travel as data, not bytecode.
        "--add-data",
        f"{migrations}:lmsdesk/local_db/migrations",
        "--collect-submodules",
        "lmsdesk",
        "--hidden-import",
        "keyring.backends.SecretService",
        "--exclude-module",
        "lmsdesk_server",
        "--exclude-module",
        "tkinter",
        "--runtime-hook",
        str(HERE / "runtime_hook.py"),
    ]
    vlc = [] if args.no_vlc else libvlc_files()
    for source, target in vlc:
        command += ["--add-binary" if target == "." else "--add-data", f"{source}:{target}"]
    command.append(str(ROOT / "src" / "lmsdesk" / "__main__.py"))
    print("libvlc:", "bundled" if vlc else "not bundled (the app says what to install)")
    subprocess.run(command, check=True)
    bundle = args.dist / "lmsdesk"
    for extra in ("lmsdesk.desktop", "lmsdesk.png"):
        shutil.copy(HERE / extra, bundle / extra)
    print(f"built {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
