"""Runs first in the bundled app: point python-vlc at the libvlc and plugins shipped beside it
(when the bundle has them), so video plays without a system VLC."""

import os
import sys
from pathlib import Path

_bundle = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
_plugins = _bundle / "vlc" / "plugins"
if _plugins.is_dir():
    os.environ.setdefault("VLC_PLUGIN_PATH", str(_plugins))
    _library = next(iter(sorted(_bundle.glob("libvlc.so*"))), None)
    if _library is not None:
        os.environ.setdefault("PYTHON_VLC_LIB_PATH", str(_library))
